import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { ObjectStoreConfig } from '../../config/config.js';
import { DomainError, Forbidden, NotFound, PayloadTooLarge, UpstreamUnavailable } from '../errors.js';
import { listPath, objectPath, orgPrefix, validateContentType } from './object-keys.js';
import type { ObjectBody, ObjectInfo, ObjectStore } from './object-store.js';

export type S3ObjectStoreConfig = Extract<ObjectStoreConfig, { kind: 's3' }>;

export interface S3ObjectStoreOptions {
  /**
   * Stream bodies are sent in parts of this size (S3 multipart upload; S3 needs at least 5 MiB except for the
   * last part), so memory holds one part at a time whatever the object's size. A stream that ends within the
   * first part goes up in one PutObject. Default 8 MiB.
   */
  partSizeBytes?: number;
  /** Longest stream body accepted; longer is refused with PayloadTooLarge. Default 5 TiB (S3's object limit). */
  maxObjectBytes?: number;
  /** Keys per ListObjectsV2 page (S3 caps it at 1000). */
  listPageSize?: number;
  /** Total attempts per request, including the first. Default 3. */
  maxAttempts?: number;
  /** TCP connect timeout per attempt. Default 2 s. */
  connectionTimeoutMs?: number;
  /** Longest wait for a response to start, per attempt; uploads are bounded by `socketTimeoutMs` instead. Default 5 s. */
  requestTimeoutMs?: number;
  /** Longest silence on an open connection, including while a body streams. Default 20 s. */
  socketTimeoutMs?: number;
  /** Upper bound for the whole of `ping`, retries included. Default 5 s. */
  pingTimeoutMs?: number;
}

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/**
 * ObjectStore on S3 or an S3-compatible server (MinIO, SeaweedFS, s3rver). Objects live at `{orgId}/{key}`
 * in one bucket. Timeouts and retries are deliberately short so a dead endpoint fails within seconds.
 */
export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly partSizeBytes: number;
  private readonly maxObjectBytes: number;
  private readonly listPageSize: number;
  private readonly pingTimeoutMs: number;

  constructor(config: S3ObjectStoreConfig, options: S3ObjectStoreOptions = {}) {
    this.bucket = config.bucket;
    this.partSizeBytes = options.partSizeBytes ?? 8 * 1024 * 1024;
    this.maxObjectBytes = options.maxObjectBytes ?? 5 * 1024 ** 4;
    this.listPageSize = options.listPageSize ?? 1000;
    this.pingTimeoutMs = options.pingTimeoutMs ?? 5_000;
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials: config.credentials, // undefined: the SDK's default chain (instance role, web identity, …)
      maxAttempts: options.maxAttempts ?? 3,
      requestHandler: {
        connectionTimeout: options.connectionTimeoutMs ?? 2_000,
        requestTimeout: options.requestTimeoutMs ?? 5_000,
        throwOnRequestTimeout: true,
        socketTimeout: options.socketTimeoutMs ?? 20_000,
      },
      // Newer SDKs add CRC checksums to every upload by default, which many S3-compatible servers reject.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(orgId: string, key: string, body: ObjectBody, options: { contentType?: string } = {}): Promise<ObjectInfo> {
    const path = objectPath(orgId, key);
    const contentType = options.contentType ?? DEFAULT_CONTENT_TYPE;
    validateContentType(contentType);
    if (body instanceof Readable) return this.putStream(path, key, body, contentType);
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    return this.putBytes(path, key, bytes, contentType);
  }

  private async putBytes(path: string, key: string, bytes: Uint8Array, contentType: string): Promise<ObjectInfo> {
    const response = await this.call('object', () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: path,
          Body: bytes,
          ContentLength: bytes.byteLength,
          ContentType: contentType,
        }),
        // A large body may take longer than requestTimeout to send; the socket idle timeout still catches a stall.
        { requestTimeout: 0 },
      ),
    );
    return { key, size: bytes.byteLength, contentType, ...etagOf(response.ETag) };
  }

  async get(orgId: string, key: string): Promise<{ info: ObjectInfo; body: Readable }> {
    const path = objectPath(orgId, key);
    const response = await this.call('object', () =>
      this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: path })),
    );
    if (!(response.Body instanceof Readable)) {
      throw new UpstreamUnavailable('The object store returned no readable body');
    }
    return {
      info: {
        key,
        size: response.ContentLength ?? 0,
        ...(response.ContentType === undefined ? {} : { contentType: response.ContentType }),
        ...(response.LastModified === undefined ? {} : { lastModified: response.LastModified }),
        ...etagOf(response.ETag),
      },
      body: response.Body,
    };
  }

  async head(orgId: string, key: string): Promise<ObjectInfo | undefined> {
    const path = objectPath(orgId, key);
    try {
      const response = await this.call('object', () =>
        this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: path })),
      );
      return {
        key,
        size: response.ContentLength ?? 0,
        ...(response.ContentType === undefined ? {} : { contentType: response.ContentType }),
        ...(response.LastModified === undefined ? {} : { lastModified: response.LastModified }),
        ...etagOf(response.ETag),
      };
    } catch (error) {
      if (error instanceof NotFound) return undefined;
      throw error;
    }
  }

  /** ListObjectsV2 does not return content types, so listed entries carry none. */
  async *list(orgId: string, prefix = ''): AsyncIterable<ObjectInfo> {
    const fullPrefix = listPath(orgId, prefix);
    const org = orgPrefix(orgId);
    let continuationToken: string | undefined;
    do {
      const token = continuationToken;
      const page = await this.call('object', () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: fullPrefix,
            MaxKeys: this.listPageSize,
            ContinuationToken: token,
          }),
        ),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key?.startsWith(org)) continue;
        yield {
          key: object.Key.slice(org.length),
          size: object.Size ?? 0,
          ...(object.LastModified === undefined ? {} : { lastModified: object.LastModified }),
          ...etagOf(object.ETag),
        };
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  async delete(orgId: string, key: string): Promise<void> {
    const path = objectPath(orgId, key);
    try {
      await this.call('object', () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: path })));
    } catch (error) {
      // S3 answers 204 for a missing key; some compatible servers answer 404 instead.
      if (!(error instanceof NotFound)) throw error;
    }
  }

  async ping(): Promise<void> {
    await this.call('bucket', () =>
      this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), {
        abortSignal: AbortSignal.timeout(this.pingTimeoutMs),
      }),
    );
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async call<T>(subject: 'object' | 'bucket', operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw toDomainError(error, subject);
    }
  }

  /**
   * Reads the stream a part at a time: a body within one part is a single PutObject; a longer one is a multipart
   * upload whose parts are sent as they fill, so the stream waits (backpressure) while a part uploads. Nothing is
   * visible until the upload completes; on any failure it is aborted, leaving the previous version in place.
   */
  private async putStream(path: string, key: string, body: Readable, contentType: string): Promise<ObjectInfo> {
    const parts = this.parts(body);
    const first = await parts.next();
    const firstPart = first.done ? Buffer.alloc(0) : first.value;
    if (first.done || firstPart.length < this.partSizeBytes) {
      // Ended within the first part (the generator yields a short part only at the end).
      await parts.return(undefined);
      return this.putBytes(path, key, firstPart, contentType);
    }
    const created = await this.call('object', () =>
      this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: path, ContentType: contentType })),
    );
    const uploadId = created.UploadId;
    if (!uploadId) throw new UpstreamUnavailable('The object store started a multipart upload without an id');
    const completed: Array<{ ETag: string | undefined; PartNumber: number }> = [];
    let size = 0;
    try {
      let part: Buffer | undefined = firstPart;
      while (part) {
        const partNumber = completed.length + 1;
        const bytes = part;
        const uploaded = await this.call('object', () =>
          this.client.send(
            new UploadPartCommand({
              Bucket: this.bucket,
              Key: path,
              UploadId: uploadId,
              PartNumber: partNumber,
              Body: bytes,
              ContentLength: bytes.byteLength,
            }),
            { requestTimeout: 0 },
          ),
        );
        completed.push({ ETag: uploaded.ETag, PartNumber: partNumber });
        size += bytes.byteLength;
        const next = await parts.next();
        part = next.done ? undefined : next.value;
      }
      const response = await this.call('object', () =>
        this.client.send(
          new CompleteMultipartUploadCommand({
            Bucket: this.bucket,
            Key: path,
            UploadId: uploadId,
            MultipartUpload: { Parts: completed },
          }),
          { requestTimeout: 0 },
        ),
      );
      return { key, size, contentType, ...etagOf(response.ETag) };
    } catch (error) {
      await parts.return(undefined);
      // Best effort: parts of an upload never completed are invisible, and a bucket lifecycle rule
      // (AbortIncompleteMultipartUpload) removes any an abort could not.
      await this.client
        .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: path, UploadId: uploadId }))
        .catch(() => undefined);
      throw error;
    }
  }

  /** The stream cut into parts of `partSizeBytes`; only the last may be shorter. */
  private async *parts(body: Readable): AsyncGenerator<Buffer, void, undefined> {
    let chunks: Buffer[] = [];
    let buffered = 0;
    let total = 0;
    for await (const chunk of body as AsyncIterable<unknown>) {
      let bytes: Buffer;
      if (typeof chunk === 'string') bytes = Buffer.from(chunk, 'utf8');
      else if (chunk instanceof Uint8Array) bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      else throw new TypeError('Object body streams must produce strings or bytes');
      total += bytes.length;
      if (total > this.maxObjectBytes) {
        // Leaving the loop destroys the stream, so the producer stops too.
        throw new PayloadTooLarge(`Objects may be at most ${this.maxObjectBytes} bytes`, {
          limitBytes: this.maxObjectBytes,
        });
      }
      chunks.push(bytes);
      buffered += bytes.length;
      while (buffered >= this.partSizeBytes) {
        const joined = Buffer.concat(chunks, buffered);
        yield joined.subarray(0, this.partSizeBytes);
        const rest = joined.subarray(this.partSizeBytes);
        chunks = rest.length > 0 ? [rest] : [];
        buffered = rest.length;
      }
    }
    if (buffered > 0 || total === 0) yield Buffer.concat(chunks, buffered);
  }
}

/** S3 quotes ETags (`"abc…"`); the port exposes the bare value, as the filesystem store does. */
function etagOf(etag: string | undefined): { etag?: string } {
  return etag === undefined ? {} : { etag: etag.replace(/^(W\/)?"(.*)"$/, '$2') };
}

function toDomainError(error: unknown, subject: 'object' | 'bucket'): unknown {
  if (error instanceof DomainError) return error;
  const name = error instanceof Error ? error.name : '';
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  const options = { cause: error };
  if (name === 'NoSuchBucket' || (subject === 'bucket' && status === 404)) {
    return new UpstreamUnavailable('The object store bucket does not exist', 30, options);
  }
  if (status === 404 || name === 'NoSuchKey' || name === 'NotFound') {
    return new NotFound('Object not found', undefined, options);
  }
  if (status === 401 || status === 403) {
    return new Forbidden(
      'The object store refused access; check its credentials and bucket policy',
      undefined,
      options,
    );
  }
  if (name === 'EntityTooLarge')
    return new PayloadTooLarge('The object is too large for the object store', undefined, options);
  // Any other 4xx means this request was wrong, not that the store is down: surface it as the bug it is.
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) return error;
  // 5xx, throttling, refused or timed-out connections, aborted requests, unparseable answers.
  return new UpstreamUnavailable('The object store did not answer', 5, options);
}
