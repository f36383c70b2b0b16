import type { Config } from '../config/config.js';
import { AuditLog } from './audit/audit-log.js';
import type { Cache, RateLimiterFactory } from './cache/cache.js';
import { createCache } from './cache/create-cache.js';
import type { Database } from './database/database.js';
import { migrationStatus, runMigrations } from './database/migrator.js';
import { openConfiguredDatabase } from './database/open-database.js';
import { createEmbedder } from './embeddings/create-embedder.js';
import type { Embedder } from './embeddings/embedder.js';
import { createEventBus } from './events/create-event-bus.js';
import type { EventBus } from './events/event-bus.js';
import { createOutboundFetch, type OutboundFetch } from './http-client/outbound-fetch.js';
import type { OutboundPolicy } from './http-client/outbound-policy.js';
import type { Logger, SecretRedactor } from './logger/logger.js';
import { createMetrics, type Metrics, registerQueueGauge } from './metrics/metrics.js';
import { createObjectStore } from './objects/create-object-store.js';
import type { ObjectStore } from './objects/object-store.js';
import { type AuroraJobCatalog, jobCatalog } from './queue/job-catalog.js';
import { Queue } from './queue/queue.js';
import { crossProcessWakeups } from './queue/queue-wakeups.js';
import { createSecretStore } from './secrets/create-secret-store.js';
import type { SecretStore } from './secrets/secret-store.js';

/** Every port, built once from Config by the composition root and passed down. */
export interface Platform {
  config: Config;
  logger: Logger;
  redactor: SecretRedactor;
  metrics: Metrics;
  database: Database;
  queue: Queue<AuroraJobCatalog>;
  objects: ObjectStore;
  secrets: SecretStore;
  cache: Cache;
  rateLimiters: RateLimiterFactory;
  events: EventBus;
  audit: AuditLog;
  /** The SSRF policy for user-supplied URLs, and a fetch that enforces it on every connection. */
  outbound: { policy: OutboundPolicy; fetch: OutboundFetch };
  /** Text → vectors for knowledge search (local ONNX model, an embeddings API, or none). */
  embedder: Embedder;
  close(): Promise<void>;
}

export interface PlatformOptions {
  logger: Logger;
  redactor: SecretRedactor;
  /** What the process does, recorded in the embedded data-dir lock ("server", "cli: admin create", …). */
  purpose: string;
  /** Run queue maintenance (expiry, archiving) in this process. */
  supervise?: boolean;
  /** Run cron schedules in this process. */
  schedule?: boolean;
  /** Tests inject ports they want to control (e.g. an in-memory database). */
  overrides?: Partial<Pick<Platform, 'database' | 'objects' | 'secrets' | 'events' | 'embedder'>>;
}

export class MigrationsPending extends Error {
  constructor(pending: number) {
    super(
      `The database has ${pending} pending migration(s). Run \`aurora migrate\` (with the same DATABASE_URL) before starting Aurora, or set AURORA_MIGRATE_ON_START=true.`,
    );
    this.name = 'MigrationsPending';
  }
}

export async function createPlatform(config: Config, options: PlatformOptions): Promise<Platform> {
  const { logger, redactor } = options;
  const closers: Array<() => Promise<void> | void> = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) {
      try {
        await closer();
      } catch (error) {
        logger.warn({ err: error }, 'error while closing a port');
      }
    }
  };

  try {
    const database = options.overrides?.database ?? (await openConfiguredDatabase(config, options));
    if (!options.overrides?.database) closers.push(() => database.close());

    if (config.migrateOnStart) {
      const result = await runMigrations(database);
      if (result.applied > 0) logger.info({ applied: result.applied }, 'database migrations applied');
    } else {
      const status = await migrationStatus(database);
      if (status.pending > 0) throw new MigrationsPending(status.pending);
    }

    const audit = new AuditLog(database);
    const { cache, rateLimiters } = await createCache({
      redisUrl: config.redis?.url,
      keyPrefix: config.redis?.keyPrefix ?? 'aurora:',
      logger,
    });
    closers.push(() => cache.close());

    const events =
      options.overrides?.events ??
      (await createEventBus(
        config.redis
          ? { kind: 'redis', url: config.redis.url, keyPrefix: config.redis.keyPrefix, logger }
          : config.database.kind === 'postgres'
            ? { kind: 'postgres', url: config.database.url, logger }
            : { kind: 'memory' },
      ));
    if (!options.overrides?.events) closers.push(() => events.close());

    const objects = options.overrides?.objects ?? (await createObjectStore(config.objects));
    if (!options.overrides?.objects) closers.push(() => objects.close());

    const secrets =
      options.overrides?.secrets ?? (await createSecretStore(config.secrets, { database, audit, redactor }));
    if (!options.overrides?.secrets) closers.push(() => secrets.close());

    const wakeups = events.kind === 'memory' ? undefined : crossProcessWakeups(events, logger);
    const queue = new Queue(database, jobCatalog, logger.child({ component: 'queue' }), {
      schema: config.queue.schema,
      supervise: options.supervise ?? false,
      schedule: options.schedule ?? false,
      maintenanceIntervalSeconds: config.queue.maintenanceIntervalSeconds,
      pollingIntervalSeconds: 1,
      // Scaled mode: an api process enqueues, a worker process runs; tell the workers instead of letting them poll.
      onEnqueued: wakeups?.onEnqueued,
    });
    await queue.start();
    if (wakeups) closers.push(wakeups.listen(queue));
    closers.push(() => queue.stop({ timeoutMs: config.server.shutdownTimeoutMs }));

    const policy: OutboundPolicy = {
      allowPrivateNetworks: config.outbound.allowPrivateNetworks,
      allowedHosts: config.outbound.allowedHosts,
    };
    const outbound = { policy, fetch: createOutboundFetch(policy, { timeoutMs: config.outbound.timeoutMs }) };

    const metrics = createMetrics();
    registerQueueGauge(metrics, () => queue.counts());

    const embedder = options.overrides?.embedder ?? createEmbedder(config.embeddings, { redactor });
    if (!options.overrides?.embedder) closers.push(() => embedder.close());

    return {
      config,
      logger,
      redactor,
      metrics,
      database,
      queue,
      objects,
      secrets,
      cache,
      rateLimiters,
      events,
      audit,
      outbound,
      embedder,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
