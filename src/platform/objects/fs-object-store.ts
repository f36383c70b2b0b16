import { createHash, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, lstat, mkdir, open, readdir, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { Conflict, DomainError, NotFound, UpstreamUnavailable, ValidationFailed } from '../errors.js';
import { listPath, objectPath, orgPrefix, validateContentType } from './object-keys.js';
import type { ObjectBody, ObjectInfo, ObjectStore } from './object-store.js';

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
const TEMPORARY_DIRECTORY = '.tmp';
/** Temporary files older than this were left by a crashed process and are swept on start. */
const STALE_TEMPORARY_MS = 24 * 60 * 60 * 1000;
// O_NOFOLLOW does not exist on Windows; there the root check alone has to do.
const OPEN_FOR_READ = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/**
 * On disk every object is one file: the content, then a small metadata trailer
 * (`{json}` + `\n#aurora-object v1 {json length, 8 digits}\n`). Keeping content and metadata in a single
 * file means one `rename` publishes both atomically, and a reader holding the file open sees one
 * consistent version even while it is being replaced. Files without the trailer are served as plain content.
 */
const TRAILER_MAGIC = '\n#aurora-object v1 ';
const TRAILER_FOOTER_BYTES = TRAILER_MAGIC.length + 8 + 1;

interface ObjectMetadata {
  contentType?: string;
  etag?: string;
}

interface StoredObject extends ObjectMetadata {
  size: number;
  lastModified: Date;
}

/**
 * ObjectStore on a local directory: `{root}/{orgId}/{key}`, with in-flight writes in `{root}/.tmp`.
 * A key cannot be both an object and a folder here (`a` and `a/b`); putting one over the other throws Conflict.
 */
export class FsObjectStore implements ObjectStore {
  readonly kind = 'fs' as const;
  readonly root: string;
  private readonly temporaryDirectory: string;
  private ready: Promise<void> | undefined;

  constructor(root: string) {
    this.root = resolve(root);
    this.temporaryDirectory = join(this.root, TEMPORARY_DIRECTORY);
  }

  async put(orgId: string, key: string, body: ObjectBody, options: { contentType?: string } = {}): Promise<ObjectInfo> {
    const target = this.resolveInsideRoot(objectPath(orgId, key));
    const contentType = options.contentType ?? DEFAULT_CONTENT_TYPE;
    validateContentType(contentType);
    await this.ensureRoot();

    const temporary = join(this.temporaryDirectory, `${randomUUID()}.tmp`);
    try {
      const { size, etag, lastModified } = await writeObjectFile(temporary, body, contentType);
      await this.moveIntoPlace(temporary, target);
      return { key, size, contentType, lastModified, etag };
    } catch (error) {
      throw error instanceof BodyError ? error.cause : writeError(error);
    } finally {
      await rm(temporary, { force: true });
    }
  }

  async get(orgId: string, key: string): Promise<{ info: ObjectInfo; body: Readable }> {
    const path = this.resolveInsideRoot(objectPath(orgId, key));
    await this.ensureRoot();
    const handle = await openForRead(path);
    if (!handle) throw new NotFound('Object not found', { key });
    try {
      const stored = await readStoredObject(handle);
      if (!stored) throw new NotFound('Object not found', { key });
      if (stored.size === 0) {
        await handle.close();
        return { info: toInfo(key, stored), body: Readable.from([]) };
      }
      // Streams from the handle already open, so the body matches `info` even if the object is replaced meanwhile.
      const body = handle.createReadStream({ start: 0, end: stored.size - 1, autoClose: true });
      return { info: toInfo(key, stored), body };
    } catch (error) {
      await handle.close();
      throw readError(error);
    }
  }

  async head(orgId: string, key: string): Promise<ObjectInfo | undefined> {
    const path = this.resolveInsideRoot(objectPath(orgId, key));
    await this.ensureRoot();
    const handle = await openForRead(path);
    if (!handle) return undefined;
    try {
      const stored = await readStoredObject(handle);
      return stored && toInfo(key, stored);
    } catch (error) {
      throw readError(error);
    } finally {
      await handle.close();
    }
  }

  async *list(orgId: string, prefix = ''): AsyncIterable<ObjectInfo> {
    const fullPrefix = listPath(orgId, prefix);
    const orgLength = orgPrefix(orgId).length;
    await this.ensureRoot();
    // Start in the deepest folder the prefix names, then filter its entries by the prefix's last, partial segment.
    const slash = fullPrefix.lastIndexOf('/');
    const startDirectory = this.resolveInsideRoot(fullPrefix.slice(0, slash));
    const nameFilter = fullPrefix.slice(slash + 1);
    const keyPrefix = fullPrefix.slice(orgLength, slash + 1);
    yield* this.walk(startDirectory, keyPrefix, nameFilter);
  }

  async delete(orgId: string, key: string): Promise<void> {
    const path = this.resolveInsideRoot(objectPath(orgId, key));
    const orgDirectory = this.resolveInsideRoot(orgPrefix(orgId));
    await this.ensureRoot();
    try {
      // A folder of the same name is not an object; leave it alone.
      const stats = await lstat(path);
      if (!stats.isFile()) return;
      await unlink(path);
    } catch (error) {
      if (isMissing(error)) return;
      throw storageUnavailable(error);
    }
    await pruneEmptyDirectories(dirname(path), orgDirectory);
  }

  async ping(): Promise<void> {
    await this.ensureRoot();
    const probe = join(this.temporaryDirectory, `${randomUUID()}.ping`);
    try {
      const handle = await open(probe, 'wx', 0o600);
      await handle.close();
      await unlink(probe);
    } catch (error) {
      throw storageUnavailable(error);
    }
  }

  async close(): Promise<void> {
    // Nothing is held open between calls.
  }

  /** Defence in depth: keys are validated already, but no resolved path may ever leave the root. */
  private resolveInsideRoot(relativePath: string): string {
    const resolved = resolve(this.root, relativePath);
    if (!resolved.startsWith(this.root + sep)) {
      throw new ValidationFailed('Object key resolves outside the object store', { field: 'key' });
    }
    return resolved;
  }

  private ensureRoot(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.temporaryDirectory, { recursive: true, mode: 0o700 });
      await sweepStaleTemporaryFiles(this.temporaryDirectory);
    })().catch((error: unknown) => {
      this.ready = undefined; // let the next call retry, e.g. once a volume is mounted
      throw storageUnavailable(error);
    });
    return this.ready;
  }

  private async moveIntoPlace(temporary: string, target: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      try {
        await rename(temporary, target);
        return;
      } catch (error) {
        // A concurrent delete may have pruned the (then empty) parent folder between mkdir and rename.
        if (errorCode(error) !== 'ENOENT' || attempt >= 3) throw error;
      }
    }
  }

  private async *walk(directory: string, keyPrefix: string, nameFilter: string): AsyncGenerator<ObjectInfo> {
    let entries: { name: string; sortName: Buffer; isDirectory: boolean }[];
    try {
      entries = (await readdir(directory, { withFileTypes: true }))
        // Symbolic links and special files are never written by this store, so never served either.
        .filter((entry) => (entry.isFile() || entry.isDirectory()) && entry.name.startsWith(nameFilter))
        .map((entry) => ({
          name: entry.name,
          // Sorting a folder as `name/` yields keys in UTF-8 byte order overall, the order S3 lists in.
          sortName: Buffer.from(entry.isDirectory() ? `${entry.name}/` : entry.name),
          isDirectory: entry.isDirectory(),
        }));
    } catch (error) {
      if (isMissing(error)) return;
      throw storageUnavailable(error);
    }
    entries.sort((left, right) => Buffer.compare(left.sortName, right.sortName));
    for (const entry of entries) {
      const path = join(directory, entry.name);
      const key = `${keyPrefix}${entry.name}`;
      if (entry.isDirectory) {
        yield* this.walk(path, `${key}/`, '');
        continue;
      }
      const handle = await openForRead(path);
      if (!handle) continue; // deleted while listing
      try {
        const stored = await readStoredObject(handle);
        if (stored) yield toInfo(key, stored);
      } catch (error) {
        throw readError(error);
      } finally {
        await handle.close();
      }
    }
  }
}

/** An error raised by the caller's body stream, passed through unchanged rather than blamed on the store. */
class BodyError extends Error {
  constructor(cause: unknown) {
    super('The object body stream failed', { cause });
  }
}

/** Writes content plus trailer to a new file and flushes it to disk, so the rename publishes complete data. */
async function writeObjectFile(
  path: string,
  body: ObjectBody,
  contentType: string,
): Promise<{ size: number; etag: string; lastModified: Date }> {
  // Created before any byte is read, so the caller's cleanup always finds (and removes) it.
  const handle = await open(path, 'wx', 0o600);
  try {
    const hash = createHash('md5');
    let size = 0;
    for await (const chunk of bodyChunks(body)) {
      hash.update(chunk);
      size += chunk.length;
      await writeFully(handle, chunk);
    }
    const etag = hash.digest('hex');
    await writeFully(handle, encodeTrailer({ contentType, etag }));
    await handle.sync();
    const stats = await handle.stat();
    return { size, etag, lastModified: stats.mtime };
  } finally {
    await handle.close();
  }
}

async function writeFully(handle: FileHandle, bytes: Buffer): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

async function* bodyChunks(body: ObjectBody): AsyncGenerator<Buffer> {
  if (typeof body === 'string') {
    yield Buffer.from(body, 'utf8');
    return;
  }
  if (body instanceof Uint8Array) {
    yield Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    return;
  }
  try {
    for await (const chunk of body as AsyncIterable<unknown>) {
      if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
      else if (chunk instanceof Uint8Array) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      else throw new TypeError('Object body streams must produce strings or bytes');
    }
  } catch (error) {
    throw new BodyError(error);
  }
}

function encodeTrailer(metadata: ObjectMetadata): Buffer {
  const json = Buffer.from(JSON.stringify(metadata), 'utf8');
  return Buffer.concat([json, Buffer.from(`${TRAILER_MAGIC}${String(json.length).padStart(8, '0')}\n`, 'utf8')]);
}

async function openForRead(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, OPEN_FOR_READ);
  } catch (error) {
    // ELOOP: the path is a symbolic link, which this store never creates.
    if (isMissing(error) || errorCode(error) === 'ELOOP') return undefined;
    throw storageUnavailable(error);
  }
}

/** Reads size and metadata from an open file; undefined when it is not a regular file (e.g. a folder). */
async function readStoredObject(handle: FileHandle): Promise<StoredObject | undefined> {
  const stats = await handle.stat();
  if (!stats.isFile()) return undefined;
  const plain = { size: stats.size, lastModified: stats.mtime };
  if (stats.size < TRAILER_FOOTER_BYTES) return plain;

  const footer = Buffer.alloc(TRAILER_FOOTER_BYTES);
  await handle.read(footer, 0, TRAILER_FOOTER_BYTES, stats.size - TRAILER_FOOTER_BYTES);
  const footerText = footer.toString('utf8');
  const lengthText = footerText.slice(TRAILER_MAGIC.length);
  if (!footerText.startsWith(TRAILER_MAGIC) || !/^\d{8}\n$/.test(lengthText)) return plain;
  const jsonLength = Number(lengthText.trimEnd());
  const contentSize = stats.size - TRAILER_FOOTER_BYTES - jsonLength;
  if (contentSize < 0) return plain;

  const json = Buffer.alloc(jsonLength);
  await handle.read(json, 0, jsonLength, contentSize);
  const metadata = parseMetadata(json.toString('utf8'));
  if (!metadata) return plain;
  return { ...metadata, size: contentSize, lastModified: stats.mtime };
}

function parseMetadata(text: string): ObjectMetadata | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { contentType, etag } = value as Record<string, unknown>;
    return {
      ...(typeof contentType === 'string' ? { contentType } : {}),
      ...(typeof etag === 'string' ? { etag } : {}),
    };
  } catch {
    return undefined;
  }
}

function toInfo(key: string, stored: StoredObject): ObjectInfo {
  return {
    key,
    size: stored.size,
    lastModified: stored.lastModified,
    ...(stored.contentType === undefined ? {} : { contentType: stored.contentType }),
    ...(stored.etag === undefined ? {} : { etag: stored.etag }),
  };
}

/** Removes folders left empty by a delete, up to and including the org's folder. */
async function pruneEmptyDirectories(directory: string, orgDirectory: string): Promise<void> {
  for (
    let current = directory;
    current === orgDirectory || current.startsWith(orgDirectory + sep);
    current = dirname(current)
  ) {
    try {
      await rmdir(current);
    } catch {
      return; // not empty (or already gone): nothing above it is empty either
    }
  }
}

/** Best effort: a leftover that cannot be removed only wastes space, so it must not make the store unusable. */
async function sweepStaleTemporaryFiles(directory: string): Promise<void> {
  const cutoff = Date.now() - STALE_TEMPORARY_MS;
  for (const name of await readdir(directory).catch(() => [])) {
    const path = join(directory, name);
    const stats = await lstat(path).catch(() => undefined);
    if (stats?.isFile() && stats.mtimeMs < cutoff) await rm(path, { force: true }).catch(() => undefined);
  }
}

function writeError(error: unknown): Error {
  if (error instanceof DomainError) return error;
  switch (errorCode(error)) {
    case 'EEXIST':
    case 'ENOTDIR':
    case 'EISDIR':
    case 'ENOTEMPTY':
      return new Conflict('An object key cannot also be a folder of other objects (e.g. "a" and "a/b")', undefined, {
        cause: error,
      });
    case 'ENAMETOOLONG':
      return new ValidationFailed('Object key is too long for this store', { field: 'key' }, { cause: error });
    default:
      return storageUnavailable(error);
  }
}

function readError(error: unknown): Error {
  return error instanceof DomainError ? error : storageUnavailable(error);
}

function storageUnavailable(error: unknown): Error {
  if (error instanceof DomainError) return error;
  return new UpstreamUnavailable('The object store directory is not usable', 5, { cause: error });
}

function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
