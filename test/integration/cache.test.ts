import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Cache, RateLimiterFactory } from '../../src/platform/cache/cache.js';
import { createCache } from '../../src/platform/cache/create-cache.js';
import { UpstreamUnavailable } from '../../src/platform/errors.js';
import { capturingLogger, silentLogger } from '../support/logger.js';
import { closedPort, tcpProxy } from '../support/tcp-proxy.js';

const redisUrl = process.env.REDIS_URL;
/** One prefix per run, so concurrent runs (and earlier crashed ones) never share keys. */
const keyPrefix = `aurora-test-${randomBytes(6).toString('hex')}:`;

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
const unique = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;

interface Backend {
  cache: Cache;
  rateLimiters: RateLimiterFactory;
}

/** The behaviour every Cache and RateLimiterFactory must share, whatever stores the data. */
function cacheContract(open: () => Promise<Backend>) {
  let backend: Backend;
  beforeAll(async () => {
    backend = await open();
  });
  afterAll(async () => {
    await backend?.cache.close();
  });

  it('answers ping', async () => {
    await expect(backend.cache.ping()).resolves.toBeUndefined();
  });

  it('stores JSON values and tells a miss from a falsy value', async () => {
    const key = unique('value');
    expect(await backend.cache.get(key)).toBeUndefined();
    await backend.cache.set(key, { service: 'api', when: new Date('2026-01-02T00:00:00.000Z'), n: [1, 2] }, 60);
    expect(await backend.cache.get(key)).toEqual({ service: 'api', when: '2026-01-02T00:00:00.000Z', n: [1, 2] });
    await backend.cache.set(key, 0, 60);
    expect(await backend.cache.get(key)).toBe(0);
    await backend.cache.set(key, null, 60);
    expect(await backend.cache.get(key)).toBeNull();
  });

  it('expires an entry after its TTL', async () => {
    const short = unique('short');
    const long = unique('long');
    await backend.cache.set(short, 'gone soon', 1);
    await backend.cache.set(long, 'stays', 60);
    expect(await backend.cache.get(short)).toBe('gone soon');
    await sleep(1_200);
    expect(await backend.cache.get(short)).toBeUndefined();
    expect(await backend.cache.get(long)).toBe('stays');
  });

  it('deletes one key', async () => {
    const key = unique('delete');
    const other = unique('keep');
    await backend.cache.set(key, 1, 60);
    await backend.cache.set(other, 2, 60);
    await backend.cache.delete(key);
    await backend.cache.delete(unique('never-set'));
    expect(await backend.cache.get(key)).toBeUndefined();
    expect(await backend.cache.get(other)).toBe(2);
  });

  it('deletes by prefix only the keys that start with it, taking glob characters literally', async () => {
    const user = unique('user');
    await backend.cache.set(`${user}:1:a`, 1, 60);
    await backend.cache.set(`${user}:1:b`, 2, 60);
    await backend.cache.set(`${user}:10:a`, 3, 60);
    await backend.cache.set(`other:${user}:1:a`, 4, 60);
    expect(await backend.cache.deleteByPrefix(`${user}:1:`)).toBe(2);
    expect(await backend.cache.get(`${user}:1:a`)).toBeUndefined();
    expect(await backend.cache.get(`${user}:1:b`)).toBeUndefined();
    expect(await backend.cache.get(`${user}:10:a`)).toBe(3);
    expect(await backend.cache.get(`other:${user}:1:a`)).toBe(4);

    const glob = unique('glob');
    await backend.cache.set(`${glob}*[x]:1`, 'literal', 60);
    await backend.cache.set(`${glob}yx:1`, 'would match the glob', 60);
    expect(await backend.cache.deleteByPrefix(`${glob}*[x]`)).toBe(1);
    expect(await backend.cache.get(`${glob}yx:1`)).toBe('would match the glob');
    expect(await backend.cache.deleteByPrefix(unique('nothing'))).toBe(0);
  });

  it('deletes by prefix across many keys (more than one SCAN page)', async () => {
    const bulk = unique('bulk');
    await Promise.all(Array.from({ length: 1_200 }, (_, index) => backend.cache.set(`${bulk}:${index}`, index, 60)));
    expect(await backend.cache.deleteByPrefix(`${bulk}:`)).toBe(1_200);
    expect(await backend.cache.get(`${bulk}:7`)).toBeUndefined();
  });

  it('increments a counter that expires its TTL after creation, not after the last increment', async () => {
    const key = unique('counter');
    expect(await backend.cache.increment(key, 1)).toBe(1);
    expect(await backend.cache.increment(key, 1)).toBe(2);
    await sleep(600);
    expect(await backend.cache.increment(key, 60)).toBe(3);
    expect(await backend.cache.get(key)).toBe(3);
    await sleep(600);
    expect(await backend.cache.get(key)).toBeUndefined();
    expect(await backend.cache.increment(key, 60)).toBe(1);
  });

  it('counts concurrent increments exactly', async () => {
    const key = unique('concurrent');
    const values = await Promise.all(Array.from({ length: 50 }, () => backend.cache.increment(key, 60)));
    expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
  });

  it('rate-limits: allows `points` per window, then blocks with a Retry-After inside the window', async () => {
    const limiter = backend.rateLimiters.create(unique('login'), { points: 3, durationSeconds: 5 });
    const key = unique('ip');
    const allowed = [];
    for (let attempt = 0; attempt < 3; attempt++) allowed.push(await limiter.consume(key));
    expect(allowed.map((result) => [result.allowed, result.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
    ]);
    for (const result of allowed) {
      expect(result.retryAfterSeconds).toBeGreaterThanOrEqual(4);
      expect(result.retryAfterSeconds).toBeLessThanOrEqual(5);
    }
    const blocked = await limiter.consume(key);
    expect(blocked.allowed).toBe(false);
    expect(blocked.remaining).toBe(0);
    expect(blocked.retryAfterSeconds).toBeGreaterThanOrEqual(4);
    expect(blocked.retryAfterSeconds).toBeLessThanOrEqual(5);
    expect((await limiter.consume(unique('other-ip'))).allowed).toBe(true);
  });

  it('rate-limits several points at once and opens a new window when the old one ends', async () => {
    const limiter = backend.rateLimiters.create(unique('bulk'), { points: 2, durationSeconds: 1 });
    const key = unique('key');
    expect(await limiter.consume(key, 2)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.consume(key)).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    await sleep(1_150);
    expect(await limiter.consume(key)).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('keeps limiters with different names apart', async () => {
    const key = unique('key');
    const first = backend.rateLimiters.create(unique('first'), { points: 1, durationSeconds: 10 });
    const second = backend.rateLimiters.create(unique('second'), { points: 1, durationSeconds: 10 });
    expect((await first.consume(key)).allowed).toBe(true);
    expect((await first.consume(key)).allowed).toBe(false);
    expect((await second.consume(key)).allowed).toBe(true);
  });
}

describe('cache contract: memory', () => {
  cacheContract(() => createCache({ keyPrefix, logger: silentLogger() }));
});

describe.skipIf(!redisUrl)(
  redisUrl ? 'cache contract: redis' : 'cache contract: redis (skipped: REDIS_URL not set)',
  () => {
    cacheContract(() => createCache({ redisUrl, keyPrefix, logger: silentLogger() }));
  },
);

describe.skipIf(!redisUrl)(redisUrl ? 'redis cache' : 'redis cache (skipped: REDIS_URL not set)', () => {
  let raw: Redis;
  beforeAll(() => {
    raw = new Redis(redisUrl ?? '', { lazyConnect: true });
  });
  afterAll(async () => {
    // Leave nothing behind from this run.
    let cursor = '0';
    do {
      const [next, keys] = await raw.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1_000);
      cursor = next;
      if (keys.length > 0) await raw.unlink(...keys);
    } while (cursor !== '0');
    await raw.quit();
  });

  it('writes JSON under the configured prefix with a Redis TTL, and leaves other prefixes alone', async () => {
    const { cache } = await createCache({ redisUrl, keyPrefix, logger: silentLogger() });
    const neighbourPrefix = `${keyPrefix}neighbour:`;
    const neighbour = (await createCache({ redisUrl, keyPrefix: neighbourPrefix, logger: silentLogger() })).cache;
    try {
      const key = unique('raw');
      await cache.set(key, { a: 1 }, 30);
      await neighbour.set(key, 'theirs', 30);
      expect(await raw.get(`${keyPrefix}cache:${key}`)).toBe('{"a":1}');
      const ttl = await raw.pttl(`${keyPrefix}cache:${key}`);
      expect(ttl).toBeGreaterThan(25_000);
      expect(ttl).toBeLessThanOrEqual(30_000);
      expect(await cache.deleteByPrefix('')).toBeGreaterThanOrEqual(1);
      expect(await neighbour.get(key)).toBe('theirs');

      const counter = unique('counter');
      await cache.increment(counter, 30);
      expect(await raw.pttl(`${keyPrefix}cache:${counter}`)).toBeGreaterThan(25_000);
    } finally {
      await cache.close();
      await neighbour.close();
    }
  });

  it('treats a foreign non-JSON value as a miss', async () => {
    const { cache } = await createCache({ redisUrl, keyPrefix, logger: silentLogger() });
    try {
      const key = unique('foreign');
      await raw.set(`${keyPrefix}cache:${key}`, 'not json', 'EX', 30);
      expect(await cache.get(key)).toBeUndefined();
    } finally {
      await cache.close();
    }
  });

  it('shares rate-limit windows between two processes (two clients)', async () => {
    const first = await createCache({ redisUrl, keyPrefix, logger: silentLogger() });
    const second = await createCache({ redisUrl, keyPrefix, logger: silentLogger() });
    try {
      const name = unique('shared');
      const key = unique('key');
      const options = { points: 2, durationSeconds: 10 };
      expect((await first.rateLimiters.create(name, options).consume(key)).allowed).toBe(true);
      expect((await second.rateLimiters.create(name, options).consume(key)).allowed).toBe(true);
      expect((await first.rateLimiters.create(name, options).consume(key)).allowed).toBe(false);
      expect(await raw.exists(`${keyPrefix}ratelimit:${name}:${key}`)).toBe(1);
    } finally {
      await first.cache.close();
      await second.cache.close();
    }
  });

  it('fails fast with UpstreamUnavailable when Redis is not there, without crashing the process', async () => {
    const port = await closedPort();
    const { logger, text } = capturingLogger();
    // ioredis reports 'error' events nobody listens to on stderr; ours must all go to the logger.
    const stderr = vi.spyOn(console, 'error');
    const { cache, rateLimiters } = await createCache({ redisUrl: `redis://127.0.0.1:${port}`, keyPrefix, logger });
    const limiter = rateLimiters.create('dead', { points: 1, durationSeconds: 1 });
    const calls: Array<() => Promise<unknown>> = [
      () => cache.get('k'),
      () => cache.set('k', 1, 10),
      () => cache.delete('k'),
      () => cache.deleteByPrefix('k'),
      () => cache.increment('k', 10),
      () => cache.ping(),
      () => limiter.consume('k'),
    ];
    try {
      for (const call of calls) {
        const started = Date.now();
        const error = await call().then(
          () => undefined,
          (failure: unknown) => failure,
        );
        expect(error).toBeInstanceOf(UpstreamUnavailable);
        expect((error as UpstreamUnavailable).message).toBe('Redis is unavailable');
        expect(Date.now() - started).toBeLessThan(1_000);
      }
      expect(text()).toContain('Redis connection lost');
      expect(stderr).not.toHaveBeenCalled();
    } finally {
      stderr.mockRestore();
      const started = Date.now();
      await cache.close();
      expect(Date.now() - started).toBeLessThan(1_000);
    }
  });
  it('fails fast while a live connection is down, and works again once Redis is back', async () => {
    const proxy = await tcpProxy(redisUrl ?? '', 6379);
    const { logger, text } = capturingLogger();
    const { cache, rateLimiters } = await createCache({
      redisUrl: `redis://127.0.0.1:${proxy.port}`,
      keyPrefix,
      logger,
    });
    const limiter = rateLimiters.create(unique('outage'), { points: 100, durationSeconds: 60 });
    try {
      const key = unique('outage');
      await cache.set(key, 'before', 60);
      await proxy.stop();
      await sleep(100);
      for (const call of [() => cache.get(key), () => limiter.consume('k'), () => cache.increment(key, 10)]) {
        const started = Date.now();
        await expect(call()).rejects.toBeInstanceOf(UpstreamUnavailable);
        expect(Date.now() - started).toBeLessThan(500);
      }
      await proxy.start();
      await waitFor(async () => (await cache.get(key).catch(() => undefined)) === 'before', 10_000);
      expect((await limiter.consume('k')).allowed).toBe(true);
      expect(text()).toContain('Redis connection lost');
      expect(text()).toContain('Redis connection restored');
    } finally {
      await cache.close();
      await proxy.stop();
    }
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(100);
  }
}
