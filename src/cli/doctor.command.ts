import { randomUUID } from 'node:crypto';
import type { Config } from '../config/config.js';
import { AuditLog } from '../platform/audit/audit-log.js';
import { createCache } from '../platform/cache/create-cache.js';
import type { Database } from '../platform/database/database.js';
import { migrationStatus } from '../platform/database/migrator.js';
import { openConfiguredDatabase } from '../platform/database/open-database.js';
import { Conflict } from '../platform/errors.js';
import { createEventBus } from '../platform/events/create-event-bus.js';
import { createLogger, SecretRedactor } from '../platform/logger/logger.js';
import { createObjectStore } from '../platform/objects/create-object-store.js';
import { createSecretStore } from '../platform/secrets/create-secret-store.js';

interface Line {
  port: string;
  adapter: string;
  ok: boolean;
  note: string;
}

const timeoutMs = 5_000;

async function probe(port: string, adapter: string, work: () => Promise<string | undefined>): Promise<Line> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const note = await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
    return { port, adapter, ok: true, note: note ?? 'answers' };
  } catch (error) {
    return { port, adapter, ok: false, note: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

function describeDatabase(config: Config): string {
  return config.database.kind === 'postgres'
    ? `postgres ${redactUrl(config.database.url)}`
    : `pglite ${config.database.dataDir}`;
}

function describeObjects(config: Config): string {
  return config.objects.kind === 'fs'
    ? `fs ${config.objects.root}`
    : `s3 bucket ${config.objects.bucket}${config.objects.endpoint ? ` at ${config.objects.endpoint}` : ''}`;
}

function describeSecrets(config: Config): string {
  if (config.secrets.backend === 'vault') {
    return `vault ${config.secrets.address} (${config.secrets.auth.kind} auth, mount ${config.secrets.kvMount})`;
  }
  return `local (master key from ${config.secrets.masterKey ? 'AURORA_MASTER_KEY' : config.secrets.keyFile})`;
}

function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** Prints one line per port; returns the exit code (0 when everything answers). */
export async function doctorCommand(config: Config): Promise<number> {
  const redactor = new SecretRedactor();
  const logger = createLogger({ level: 'silent', format: 'json', redactor });
  const lines: Line[] = [];
  let database: Database | undefined;
  let openFailure: unknown;
  let inUse: Conflict | undefined;

  lines.push({
    port: 'config',
    adapter: config.database.kind === 'postgres' ? 'scaled' : 'embedded',
    ok: true,
    note: `data dir ${config.dataDir}`,
  });

  try {
    database = await openConfiguredDatabase(config, { logger, purpose: 'aurora doctor' });
  } catch (error) {
    if (error instanceof Conflict) inUse = error;
    else openFailure = error;
  }
  if (inUse) {
    // A running server owns the embedded database; ask it instead of opening the files.
    lines.push({
      port: 'database',
      adapter: describeDatabase(config),
      ok: true,
      note: inUse.message,
    });
    lines.push(await askRunningServer(config));
    print(lines);
    return lines.every((line) => line.ok) ? 0 : 1;
  }

  lines.push(
    await probe('database', describeDatabase(config), async () => {
      if (!database) throw openFailure;
      await database.ping();
      const status = await migrationStatus(database);
      if (status.pending > 0 && !config.migrateOnStart) {
        throw new Error(`${status.pending} migration(s) pending: run \`aurora migrate\``);
      }
      return `migrations ${status.applied}/${status.total}${status.pending ? ' (the rest apply on start)' : ''}`;
    }),
  );

  lines.push(
    await probe('queue', `pg-boss schema ${config.queue.schema}`, async () => {
      if (!database) throw new Error('needs the database');
      const rows = await database
        .query<{ version: number }>(`select version from ${config.queue.schema}.version`)
        .catch(() => undefined);
      return rows?.[0] ? `schema version ${rows[0].version}` : 'not installed yet (created on first start)';
    }),
  );

  const objects = await createObjectStore(config.objects);
  lines.push(await probe('objects', describeObjects(config), () => objects.ping().then(() => undefined)));
  await objects.close().catch(() => undefined);

  lines.push(
    await probe('secrets', describeSecrets(config), async () => {
      if (!database) throw new Error('needs the database');
      const secrets = await createSecretStore(config.secrets, { database, audit: new AuditLog(database), redactor });
      try {
        await secrets.ping();
      } finally {
        await secrets.close();
      }
      return undefined;
    }),
  );

  const { cache } = await createCache({
    redisUrl: config.redis?.url,
    keyPrefix: config.redis?.keyPrefix ?? 'aurora:',
    logger,
  });
  lines.push(
    await probe('cache', config.redis ? `redis ${redactUrl(config.redis.url)}` : 'memory', () =>
      cache.ping().then(() => undefined),
    ),
  );
  await cache.close().catch(() => undefined);

  const eventsKind = config.redis ? 'redis' : config.database.kind === 'postgres' ? 'postgres' : 'memory';
  lines.push(
    await probe('events', eventsKind, async () => {
      const bus = await createEventBus(
        config.redis
          ? { kind: 'redis', url: config.redis.url, keyPrefix: config.redis.keyPrefix, logger }
          : config.database.kind === 'postgres'
            ? { kind: 'postgres', url: config.database.url, logger }
            : { kind: 'memory' },
      );
      try {
        // A real round trip: publish to a throwaway org and wait for our own subscriber to hear it.
        const orgId = randomUUID();
        const heard = new Promise<void>((resolve) => bus.subscribe(orgId, () => resolve()));
        await new Promise((resolve) => setTimeout(resolve, 100));
        await bus.publish({ type: 'doctor.ping', orgId, data: {} });
        await heard;
        return 'publish and subscribe round trip';
      } finally {
        await bus.close();
      }
    }),
  );

  await database?.close().catch(() => undefined);
  print(lines);
  return lines.every((line) => line.ok) ? 0 : 1;
}

async function askRunningServer(config: Config): Promise<Line> {
  const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.server.port}/readyz`;
  return probe('server', url, async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json()) as { checks?: Record<string, { ok: boolean; error?: string }> };
    const checks = Object.entries(body.checks ?? {})
      .map(([name, result]) => `${name} ${result.ok ? 'ok' : `FAILED (${result.error})`}`)
      .join(', ');
    if (!response.ok) throw new Error(`not ready: ${checks}`);
    return `ready: ${checks}`;
  });
}

function print(lines: Line[]): void {
  const portWidth = Math.max(...lines.map((line) => line.port.length));
  const adapterWidth = Math.max(...lines.map((line) => line.adapter.length));
  for (const line of lines) {
    process.stdout.write(
      `${line.port.padEnd(portWidth)}  ${line.ok ? 'ok  ' : 'FAIL'}  ${line.adapter.padEnd(adapterWidth)}  ${line.note}\n`,
    );
  }
}
