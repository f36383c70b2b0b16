import { Redis, ReplyError } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { UpstreamUnavailable } from '../errors.js';
import type { Logger } from '../logger/logger.js';
import type { Cache, RateLimiter, RateLimiterFactory } from './cache.js';
import { encodeJson, type LimiterOptions, reuseLimiter, ttlMilliseconds, wrapLimiter } from './memory-cache.js';

export interface RedisClientOptions {
  url: string;
  logger: Logger;
  /** Shown by CLIENT LIST, so operators can tell Aurora's connections apart. */
  connectionName?: string;
  /** Upper bound for any one command, including the time it waits for a connection. */
  commandTimeoutMs?: number;
}

/**
 * An ioredis client that fails fast instead of hanging when Redis is down. Commands issued while the very first
 * connection is being made are queued (so a freshly built cache is usable at once), bounded by one reconnect attempt
 * (maxRetriesPerRequest 1) and `commandTimeoutMs`. From then on a command issued while Redis is unreachable fails
 * immediately (see watchConnection); ioredis keeps reconnecting in the background with capped backoff.
 */
export function createRedisClient(options: RedisClientOptions): Redis {
  const client = new Redis(options.url, {
    connectionName: options.connectionName ?? 'aurora',
    connectTimeout: 2_000,
    commandTimeout: options.commandTimeoutMs ?? 2_000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(100 * 2 ** (attempt - 1), 5_000),
  });
  watchConnection(client, options.logger);
  return client;
}

/**
 * Attaches the listeners every Aurora Redis connection needs (call it on `duplicate()`s too):
 * - an 'error' listener: without one, ioredis writes every failed reconnect attempt to stderr as an
 *   "Unhandled error event" (a plain EventEmitter would crash); it logs a loss once per outage instead;
 * - the offline queue is switched off once the first connection has either succeeded or failed, so later outages
 *   make commands fail at once instead of each one waiting out the reconnect backoff.
 */
export function watchConnection(client: Redis, logger: Logger): void {
  const stopQueueing = () => {
    // ioredis reads this option on every command, so changing it at run time takes effect immediately.
    client.options.enableOfflineQueue = false;
  };
  client.once('ready', stopQueueing);
  client.once('close', stopQueueing);
  let healthy = true;
  const lost = (error?: Error) => {
    if (healthy) logger.warn({ err: error }, 'Redis connection lost; reconnecting');
    else if (error) logger.debug({ err: error }, 'Redis still unreachable');
    healthy = false;
  };
  client.on('error', (error: Error) => lost(error));
  // A server that closes the socket cleanly emits no 'error', only 'reconnecting' (never after our own quit).
  client.on('reconnecting', () => lost());
  client.on('ready', () => {
    if (!healthy) logger.info('Redis connection restored');
    healthy = true;
  });
}

/** ReplyErrors are Redis answering (wrong type, bad script): real bugs. Everything else means it did not answer. */
export function translateRedisError(error: unknown): never {
  if (error instanceof UpstreamUnavailable || error instanceof ReplyError) throw error;
  throw new UpstreamUnavailable('Redis is unavailable', 5, { cause: error });
}

/** Closes a client without waiting on a dead server: QUIT when connected, otherwise just drop the socket. */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    // Stops the reconnect loop too; QUIT would only wait in (or be refused by) the offline queue.
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

export interface RedisCacheOptions {
  client: Redis;
  /** Prepended to every key, e.g. `aurora:`, so several deployments can share one Redis. */
  keyPrefix: string;
  logger: Logger;
  /** Whether close() should also close `client` (true when the cache created it). */
  ownsClient?: boolean;
}

/** The scaled-mode cache: JSON values in Redis under `keyPrefix` + `cache:`. */
export class RedisCache implements Cache {
  readonly kind = 'redis';
  private readonly client: Redis;
  private readonly prefix: string;
  private readonly logger: Logger;
  private readonly ownsClient: boolean;

  constructor(options: RedisCacheOptions) {
    this.client = options.client;
    // A sub-prefix keeps deleteByPrefix('') from ever reaching rate-limit or other keys under the same prefix.
    this.prefix = `${options.keyPrefix}cache:`;
    this.logger = options.logger;
    this.ownsClient = options.ownsClient ?? false;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const text = await this.client.get(this.prefix + key).catch(translateRedisError);
    if (text === null) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      // Someone else wrote a non-JSON value here; a cache miss is the safe answer.
      this.logger.warn({ err: error, key }, 'Ignoring a cache entry that is not JSON');
      return undefined;
    }
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    // PX rather than EX so fractional TTLs behave exactly as they do in the memory cache.
    await this.client
      .set(this.prefix + key, encodeJson(value), 'PX', ttlMilliseconds(ttlSeconds))
      .catch(translateRedisError);
  }

  async delete(key: string): Promise<void> {
    await this.client.unlink(this.prefix + key).catch(translateRedisError);
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    // SCAN walks the keyspace in small steps; KEYS would block Redis for every other client while it runs.
    const pattern = `${escapeGlob(this.prefix + prefix)}*`;
    let cursor = '0';
    let deleted = 0;
    try {
      do {
        const [next, keys] = await this.client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        // UNLINK frees memory in the background, and counts only keys that still existed.
        if (keys.length > 0) deleted += await this.client.unlink(...keys);
      } while (cursor !== '0');
    } catch (error) {
      translateRedisError(error);
    }
    return deleted;
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    const ttl = ttlMilliseconds(ttlSeconds);
    const fullKey = this.prefix + key;
    // MULTI makes the pair atomic; PEXPIRE NX (Redis 7) sets the expiry only when the counter is created.
    const replies = await this.client
      .multi()
      .incr(fullKey)
      .pexpire(fullKey, ttl, 'NX')
      .exec()
      .catch(translateRedisError);
    const [incrReply] = replies ?? [];
    if (!incrReply) translateRedisError(new Error('MULTI was aborted'));
    const [error, value] = incrReply;
    if (error) throw error;
    return Number(value);
  }

  async ping(): Promise<void> {
    await this.client.ping().catch(translateRedisError);
  }

  async close(): Promise<void> {
    if (this.ownsClient) await closeRedisClient(this.client);
  }
}

/** Fixed-window limiters shared by every process through Redis, keyed `${keyPrefix}ratelimit:${name}:${key}`. */
export class RedisRateLimiterFactory implements RateLimiterFactory {
  private readonly limiters = new Map<string, { options: LimiterOptions; limiter: RateLimiter }>();

  constructor(
    private readonly client: Redis,
    private readonly keyPrefix: string,
  ) {}

  create(name: string, options: LimiterOptions): RateLimiter {
    return reuseLimiter(this.limiters, name, options, () =>
      wrapLimiter(
        new RateLimiterRedis({
          // An ioredis client; `useRedisPackage` is only for node-redis v4+.
          storeClient: this.client,
          useRedisPackage: false,
          keyPrefix: `${this.keyPrefix}ratelimit:${name}`,
          points: options.points,
          duration: options.durationSeconds,
        }),
        translateRedisError,
      ),
    );
  }
}

/** Escapes Redis glob metacharacters so a prefix such as `user[1]` matches literally. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
