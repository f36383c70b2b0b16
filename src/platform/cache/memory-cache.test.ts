import { RateLimiterRes } from 'rate-limiter-flexible';
import { describe, expect, it } from 'vitest';
import { MemoryCache, MemoryRateLimiterFactory, wrapLimiter } from './memory-cache.js';

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

describe('MemoryCache', () => {
  it('round-trips values as JSON, so callers cannot mutate what is cached', async () => {
    const cache = new MemoryCache();
    const value = { name: 'api', when: new Date('2026-01-02T03:04:05.000Z'), tags: ['a'] };
    await cache.set('service', value, 60);
    value.tags.push('mutated');
    expect(await cache.get('service')).toEqual({ name: 'api', when: '2026-01-02T03:04:05.000Z', tags: ['a'] });
    const first = await cache.get<{ tags: string[] }>('service');
    first?.tags.push('mutated-after-get');
    expect(await cache.get('service')).toEqual({ name: 'api', when: '2026-01-02T03:04:05.000Z', tags: ['a'] });
    expect(await cache.get('missing')).toBeUndefined();
  });

  it('keeps falsy values distinct from a miss', async () => {
    const cache = new MemoryCache();
    await cache.set('zero', 0, 60);
    await cache.set('null', null, 60);
    await cache.set('empty', '', 60);
    expect(await cache.get('zero')).toBe(0);
    expect(await cache.get('null')).toBeNull();
    expect(await cache.get('empty')).toBe('');
  });

  it('expires an entry after its own TTL', async () => {
    const cache = new MemoryCache();
    await cache.set('short', 'x', 0.15);
    await cache.set('long', 'y', 60);
    expect(await cache.get('short')).toBe('x');
    await sleep(250);
    expect(await cache.get('short')).toBeUndefined();
    expect(await cache.get('long')).toBe('y');
  });

  it('refuses values that have no JSON form and TTLs that are not positive', async () => {
    const cache = new MemoryCache();
    await expect(cache.set('undefined', undefined, 60)).rejects.toThrow(TypeError);
    await expect(cache.set('function', () => 1, 60)).rejects.toThrow(TypeError);
    await expect(cache.set('zero-ttl', 1, 0)).rejects.toThrow(RangeError);
    await expect(cache.set('nan-ttl', 1, Number.NaN)).rejects.toThrow(RangeError);
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const cache = new MemoryCache({ maxEntries: 2 });
    await cache.set('a', 1, 60);
    await cache.set('b', 2, 60);
    await cache.get('a');
    await cache.set('c', 3, 60);
    expect(await cache.get('a')).toBe(1);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('c')).toBe(3);
  });

  it('deletes one key, and by prefix only the matching live keys', async () => {
    const cache = new MemoryCache();
    await cache.set('user:1:a', 1, 60);
    await cache.set('user:1:b', 2, 60);
    await cache.set('user:1:expired', 3, 0.05);
    await cache.set('user:10:a', 4, 60);
    await cache.set('other:user:1:a', 5, 60);
    await cache.delete('user:1:b');
    expect(await cache.get('user:1:b')).toBeUndefined();
    await sleep(120);
    expect(await cache.deleteByPrefix('user:1:')).toBe(1);
    expect(await cache.get('user:1:a')).toBeUndefined();
    expect(await cache.get('user:10:a')).toBe(4);
    expect(await cache.get('other:user:1:a')).toBe(5);
  });

  it('increments a counter that keeps the expiry it was created with', async () => {
    const cache = new MemoryCache();
    expect(await cache.increment('hits', 0.3)).toBe(1);
    await sleep(150);
    // A later, longer TTL must not extend the window.
    expect(await cache.increment('hits', 60)).toBe(2);
    expect(await cache.get('hits')).toBe(2);
    await sleep(250);
    expect(await cache.get('hits')).toBeUndefined();
    expect(await cache.increment('hits', 60)).toBe(1);
  });

  it('refuses to increment a key that holds something other than a counter', async () => {
    const cache = new MemoryCache();
    await cache.set('object', { count: 1 }, 60);
    await expect(cache.increment('object', 60)).rejects.toThrow(TypeError);
  });

  it('answers ping and forgets everything on close', async () => {
    const cache = new MemoryCache();
    await cache.set('k', 1, 60);
    await expect(cache.ping()).resolves.toBeUndefined();
    await cache.close();
    expect(await cache.get('k')).toBeUndefined();
  });
});

describe('MemoryRateLimiterFactory', () => {
  it('allows `points` requests per window, then blocks with a Retry-After inside the window', async () => {
    const limiter = new MemoryRateLimiterFactory().create('login', { points: 3, durationSeconds: 10 });
    const results = [];
    for (let attempt = 0; attempt < 3; attempt++) results.push(await limiter.consume('ip-1'));
    expect(results.map((result) => [result.allowed, result.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
    ]);
    const blocked = await limiter.consume('ip-1');
    expect(blocked.allowed).toBe(false);
    expect(blocked.remaining).toBe(0);
    expect(blocked.retryAfterSeconds).toBeGreaterThanOrEqual(9);
    expect(blocked.retryAfterSeconds).toBeLessThanOrEqual(10);
    // Other keys have their own window.
    expect((await limiter.consume('ip-2')).allowed).toBe(true);
  });

  it('counts several points at once and opens a fresh window after the old one ends', async () => {
    const limiter = new MemoryRateLimiterFactory().create('bulk', { points: 2, durationSeconds: 1 });
    expect(await limiter.consume('k', 2)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.consume('k')).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    await sleep(1_100);
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('shares one window between limiters created under one name, and refuses other limits for it', async () => {
    const factory = new MemoryRateLimiterFactory();
    const first = factory.create('shared', { points: 1, durationSeconds: 10 });
    const second = factory.create('shared', { points: 1, durationSeconds: 10 });
    expect((await first.consume('k')).allowed).toBe(true);
    expect((await second.consume('k')).allowed).toBe(false);
    expect((await factory.create('separate', { points: 1, durationSeconds: 10 }).consume('k')).allowed).toBe(true);
    expect(() => factory.create('shared', { points: 2, durationSeconds: 10 })).toThrow(/different limits/);
  });

  it('refuses limits and point counts that are not positive integers', async () => {
    const factory = new MemoryRateLimiterFactory();
    expect(() => factory.create('zero', { points: 0, durationSeconds: 1 })).toThrow(RangeError);
    expect(() => factory.create('fraction', { points: 1, durationSeconds: 0.5 })).toThrow(RangeError);
    const limiter = factory.create('valid', { points: 5, durationSeconds: 1 });
    await expect(limiter.consume('k', 1.5)).rejects.toThrow(RangeError);
    await expect(limiter.consume('k', 0)).rejects.toThrow(RangeError);
  });
});

describe('wrapLimiter', () => {
  it('turns a RateLimiterRes rejection into a blocked result with ceil(msBeforeNext / 1000), at least 1', async () => {
    const rejecting = (msBeforeNext: number) =>
      wrapLimiter({ consume: () => Promise.reject(new RateLimiterRes(0, msBeforeNext, 5, false)) });
    expect(await rejecting(2_001).consume('k')).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 3 });
    expect(await rejecting(0).consume('k')).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
  });

  it('rethrows real errors through the translator', async () => {
    const failure = new Error('store down');
    const plain = wrapLimiter({ consume: () => Promise.reject(failure) });
    await expect(plain.consume('k')).rejects.toBe(failure);
    const translated = wrapLimiter({ consume: () => Promise.reject(failure) }, () => {
      throw new Error('translated');
    });
    await expect(translated.consume('k')).rejects.toThrow('translated');
  });
});
