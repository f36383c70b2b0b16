import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { organizations } from '../../src/features/accounts/accounts.schema.js';
import type { Database } from '../../src/platform/database/database.js';
import { openPglite } from '../../src/platform/database/pglite.adapter.js';
import { openPostgres } from '../../src/platform/database/postgres.adapter.js';
import { createEventBus } from '../../src/platform/events/create-event-bus.js';
import { Queue } from '../../src/platform/queue/queue.js';
import { crossProcessWakeups } from '../../src/platform/queue/queue-wakeups.js';
import { createTestDatabase } from '../support/database.js';
import { silentLogger } from '../support/logger.js';
import { queueTestCatalog } from '../support/queue-test-catalog.js';

const here = dirname(fileURLToPath(import.meta.url));
const backend = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';

function newQueue(database: Database, overrides: { supervise?: boolean; maintenanceIntervalSeconds?: number } = {}) {
  return new Queue(database, queueTestCatalog, silentLogger(), {
    schema: 'pgboss',
    supervise: overrides.supervise ?? false,
    schedule: false,
    maintenanceIntervalSeconds: overrides.maintenanceIntervalSeconds ?? 60,
    pollingIntervalSeconds: 0.5,
  });
}

async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function jobState(database: Database, id: string): Promise<string | undefined> {
  const rows = await database.query<{ state: string }>('select state::text as state from pgboss.job where id = $1', [
    id,
  ]);
  return rows[0]?.state;
}

describe(`job queue (${backend})`, () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup() {
    const test = await createTestDatabase();
    const queue = newQueue(test.database);
    cleanups.push(() => test.drop());
    cleanups.push(() => queue.stop({ timeoutMs: 1000 }));
    await queue.start();
    return { test, queue };
  }

  it('runs a job with its validated payload and rejects a payload that fails the schema', async () => {
    const { queue } = await setup();
    const seen: string[] = [];
    await queue.work('test.echo', async (payload) => {
      seen.push(payload.value);
    });
    await queue.enqueue('test.echo', { value: 'hello' });
    await waitFor(() => seen.length === 1 || undefined);
    expect(seen).toEqual(['hello']);
    await expect(queue.enqueue('test.echo', { value: 42 } as never)).rejects.toThrow(
      /Invalid payload for job test.echo/,
    );
  });

  it('enqueues inside the caller transaction: nothing on rollback, the job on commit', async () => {
    const { test, queue } = await setup();
    const orgId = randomUUID();
    await expect(
      test.database.transaction(async (transaction) => {
        await transaction.db.insert(organizations).values({ id: orgId, name: `queue-${orgId}` });
        await queue.enqueue('test.echo', { value: 'rolled-back' }, { transaction });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const none = await test.database.query("select 1 from pgboss.job where data->>'value' = 'rolled-back'");
    expect(none).toHaveLength(0);

    const id = await test.database.transaction(async (transaction) => {
      await transaction.db.insert(organizations).values({ id: orgId, name: `queue-${orgId}` });
      return queue.enqueue('test.echo', { value: 'committed' }, { transaction });
    });
    expect(id).toBeTruthy();
    expect(await jobState(test.database, id!)).toBe('created');
  });

  it('retries a failed job and completes it', async () => {
    const { test, queue } = await setup();
    let attempts = 0;
    await queue.work('test.echo', async () => {
      attempts++;
      if (attempts === 1) throw new Error('transient');
    });
    const id = (await queue.enqueue('test.echo', { value: 'retry-me' }))!;
    await waitFor(async () => ((await jobState(test.database, id)) === 'completed' ? true : undefined));
    expect(attempts).toBe(2);
  });

  it('aborts a handler that outlives its timeout and retries the job', async () => {
    const { test, queue } = await setup();
    let attempts = 0;
    await queue.work('test.echo', async (_payload, context) => {
      attempts++;
      if (attempts === 1) {
        await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
      }
    });
    const id = (await queue.enqueue('test.echo', { value: 'slow' }))!;
    await waitFor(async () => ((await jobState(test.database, id)) === 'completed' ? true : undefined), 30_000);
    expect(attempts).toBe(2);
  });

  it('returns unfinished jobs to the queue on graceful stop', async () => {
    const test = await createTestDatabase();
    cleanups.push(() => test.drop());
    const queue = newQueue(test.database);
    await queue.start();
    let started = false;
    await queue.work('test.echo', async (_payload, context) => {
      started = true;
      await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
      throw context.signal.reason;
    });
    const id = (await queue.enqueue('test.echo', { value: 'in-flight' }))!;
    await waitFor(() => started || undefined);
    await queue.stop({ timeoutMs: 1000 });
    expect(await jobState(test.database, id)).toBe('retry');
  });

  it('retries a job whose worker process was killed mid-run', async () => {
    const test = await createTestDatabase();
    cleanups.push(() => test.drop());
    const seedQueue = newQueue(test.database);
    await seedQueue.start();
    await seedQueue.enqueue('test.echo', { value: 'crash' });
    await seedQueue.stop({ timeoutMs: 1000 });
    // PGlite's directory may be open in one process only: hand it to the child, reopen it after the kill.
    if (test.backend === 'pglite') await test.database.close();
    const target = test.backend === 'pglite' ? test.dataDir! : test.url!;

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(here, '../support/queue-crash-child.ts'), target, 'pgboss'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
    });
    await waitFor(() => output.includes('started crash') || undefined, 30_000);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const survivor = test.backend === 'pglite' ? await openPglite(target) : test.database;
    if (test.backend === 'pglite') cleanups.push(() => survivor.close());
    const active = await survivor.query<{ id: string }>("select id from pgboss.job where state = 'active'");
    expect(active).toHaveLength(1);
    const jobId = active[0]!.id;

    // Embedded: the data dir is ours alone, so leftovers are recovered at start. PostgreSQL: other workers may be
    // alive, so the job is retried when its timeout (3 s in this catalog) expires, by queue maintenance.
    const queue = newQueue(survivor, { supervise: test.backend === 'postgres', maintenanceIntervalSeconds: 1 });
    cleanups.push(() => queue.stop({ timeoutMs: 1000 }));
    await queue.start();
    if (test.backend === 'pglite') expect(await queue.recoverOrphanedJobs()).toBe(1);
    const completed: string[] = [];
    await queue.work('test.echo', async (payload) => {
      completed.push(payload.value);
    });
    await waitFor(async () => ((await jobState(survivor, jobId)) === 'completed' ? true : undefined), 30_000);
    expect(completed).toEqual(['crash']);
  });

  it.skipIf(!process.env.DATABASE_URL)(
    `wakes a worker in another process at once through the event bus${process.env.DATABASE_URL ? '' : ' (skipped: needs DATABASE_URL)'}`,
    async () => {
      const test = await createTestDatabase();
      cleanups.push(() => test.drop());
      // Two "processes": each has its own pool, event bus connection and queue; the worker polls only every 10 s.
      const logger = silentLogger();
      const workerDatabase = await openPostgres({ url: test.url!, poolMax: 3, statementTimeoutMs: 0, logger });
      cleanups.push(() => workerDatabase.close());
      const producerBus = await createEventBus({ kind: 'postgres', url: test.url!, logger });
      const workerBus = await createEventBus({ kind: 'postgres', url: test.url!, logger });
      cleanups.push(() => producerBus.close());
      cleanups.push(() => workerBus.close());
      const options = {
        schema: 'pgboss',
        supervise: false,
        schedule: false,
        maintenanceIntervalSeconds: 60,
        pollingIntervalSeconds: 10,
      };
      const producer = new Queue(test.database, queueTestCatalog, logger, {
        ...options,
        onEnqueued: crossProcessWakeups(producerBus, logger).onEnqueued,
      });
      const worker = new Queue(workerDatabase, queueTestCatalog, logger, options);
      cleanups.push(() => producer.stop({ timeoutMs: 1000 }));
      cleanups.push(() => worker.stop({ timeoutMs: 1000 }));
      await producer.start();
      await worker.start();
      const stopListening = crossProcessWakeups(workerBus, logger).listen(worker);
      cleanups.push(async () => stopListening());
      let startedAt = 0;
      await worker.work('test.echo', async () => {
        startedAt = Date.now();
      });
      // Let the worker's first (empty) fetch pass, so only a wake-up can explain a fast start.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const sentAt = Date.now();
      await producer.enqueue('test.echo', { value: 'wake' });
      await waitFor(() => startedAt || undefined, 9_000);
      expect(startedAt - sentAt).toBeLessThan(2_000);
    },
  );
});
