import { spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Conflict,
  Forbidden,
  NotFound,
  PayloadTooLarge,
  UpstreamUnavailable,
  ValidationFailed,
} from '../../src/platform/errors.js';
import { createObjectStore } from '../../src/platform/objects/create-object-store.js';
import { FsObjectStore } from '../../src/platform/objects/fs-object-store.js';
import type { ObjectInfo, ObjectStore } from '../../src/platform/objects/object-store.js';
import {
  S3ObjectStore,
  type S3ObjectStoreConfig,
  type S3ObjectStoreOptions,
} from '../../src/platform/objects/s3-object-store.js';

/**
 * s3rver encrypts its ListObjectsV2 continuation tokens with DES, which Node's OpenSSL 3 only offers through
 * the legacy provider. So it runs in a child Node with `--openssl-legacy-provider`, not inside the test worker;
 * closing stdin (including when the worker dies) stops it.
 */
const S3RVER_SCRIPT = `
const [modulePath, directory, bucket] = process.argv.slice(1);
const S3rver = require(modulePath);
new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket }] })
  .run()
  .then(({ port }) => process.stdout.write(JSON.stringify({ port }) + '\\n'))
  .catch((error) => { console.error(error); process.exit(1); });
process.stdin.on('end', () => process.exit(0)).resume();
`;

const BUCKET = 'aurora-test';
const TRAVERSAL_KEYS = ['../x', 'a/../../b', '/etc/passwd', 'a\\b', 'a//b', 'a\u0000b', '..', 'a/./b', 'a/', ''];

interface Harness {
  store: ObjectStore;
  cleanup(): Promise<void>;
}

async function temporaryDirectory(name: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `aurora-${name}-`));
}

async function readBody(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function collect(objects: AsyncIterable<ObjectInfo>): Promise<ObjectInfo[]> {
  const result: ObjectInfo[] = [];
  for await (const object of objects) result.push(object);
  return result;
}

function md5(content: Buffer | string): string {
  return createHash('md5').update(content).digest('hex');
}

/** Yields `content` in chunks from an async generator, so the store sees a real stream of unknown length. */
function streamOf(content: Buffer, chunkSize = 64 * 1024): Readable {
  return Readable.from(
    (async function* () {
      for (let offset = 0; offset < content.length; offset += chunkSize) {
        yield content.subarray(offset, offset + chunkSize);
      }
    })(),
  );
}

/** A stream that sends some bytes and then fails, like a client dropping mid-upload. */
function failingStream(): Readable {
  return Readable.from(
    (async function* () {
      yield Buffer.from('partial content that must never become visible');
      throw new Error('producer failed');
    })(),
  );
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return address.port;
}

function objectStoreContract(name: string, open: () => Promise<Harness>): void {
  describe(`${name}: ObjectStore contract`, () => {
    let harness: Harness | undefined;
    let store: ObjectStore;

    beforeAll(async () => {
      harness = await open();
      store = harness.store;
    });

    afterAll(async () => {
      await harness?.cleanup();
    });

    it('reports its kind and answers ping', async () => {
      expect(store.kind).toBe(name);
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('round-trips a Buffer body with a default content type', async () => {
      const orgId = randomUUID();
      const content = randomBytes(1000);
      const info = await store.put(orgId, 'blobs/random.bin', content);
      expect(info).toMatchObject({ key: 'blobs/random.bin', size: 1000, etag: md5(content) });

      const { info: got, body } = await store.get(orgId, 'blobs/random.bin');
      expect((await readBody(body)).equals(content)).toBe(true);
      expect(got).toMatchObject({
        key: 'blobs/random.bin',
        size: 1000,
        contentType: 'application/octet-stream',
        etag: md5(content),
      });
    });

    it('round-trips a string body as UTF-8 under a non-ASCII key', async () => {
      const orgId = randomUUID();
      const key = 'résumé/日本語 file (1).txt';
      const text = 'héllo wörld ✓ — multi-byte text';
      const info = await store.put(orgId, key, text, { contentType: 'text/plain; charset=utf-8' });
      expect(info.size).toBe(Buffer.byteLength(text));

      const { info: got, body } = await store.get(orgId, key);
      expect((await readBody(body)).toString('utf8')).toBe(text);
      expect(got.key).toBe(key);
      expect(got.size).toBe(Buffer.byteLength(text));
      expect((await collect(store.list(orgId))).map((object) => object.key)).toEqual([key]);
    });

    it('round-trips a Uint8Array that is a view into a larger buffer', async () => {
      const orgId = randomUUID();
      const backing = Buffer.from('xxxxx-the-real-content-yyyyy');
      const view = new Uint8Array(backing.buffer, backing.byteOffset + 6, 16);
      await store.put(orgId, 'view.txt', view);
      const { body } = await store.get(orgId, 'view.txt');
      expect((await readBody(body)).toString()).toBe('the-real-content');
    });

    it('round-trips an empty body', async () => {
      const orgId = randomUUID();
      await store.put(orgId, 'empty', Buffer.alloc(0));
      const { info, body } = await store.get(orgId, 'empty');
      expect(info.size).toBe(0);
      expect((await readBody(body)).length).toBe(0);
    });

    it('round-trips a multi-megabyte stream body', async () => {
      const orgId = randomUUID();
      const content = randomBytes(6 * 1024 * 1024 + 123);
      const info = await store.put(orgId, 'large/dump.bin', streamOf(content), { contentType: 'application/x-dump' });
      expect(info.size).toBe(content.length);
      expect(info.etag).toBe(md5(content));

      const { info: got, body } = await store.get(orgId, 'large/dump.bin');
      expect(body).toBeInstanceOf(Readable);
      const read = await readBody(body);
      expect(read.length).toBe(content.length);
      expect(md5(read)).toBe(md5(content));
      expect(got).toMatchObject({ size: content.length, contentType: 'application/x-dump' });
    });

    it('round-trips a stream of strings', async () => {
      const orgId = randomUUID();
      await store.put(orgId, 'lines.txt', Readable.from(['first line\n', 'second line ✓\n']));
      const { body } = await store.get(orgId, 'lines.txt');
      expect((await readBody(body)).toString()).toBe('first line\nsecond line ✓\n');
    });

    it('keeps the content type on get and head', async () => {
      const orgId = randomUUID();
      await store.put(orgId, 'data.json', '{"ok":true}', { contentType: 'application/json; charset=utf-8' });
      const { info, body } = await store.get(orgId, 'data.json');
      body.resume();
      expect(info.contentType).toBe('application/json; charset=utf-8');
      expect((await store.head(orgId, 'data.json'))?.contentType).toBe('application/json; charset=utf-8');
    });

    it('rejects a content type that could not travel as a header', async () => {
      const orgId = randomUUID();
      await expect(store.put(orgId, 'x', 'x', { contentType: 'text/plain\r\nX-Injected: 1' })).rejects.toBeInstanceOf(
        ValidationFailed,
      );
      expect(await store.head(orgId, 'x')).toBeUndefined();
    });

    it('heads a present object and returns undefined for a missing one', async () => {
      const orgId = randomUUID();
      const before = Date.now();
      await store.put(orgId, 'reports/weekly.csv', 'a,b\n1,2\n', { contentType: 'text/csv' });
      const info = await store.head(orgId, 'reports/weekly.csv');
      expect(info).toMatchObject({
        key: 'reports/weekly.csv',
        size: 8,
        contentType: 'text/csv',
        etag: md5('a,b\n1,2\n'),
      });
      expect(info?.lastModified).toBeInstanceOf(Date);
      // S3 timestamps have one-second resolution.
      expect(info!.lastModified!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);

      expect(await store.head(orgId, 'reports/missing.csv')).toBeUndefined();
      expect(await store.head(orgId, 'reports')).toBeUndefined(); // a folder is not an object
      expect(await store.head(randomUUID(), 'reports/weekly.csv')).toBeUndefined();
    });

    it('throws NotFound when getting a missing object', async () => {
      await expect(store.get(randomUUID(), 'never/written')).rejects.toBeInstanceOf(NotFound);
    });

    it('lists by prefix across nested keys, in key order, with keys relative to the org', async () => {
      const orgId = randomUUID();
      const keys = [
        'logs/2024/b.txt',
        'logs/z',
        'logs/2025/c.txt',
        'logs_archive/x',
        'logs/2024/a.txt.bak',
        'other/y',
        'logs/2024/a.txt',
      ];
      for (const key of keys) await store.put(orgId, key, `content of ${key}`);

      const all = await collect(store.list(orgId));
      expect(all.map((object) => object.key)).toEqual([
        'logs/2024/a.txt',
        'logs/2024/a.txt.bak',
        'logs/2024/b.txt',
        'logs/2025/c.txt',
        'logs/z',
        'logs_archive/x',
        'other/y',
      ]);
      for (const object of all) {
        expect(object.size).toBe(Buffer.byteLength(`content of ${object.key}`));
        expect(object.etag).toBe(md5(`content of ${object.key}`));
      }

      expect((await collect(store.list(orgId, 'logs/'))).map((object) => object.key)).toEqual([
        'logs/2024/a.txt',
        'logs/2024/a.txt.bak',
        'logs/2024/b.txt',
        'logs/2025/c.txt',
        'logs/z',
      ]);
      expect((await collect(store.list(orgId, 'logs'))).map((object) => object.key)).toEqual([
        'logs/2024/a.txt',
        'logs/2024/a.txt.bak',
        'logs/2024/b.txt',
        'logs/2025/c.txt',
        'logs/z',
        'logs_archive/x',
      ]);
      expect((await collect(store.list(orgId, 'logs/2024/a'))).map((object) => object.key)).toEqual([
        'logs/2024/a.txt',
        'logs/2024/a.txt.bak',
      ]);
      expect((await collect(store.list(orgId, 'logs/2024/b.txt'))).map((object) => object.key)).toEqual([
        'logs/2024/b.txt',
      ]);
      expect(await collect(store.list(orgId, 'nothing/'))).toEqual([]);
      expect(await collect(store.list(orgId, 'logs/z/'))).toEqual([]); // an object is not a folder
    });

    it("lists nothing for another org, even with the same keys' prefixes", async () => {
      const orgId = randomUUID();
      await store.put(orgId, 'logs/one.txt', 'one');
      expect(await collect(store.list(orgId, 'logs/'))).toHaveLength(1);
      const otherOrgId = randomUUID();
      expect(await collect(store.list(otherOrgId))).toEqual([]);
      expect(await collect(store.list(otherOrgId, 'logs/'))).toEqual([]);
    });

    it('does not let two orgs with the same key see each other', async () => {
      const alpha = randomUUID();
      const beta = randomUUID();
      await store.put(alpha, 'shared/report.txt', 'alpha data', { contentType: 'text/plain' });
      await store.put(beta, 'shared/report.txt', 'beta data!', { contentType: 'text/markdown' });

      expect((await readBody((await store.get(alpha, 'shared/report.txt')).body)).toString()).toBe('alpha data');
      expect((await readBody((await store.get(beta, 'shared/report.txt')).body)).toString()).toBe('beta data!');
      expect((await store.head(beta, 'shared/report.txt'))?.contentType).toBe('text/markdown');

      await store.delete(alpha, 'shared/report.txt');
      expect(await store.head(alpha, 'shared/report.txt')).toBeUndefined();
      expect((await readBody((await store.get(beta, 'shared/report.txt')).body)).toString()).toBe('beta data!');
      expect((await collect(store.list(beta))).map((object) => object.key)).toEqual(['shared/report.txt']);
    });

    it('overwrites an object, replacing content and content type', async () => {
      const orgId = randomUUID();
      await store.put(orgId, 'note', 'version one, longer', { contentType: 'text/plain' });
      await store.put(orgId, 'note', 'v2', { contentType: 'text/markdown' });
      const { info, body } = await store.get(orgId, 'note');
      expect((await readBody(body)).toString()).toBe('v2');
      expect(info).toMatchObject({ size: 2, contentType: 'text/markdown' });
      expect((await collect(store.list(orgId))).map((object) => [object.key, object.size])).toEqual([['note', 2]]);
    });

    it('deletes an object, after which get throws NotFound', async () => {
      const orgId = randomUUID();
      await store.put(orgId, 'deep/nested/file.txt', 'bye');
      await store.put(orgId, 'deep/keep.txt', 'stay');
      await store.delete(orgId, 'deep/nested/file.txt');

      await expect(store.get(orgId, 'deep/nested/file.txt')).rejects.toBeInstanceOf(NotFound);
      expect(await store.head(orgId, 'deep/nested/file.txt')).toBeUndefined();
      expect((await collect(store.list(orgId))).map((object) => object.key)).toEqual(['deep/keep.txt']);
      // The emptied folder's name is free to become an object key.
      await store.put(orgId, 'deep/nested', 'now a file');
      expect((await readBody((await store.get(orgId, 'deep/nested')).body)).toString()).toBe('now a file');
    });

    it('deletes a missing object without error', async () => {
      const orgId = randomUUID();
      await expect(store.delete(orgId, 'not/there')).resolves.toBeUndefined();
      await store.put(orgId, 'present', 'x');
      await expect(store.delete(orgId, 'present/child')).resolves.toBeUndefined();
      await expect(store.delete(orgId, 'pres')).resolves.toBeUndefined();
      expect(await store.head(orgId, 'present')).toMatchObject({ size: 1 });
    });

    it.each(TRAVERSAL_KEYS)('rejects the key %j with ValidationFailed everywhere', async (key) => {
      const orgId = randomUUID();
      await expect(store.put(orgId, key, 'evil')).rejects.toBeInstanceOf(ValidationFailed);
      await expect(store.get(orgId, key)).rejects.toBeInstanceOf(ValidationFailed);
      await expect(store.head(orgId, key)).rejects.toBeInstanceOf(ValidationFailed);
      await expect(store.delete(orgId, key)).rejects.toBeInstanceOf(ValidationFailed);
      expect(await collect(store.list(orgId))).toEqual([]);
    });

    it.each(['../', '/etc', 'a//', '..', 'a\\'])('rejects the list prefix %j with ValidationFailed', async (prefix) => {
      await expect(collect(store.list(randomUUID(), prefix))).rejects.toBeInstanceOf(ValidationFailed);
    });

    it('rejects an org id that is not a UUID, so no caller can name another prefix', async () => {
      const victim = randomUUID();
      await store.put(victim, 'secret.txt', 'victim data');
      await expect(store.get(`${victim}/..`, 'secret.txt')).rejects.toBeInstanceOf(ValidationFailed);
      await expect(store.get('..', `${victim}/secret.txt`)).rejects.toBeInstanceOf(ValidationFailed);
      await expect(store.put('not-a-uuid', 'x', 'x')).rejects.toBeInstanceOf(ValidationFailed);
      await expect(collect(store.list(''))).rejects.toBeInstanceOf(ValidationFailed);
    });

    it('stores percent-encoded look-alikes literally instead of decoding them', async () => {
      const orgId = randomUUID();
      const otherOrgId = randomUUID();
      await store.put(orgId, '%2e%2e/%2e%2e/%00', 'literal');
      expect((await collect(store.list(orgId))).map((object) => object.key)).toEqual(['%2e%2e/%2e%2e/%00']);
      expect((await readBody((await store.get(orgId, '%2e%2e/%2e%2e/%00')).body)).toString()).toBe('literal');
      expect(await collect(store.list(otherOrgId))).toEqual([]);
    });

    it('leaves no object behind when the body stream fails, and keeps the previous version', async () => {
      const orgId = randomUUID();
      await expect(store.put(orgId, 'upload.bin', failingStream())).rejects.toThrow('producer failed');
      expect(await store.head(orgId, 'upload.bin')).toBeUndefined();

      await store.put(orgId, 'upload.bin', 'complete previous version');
      await expect(store.put(orgId, 'upload.bin', failingStream())).rejects.toThrow('producer failed');
      const { body } = await store.get(orgId, 'upload.bin');
      expect((await readBody(body)).toString()).toBe('complete previous version');
      expect((await collect(store.list(orgId))).map((object) => object.key)).toEqual(['upload.bin']);
    });
  });
}

objectStoreContract('fs', async () => {
  const directory = await temporaryDirectory('objects-fs');
  const store = await createObjectStore({ kind: 'fs', root: join(directory, 'root') });
  return {
    store,
    async cleanup() {
      await store.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
});

async function startS3rver(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const directory = await temporaryDirectory('objects-s3rver');
  const modulePath = createRequire(import.meta.url).resolve('s3rver');
  const child = spawn(
    process.execPath,
    ['--openssl-legacy-provider', '-e', S3RVER_SCRIPT, modulePath, directory, BUCKET],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin?.end();
      await exited;
    }
    await rm(directory, { recursive: true, force: true });
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const lines = createInterface({ input: child.stdout! });
    const firstLine = await Promise.race([
      once(lines, 'line').then(([line]) => String(line)),
      exited.then(([code]) => Promise.reject(new Error(`s3rver exited with code ${code} before listening`))),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('s3rver did not start within 20 s')), 20_000);
      }),
    ]);
    const { port } = JSON.parse(firstLine) as { port: number };
    return { endpoint: `http://127.0.0.1:${port}`, stop };
  } catch (error) {
    child.kill();
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function s3Config(endpoint: string, overrides: Partial<S3ObjectStoreConfig> = {}): S3ObjectStoreConfig {
  return {
    kind: 's3',
    bucket: BUCKET,
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    ...overrides,
  };
}

objectStoreContract('s3', async () => {
  const server = await startS3rver();
  // Two keys per page, so every listing above also exercises continuation tokens.
  const store = new S3ObjectStore(s3Config(server.endpoint), { listPageSize: 2 });
  return {
    store,
    async cleanup() {
      await store.close();
      await server.stop();
    },
  };
});

describe('S3ObjectStore failure modes', () => {
  let server: Awaited<ReturnType<typeof startS3rver>>;
  const stores: S3ObjectStore[] = [];
  const open = (config: S3ObjectStoreConfig, options?: S3ObjectStoreOptions) => {
    const store = new S3ObjectStore(config, options);
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    server = await startS3rver();
  });

  afterAll(async () => {
    for (const store of stores) await store.close();
    await server?.stop();
  });

  it('is built by createObjectStore from an s3 config', async () => {
    const store = await createObjectStore(s3Config(server.endpoint));
    expect(store).toBeInstanceOf(S3ObjectStore);
    await store.ping();
    await store.close();
  });

  it('throws UpstreamUnavailable within seconds when nothing listens on the endpoint', async () => {
    const store = open(s3Config(`http://127.0.0.1:${await closedPort()}`));
    const started = Date.now();
    await expect(store.ping()).rejects.toBeInstanceOf(UpstreamUnavailable);
    await expect(store.get(randomUUID(), 'x')).rejects.toBeInstanceOf(UpstreamUnavailable);
    await expect(store.put(randomUUID(), 'x', 'x')).rejects.toBeInstanceOf(UpstreamUnavailable);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('gives up within seconds on an endpoint that accepts connections but never answers', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const store = open(s3Config(`http://127.0.0.1:${port}`), { pingTimeoutMs: 1_000, requestTimeoutMs: 500 });
      let started = Date.now();
      await expect(store.ping()).rejects.toBeInstanceOf(UpstreamUnavailable);
      expect(Date.now() - started).toBeLessThan(3_000);
      started = Date.now();
      await expect(store.head(randomUUID(), 'x')).rejects.toBeInstanceOf(UpstreamUnavailable);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(sockets.size).toBeGreaterThan(0); // it really connected, so the timeouts (not a refusal) ended the wait
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('throws UpstreamUnavailable from ping when the bucket does not exist', async () => {
    const store = open(s3Config(server.endpoint, { bucket: 'no-such-bucket' }));
    await expect(store.ping()).rejects.toBeInstanceOf(UpstreamUnavailable);
  });

  // s3rver checks the access key id but not V4 signatures, so the id is what has to be wrong.
  it('throws Forbidden when the credentials are wrong', async () => {
    const store = open(
      s3Config(server.endpoint, { credentials: { accessKeyId: 'UNKNOWN-KEY', secretAccessKey: 'S3RVER' } }),
    );
    await expect(store.get(randomUUID(), 'x')).rejects.toBeInstanceOf(Forbidden);
    await expect(store.put(randomUUID(), 'x', 'x')).rejects.toBeInstanceOf(Forbidden);
  });

  it('refuses a stream longer than maxObjectBytes with PayloadTooLarge, mid multipart upload, and stores nothing', async () => {
    const store = open(s3Config(server.endpoint), { maxObjectBytes: 100_000, partSizeBytes: 64 * 1024 });
    const orgId = randomUUID();
    let chunksPulled = 0;
    const endless = Readable.from(
      (async function* () {
        for (;;) {
          chunksPulled++;
          yield Buffer.alloc(16 * 1024, 1);
        }
      })(),
    );
    await expect(store.put(orgId, 'too-big.bin', endless)).rejects.toBeInstanceOf(PayloadTooLarge);
    expect(endless.destroyed).toBe(true);
    expect(chunksPulled).toBeLessThan(30);
    expect(await store.head(orgId, 'too-big.bin')).toBeUndefined();
    // A body at the limit still fits.
    await store.put(orgId, 'fits.bin', streamOf(Buffer.alloc(100_000, 2), 10_000));
    expect((await store.head(orgId, 'fits.bin'))?.size).toBe(100_000);
  });

  it('aborts a multipart upload whose stream fails after some parts, keeping the previous version', async () => {
    const store = open(s3Config(server.endpoint), { partSizeBytes: 64 * 1024 });
    const orgId = randomUUID();
    const failing = () =>
      Readable.from(
        (async function* () {
          for (let index = 0; index < 10; index++) yield Buffer.alloc(16 * 1024, index);
          throw new Error('producer failed');
        })(),
      );
    await expect(store.put(orgId, 'parts.bin', failing())).rejects.toThrow('producer failed');
    expect(await store.head(orgId, 'parts.bin')).toBeUndefined();
    await store.put(orgId, 'parts.bin', 'previous version');
    await expect(store.put(orgId, 'parts.bin', failing())).rejects.toThrow('producer failed');
    expect((await readBody((await store.get(orgId, 'parts.bin')).body)).toString()).toBe('previous version');
  });

  it('streams a body longer than one part as a multipart upload, reading only about a part ahead', async () => {
    const partSize = 256 * 1024;
    const store = open(s3Config(server.endpoint), { partSizeBytes: partSize });
    // The commands the store sends, and how far the producer had got when each part went out.
    const commands: string[] = [];
    let pulled = 0;
    let sent = 0;
    const aheadAtPart: number[] = [];
    (store as unknown as { client: S3Client }).client.middlewareStack.add(
      (next, context) => async (args) => {
        commands.push(context.commandName ?? '');
        if (context.commandName === 'UploadPartCommand') {
          aheadAtPart.push(pulled - sent);
          sent += (args.input as { ContentLength: number }).ContentLength;
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const content = randomBytes(4 * 1024 * 1024 + 777);
    const body = Readable.from(
      (async function* () {
        for (let offset = 0; offset < content.length; offset += 16 * 1024) {
          const chunk = content.subarray(offset, offset + 16 * 1024);
          pulled += chunk.length;
          yield chunk;
        }
      })(),
    );
    const orgId = randomUUID();
    const info = await store.put(orgId, 'large/streamed.bin', body, { contentType: 'application/x-dump' });
    expect(info.size).toBe(content.length);
    expect(commands).toEqual([
      'CreateMultipartUploadCommand',
      ...Array.from({ length: 17 }, () => 'UploadPartCommand'),
      'CompleteMultipartUploadCommand',
    ]);
    // Buffering the whole body first would have read 4 MiB ahead before the first part.
    expect(Math.max(...aheadAtPart)).toBeLessThan(3 * partSize);

    const { info: got, body: stored } = await store.get(orgId, 'large/streamed.bin');
    const read = await readBody(stored);
    expect(md5(read)).toBe(md5(content));
    expect(got).toMatchObject({ size: content.length, contentType: 'application/x-dump' });
    // A body within one part is still a single PutObject.
    commands.length = 0;
    await store.put(orgId, 'small.bin', streamOf(randomBytes(partSize - 1), 10_000));
    expect(commands).toEqual(['PutObjectCommand']);
  });
});

describe('FsObjectStore on disk', () => {
  let directory: string;
  let root: string;
  let store: FsObjectStore;

  beforeAll(async () => {
    directory = await temporaryDirectory('objects-fs-disk');
    root = join(directory, 'nested', 'root');
    store = new FsObjectStore(root);
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('creates its root with mode 0700 and keeps objects under {root}/{orgId}/{key}', async () => {
    const orgId = randomUUID();
    await store.put(orgId, 'a/b.txt', 'on disk', { contentType: 'text/plain' });
    expect((await stat(root)).mode & 0o777).toBe(0o700);
    const file = await readFile(join(root, orgId, 'a', 'b.txt'));
    expect(file.subarray(0, 7).toString()).toBe('on disk');
    // Nothing is left in the temporary folder once a write completes.
    expect(await readdir(join(root, '.tmp'))).toEqual([]);
  });

  it('is built by createObjectStore from an fs config', async () => {
    const fsStore = await createObjectStore({ kind: 'fs', root: join(directory, 'factory') });
    expect(fsStore).toBeInstanceOf(FsObjectStore);
    await fsStore.ping();
    expect((await stat(join(directory, 'factory'))).isDirectory()).toBe(true);
  });

  it('never shows a half-written object to a reader', async () => {
    const orgId = randomUUID();
    await store.put(orgId, 'report.txt', 'old complete version');
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let firstChunkSent: () => void = () => {};
    const firstChunk = new Promise<void>((resolve) => {
      firstChunkSent = resolve;
    });
    const slowBody = Readable.from(
      (async function* () {
        yield Buffer.from('new version, first half / ');
        firstChunkSent();
        await gate;
        yield Buffer.from('second half');
      })(),
    );
    const writing = store.put(orgId, 'report.txt', slowBody);
    const newKeyWriting = store.put(orgId, 'fresh.txt', failingStream()).catch(() => undefined);
    await firstChunk;

    expect((await readBody((await store.get(orgId, 'report.txt')).body)).toString()).toBe('old complete version');
    expect((await store.head(orgId, 'report.txt'))?.size).toBe('old complete version'.length);
    expect((await collect(store.list(orgId))).map((object) => object.key)).toEqual(['report.txt']);

    release();
    await writing;
    await newKeyWriting;
    expect((await readBody((await store.get(orgId, 'report.txt')).body)).toString()).toBe(
      'new version, first half / second half',
    );
    expect(await store.head(orgId, 'fresh.txt')).toBeUndefined();
  });

  it('keeps serving the version a reader opened while the object is replaced', async () => {
    const orgId = randomUUID();
    const original = randomBytes(512 * 1024);
    await store.put(orgId, 'big.bin', original);
    const { body } = await store.get(orgId, 'big.bin');
    await store.put(orgId, 'big.bin', 'replacement');
    expect((await readBody(body)).equals(original)).toBe(true);
  });

  it('lists in UTF-8 byte order, as S3 does, not in folder-walk order', async () => {
    // s3rver walks folders when paginating, so this ordering can only be checked here; real S3 sorts by bytes.
    const orgId = randomUUID();
    for (const key of ['logs/a', 'logs-archive/x', 'logs.txt', 'logs0', 'ärger', 'z', '\u{1f600}', '\uff61']) {
      await store.put(orgId, key, key);
    }
    // '-' (0x2d) and '.' (0x2e) sort before '/' (0x2f), and '0' (0x30) after it; U+FF61 (EF BD A1 in UTF-8)
    // sorts before U+1F600 (F0 9F 98 80), although UTF-16 code units order them the other way round.
    expect((await collect(store.list(orgId))).map((object) => object.key)).toEqual([
      'logs-archive/x',
      'logs.txt',
      'logs/a',
      'logs0',
      'z',
      'ärger',
      '\uff61',
      '\u{1f600}',
    ]);
  });

  it('throws Conflict when a key would be both an object and a folder', async () => {
    const orgId = randomUUID();
    await store.put(orgId, 'a', 'file');
    await store.put(orgId, 'b/c', 'nested');
    await expect(store.put(orgId, 'a/child', 'x')).rejects.toBeInstanceOf(Conflict);
    await expect(store.put(orgId, 'b', 'x')).rejects.toBeInstanceOf(Conflict);
    expect((await collect(store.list(orgId))).map((object) => object.key)).toEqual(['a', 'b/c']);
    expect(await readdir(join(root, '.tmp'))).toEqual([]);
  });

  it('does not follow or list symbolic links planted in the tree', async () => {
    const orgId = randomUUID();
    const outside = join(directory, 'outside-secret.txt');
    await writeFile(outside, 'outside the store');
    await store.put(orgId, 'real.txt', 'real');
    await symlink(outside, join(root, orgId, 'link.txt'));
    await expect(store.get(orgId, 'link.txt')).rejects.toBeInstanceOf(NotFound);
    expect(await store.head(orgId, 'link.txt')).toBeUndefined();
    expect((await collect(store.list(orgId))).map((object) => object.key)).toEqual(['real.txt']);
  });

  it('serves files written by other tools as plain content', async () => {
    const orgId = randomUUID();
    await mkdir(join(root, orgId, 'imported'), { recursive: true });
    await writeFile(join(root, orgId, 'imported', 'plain.txt'), 'no trailer here, just text that is long enough');
    const { info, body } = await store.get(orgId, 'imported/plain.txt');
    expect((await readBody(body)).toString()).toBe('no trailer here, just text that is long enough');
    expect(info.size).toBe(46);
    expect(info.contentType).toBeUndefined();
  });

  it('throws UpstreamUnavailable from ping when the root cannot be created', async () => {
    const blocker = join(directory, 'a-file');
    await writeFile(blocker, 'not a directory');
    const broken = new FsObjectStore(join(blocker, 'root'));
    await expect(broken.ping()).rejects.toBeInstanceOf(UpstreamUnavailable);
    await expect(broken.put(randomUUID(), 'x', 'x')).rejects.toBeInstanceOf(UpstreamUnavailable);
  });
});
