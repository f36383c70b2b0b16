import { LRUCache } from 'lru-cache';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Cache, RateLimiter, RateLimiterFactory, RateLimitResult } from './cache.js';

export interface MemoryCacheOptions {
  /** Most entries kept before the least recently used are evicted. */
  maxEntries?: number;
}

/**
 * The embedded-mode cache. Values are stored as JSON text, exactly like Redis, so callers see the same
 * round-trip (a Date comes back as a string) and can never mutate a cached object through a reference.
 */
export class MemoryCache implements Cache {
  readonly kind = 'memory';
  private readonly entries: LRUCache<string, string>;

  constructor(options: MemoryCacheOptions = {}) {
    this.entries = new LRUCache<string, string>({ max: options.maxEntries ?? 10_000 });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const text = this.entries.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    this.entries.set(key, encodeJson(value), { ttl: ttlMilliseconds(ttlSeconds) });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    // Expired entries linger until touched; purge them first so they are not counted as deleted.
    this.entries.purgeStale();
    const matching = [...this.entries.keys()].filter((key) => key.startsWith(prefix));
    for (const key of matching) this.entries.delete(key);
    return matching.length;
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    const ttl = ttlMilliseconds(ttlSeconds);
    const current = this.entries.get(key);
    if (current === undefined) {
      this.entries.set(key, '1', { ttl });
      return 1;
    }
    const value = JSON.parse(current) as unknown;
    if (!Number.isSafeInteger(value)) throw new TypeError(`Cache key ${key} does not hold an integer counter`);
    const next = (value as number) + 1;
    // noUpdateTTL keeps the expiry set when the counter was created, like Redis EXPIRE NX.
    this.entries.set(key, String(next), { ttl, noUpdateTTL: true });
    return next;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.entries.clear();
  }
}

/** Fixed-window limiters held in this process only (embedded mode). */
export class MemoryRateLimiterFactory implements RateLimiterFactory {
  private readonly limiters = new Map<string, { options: LimiterOptions; limiter: RateLimiter }>();

  create(name: string, options: LimiterOptions): RateLimiter {
    return reuseLimiter(this.limiters, name, options, () =>
      wrapLimiter(
        new RateLimiterMemory({ keyPrefix: name, points: options.points, duration: options.durationSeconds }),
      ),
    );
  }
}

export interface LimiterOptions {
  points: number;
  durationSeconds: number;
}

/**
 * Returns the limiter already built under `name`, so two callers with one name share one window (as they do on
 * Redis, where the name is the key prefix). Reusing a name with other limits is a programming error.
 */
export function reuseLimiter(
  limiters: Map<string, { options: LimiterOptions; limiter: RateLimiter }>,
  name: string,
  options: LimiterOptions,
  build: () => RateLimiter,
): RateLimiter {
  validateLimiterOptions(name, options);
  const existing = limiters.get(name);
  if (existing) {
    if (existing.options.points !== options.points || existing.options.durationSeconds !== options.durationSeconds) {
      throw new Error(`Rate limiter ${name} already exists with different limits`);
    }
    return existing.limiter;
  }
  const limiter = build();
  limiters.set(name, { options: { ...options }, limiter });
  return limiter;
}

/** The RateLimiter port over any rate-limiter-flexible limiter; `translateError` maps store failures. */
export function wrapLimiter(
  limiter: { consume(key: string, points?: number): Promise<RateLimiterRes> },
  translateError: (error: unknown) => never = (error) => {
    throw error;
  },
): RateLimiter {
  return {
    async consume(key, points = 1) {
      // Redis can only count whole points; refuse fractions on every backend alike.
      if (!Number.isSafeInteger(points) || points < 1) throw new RangeError('points must be a positive integer');
      try {
        return toResult(await limiter.consume(key, points), true);
      } catch (error) {
        // rate-limiter-flexible rejects with a RateLimiterRes when the window is used up, and with an Error on failure.
        if (error instanceof RateLimiterRes) return toResult(error, false);
        translateError(error);
      }
    },
  };
}

function toResult(response: RateLimiterRes, allowed: boolean): RateLimitResult {
  const seconds = Math.ceil(Math.max(0, response.msBeforeNext) / 1000);
  return {
    allowed,
    remaining: allowed ? Math.max(0, response.remainingPoints) : 0,
    // A blocked caller is always told to wait at least a second; "Retry-After: 0" invites a hot loop.
    retryAfterSeconds: allowed ? seconds : Math.max(1, seconds),
  };
}

function validateLimiterOptions(name: string, options: LimiterOptions): void {
  if (!Number.isSafeInteger(options.points) || options.points < 1) {
    throw new RangeError(`Rate limiter ${name}: points must be a positive integer`);
  }
  // Redis expires windows in whole seconds, so both backends insist on them.
  if (!Number.isSafeInteger(options.durationSeconds) || options.durationSeconds < 1) {
    throw new RangeError(`Rate limiter ${name}: durationSeconds must be a positive integer`);
  }
}

/** JSON text of a cache value; `undefined` and functions have none, so they are refused rather than lost. */
export function encodeJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('Cache values must be JSON-serialisable');
  return text;
}

export function ttlMilliseconds(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new RangeError('ttlSeconds must be a positive number');
  return Math.ceil(ttlSeconds * 1000);
}
