import type { Logger } from '../logger/logger.js';
import type { Cache, RateLimiterFactory } from './cache.js';
import { MemoryCache, MemoryRateLimiterFactory } from './memory-cache.js';

export interface CreateCacheOptions {
  /** Redis when set (scaled mode); in-process memory otherwise (embedded mode). */
  redisUrl?: string;
  /** Prefix for every Redis key, e.g. `aurora:`. */
  keyPrefix: string;
  logger: Logger;
  /** Memory cache only. */
  maxEntries?: number;
}

/** The cache and the rate limiters always share one backend; on Redis they share one connection too. */
/** ioredis loads only when REDIS_URL is set. */
export async function createCache(
  options: CreateCacheOptions,
): Promise<{ cache: Cache; rateLimiters: RateLimiterFactory }> {
  if (!options.redisUrl) {
    return {
      cache: new MemoryCache({ maxEntries: options.maxEntries }),
      rateLimiters: new MemoryRateLimiterFactory(),
    };
  }
  const { createRedisClient, RedisCache, RedisRateLimiterFactory } = await import('./redis-cache.js');
  const client = createRedisClient({ url: options.redisUrl, logger: options.logger, connectionName: 'aurora-cache' });
  return {
    cache: new RedisCache({ client, keyPrefix: options.keyPrefix, logger: options.logger, ownsClient: true }),
    rateLimiters: new RedisRateLimiterFactory(client, options.keyPrefix),
  };
}
