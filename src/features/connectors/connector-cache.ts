import { Counter, type Registry } from 'prom-client';
import type { Cache } from '../../platform/cache/cache.js';

/** Provider listings are cached this long (the seed's 30 minutes). */
export const connectorCacheTtlSeconds = 30 * 60;

/**
 * Cache keys of one connection. The seed's patterns (`gcp_projects:{userId}`, `aws_ec2:{userId}:{region}`,
 * `azure_vms:{userId}:{subscription}`) sit under `connectors:{orgId}:{connectionId}:`, so an org's
 * connections never share entries and disconnecting clears exactly that connection's entries.
 */
export function connectionCacheKeys(orgId: string, connectionId: string) {
  const prefix = `connectors:${orgId}:${connectionId}:`;
  return {
    prefix,
    gcpProjects: (userId: string) => `${prefix}gcp_projects:${userId}`,
    awsEc2: (userId: string, region: string) => `${prefix}aws_ec2:${userId}:${region}`,
    azureVms: (userId: string, subscription: string) => `${prefix}azure_vms:${userId}:${subscription}`,
    /** Any other listing a tool caches: `{name}:{userId}:{part}…`. */
    custom: (name: string, userId: string, ...parts: string[]) => `${prefix}${[name, userId, ...parts].join(':')}`,
  };
}

export type ConnectionCacheKeys = ReturnType<typeof connectionCacheKeys>;

/** The cache port with hit/miss counting, for provider listings. Values are JSON and never credentials. */
export class ConnectorCache {
  private readonly requests: Counter<'cache' | 'result'>;

  constructor(
    private readonly cache: Cache,
    registry: Registry,
  ) {
    this.requests = new Counter({
      name: 'aurora_connector_cache_requests_total',
      help: 'Connector cache look-ups by cache name and result (hit or miss)',
      labelNames: ['cache', 'result'] as const,
      registers: [registry],
    });
  }

  /** The cached value under `key`, or `load()`'s result, stored for `ttlSeconds`. */
  async getOrLoad<T>(key: string, load: () => Promise<T>, ttlSeconds = connectorCacheTtlSeconds): Promise<T> {
    const name = cacheName(key);
    const cached = await this.cache.get<T>(key);
    if (cached !== undefined) {
      this.requests.inc({ cache: name, result: 'hit' });
      return cached;
    }
    this.requests.inc({ cache: name, result: 'miss' });
    const value = await load();
    await this.cache.set(key, value, ttlSeconds);
    return value;
  }

  async set(key: string, value: unknown, ttlSeconds = connectorCacheTtlSeconds): Promise<void> {
    await this.cache.set(key, value, ttlSeconds);
  }

  /** Every entry of one connection, in every process (the cache is shared: Redis in scaled mode). */
  async clearConnection(orgId: string, connectionId: string): Promise<number> {
    return this.cache.deleteByPrefix(connectionCacheKeys(orgId, connectionId).prefix);
  }
}

/** `gcp_projects` from `connectors:{org}:{connection}:gcp_projects:{user}`: a bounded label set. */
function cacheName(key: string): string {
  return key.split(':')[3] ?? 'other';
}
