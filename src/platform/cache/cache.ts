/** A shared cache: in memory (lru-cache) in embedded mode, Redis when REDIS_URL is set. Values are JSON. */
export interface Cache {
  readonly kind: 'memory' | 'redis';
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Removes every key that starts with `prefix` (e.g. all of one user's connector caches). */
  deleteByPrefix(prefix: string): Promise<number>;
  /** Increments a counter that expires `ttlSeconds` after it was created; returns the new value. */
  increment(key: string, ttlSeconds: number): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  /** Seconds until the window resets; what a 429's Retry-After should say. */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  consume(key: string, points?: number): Promise<RateLimitResult>;
}

/** Builds fixed-window limiters (rate-limiter-flexible) on the same backend as the cache. */
export interface RateLimiterFactory {
  create(name: string, options: { points: number; durationSeconds: number }): RateLimiter;
}
