import PgBoss from 'pg-boss';
import type { Database, Executor } from '../database/database.js';
import { ValidationFailed } from '../errors.js';
import type { Logger } from '../logger/logger.js';
import type { JobCatalog, JobInput, JobPayload } from './job-catalog.js';

export interface JobContext {
  id: string;
  name: string;
  /** Aborted when the job outlives its timeout or the process shuts down; long handlers should honour it. */
  signal: AbortSignal;
}

export type JobHandler<Payload> = (payload: Payload, context: JobContext) => Promise<void>;

export interface EnqueueOptions {
  /** Enqueue inside the caller's transaction: the job exists only if that transaction commits. */
  transaction?: Executor;
  /** With a `stately`/`singleton` policy, one job per key is queued (and one active). */
  singletonKey?: string;
  startAfter?: Date;
  /** A job id chosen by the caller (a UUID), e.g. to record it beside the row that caused the job. */
  id?: string;
}

export interface QueueOptions {
  schema: string;
  /** Run expiry and archiving (worker and scheduler roles). */
  supervise: boolean;
  /** Run cron schedules (scheduler role). */
  schedule: boolean;
  maintenanceIntervalSeconds: number;
  pollingIntervalSeconds?: number;
  /**
   * Told (after commit) of every enqueued job, so other processes' workers can be woken at once instead
   * of at their next poll. The composition root connects it to the event bus in scaled mode.
   */
  onEnqueued?: (name: string) => void;
}

export interface QueueCounts {
  [queue: string]: { created: number; retry: number; active: number; completed: number; failed: number };
}

/**
 * pg-boss on Aurora's own database, typed by a job catalog. On PGlite, pg-boss talks through the
 * embedded connection; several SQL statements without parameters go through `exec`.
 */
export class Queue<Catalog extends JobCatalog> {
  private readonly boss: PgBoss;
  private readonly workers = new Map<string, string[]>();
  private readonly running = new Set<AbortController>();
  private started = false;
  private stopping = false;
  /** Statements pg-boss has in flight on our connection; stop() waits for them so none outlives the pool. */
  private statementsInFlight = 0;

  constructor(
    private readonly database: Database,
    private readonly catalog: Catalog,
    private readonly logger: Logger,
    private readonly options: QueueOptions,
  ) {
    this.boss = new PgBoss({
      db: {
        executeSql: async (text: string, values?: unknown[]) =>
          values && values.length > 0
            ? { rows: await database.query(text, values) }
            : { rows: await database.exec(text) },
      },
      schema: options.schema,
      supervise: options.supervise,
      schedule: options.schedule,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds,
      monitorStateIntervalSeconds: Math.max(options.maintenanceIntervalSeconds, 60),
    });
    // pg-boss reports maintenance failures (e.g. the database going away) as events; unhandled they would crash.
    this.boss.on('error', (error) => this.logger.warn({ err: error }, 'job queue maintenance failed'));
  }

  /** Installs or upgrades pg-boss's schema and creates one queue per catalog entry. */
  async start(): Promise<void> {
    if (this.started) return;
    await this.boss.start();
    for (const [name, definition] of Object.entries(this.catalog)) {
      const queue = {
        name,
        policy: definition.policy ?? 'standard',
        retryLimit: definition.retryLimit,
        retryDelay: definition.retryDelaySeconds,
        retryBackoff: definition.retryBackoff,
        expireInSeconds: definition.timeoutSeconds,
      };
      // createQueue keeps an existing queue's settings; updateQueue brings them in line with the catalog.
      if (await this.boss.getQueue(name)) await this.boss.updateQueue(name, queue);
      else await this.boss.createQueue(name, queue);
    }
    this.started = true;
  }

  async enqueue<Name extends Extract<keyof Catalog, string>>(
    name: Name,
    input: JobInput<Catalog, Name>,
    options: EnqueueOptions = {},
  ): Promise<string | null> {
    const definition = this.definition(name);
    const parsed = definition.payload.safeParse(input);
    if (!parsed.success) {
      throw new ValidationFailed(`Invalid payload for job ${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    }
    const transaction = options.transaction;
    const id = await this.boss.send(name, parsed.data as object, {
      id: options.id,
      singletonKey: options.singletonKey,
      startAfter: options.startAfter,
      retryLimit: definition.retryLimit,
      retryDelay: definition.retryDelaySeconds,
      retryBackoff: definition.retryBackoff,
      expireInSeconds: definition.timeoutSeconds,
      db: transaction
        ? { executeSql: async (text: string, values: unknown[]) => ({ rows: await transaction.query(text, values) }) }
        : undefined,
    });
    // Wake workers at once instead of at their next poll; only after the job is committed.
    if (id) {
      (transaction ?? this.database).afterCommit(() => {
        this.wake(name);
        this.options.onEnqueued?.(name);
      });
    }
    return id;
  }

  async work<Name extends Extract<keyof Catalog, string>>(
    name: Name,
    handler: JobHandler<JobPayload<Catalog, Name>>,
    options: { concurrency?: number } = {},
  ): Promise<void> {
    const definition = this.definition(name);
    const concurrency = options.concurrency ?? definition.concurrency ?? 1;
    const ids: string[] = [];
    for (let index = 0; index < concurrency; index++) {
      ids.push(
        await this.boss.work<object>(
          name,
          { batchSize: 1, pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2 },
          async ([job]) => {
            if (job) await this.runJob(name, definition, handler, job);
          },
        ),
      );
    }
    this.workers.set(name, [...(this.workers.get(name) ?? []), ...ids]);
  }

  private async runJob<Name extends Extract<keyof Catalog, string>>(
    name: Name,
    definition: Catalog[Name],
    handler: JobHandler<JobPayload<Catalog, Name>>,
    job: PgBoss.Job<object>,
  ): Promise<void> {
    if (this.stopping) {
      // Fetched just as shutdown began: hand it back (pg-boss marks it for retry) rather than start it now.
      throw new Error('the process is shutting down');
    }
    const parsed = definition.payload.safeParse(job.data);
    if (!parsed.success) {
      // Retrying cannot fix a payload that does not parse; fail it once, loudly.
      this.logger.error(
        { job: job.id, queue: name, issues: parsed.error.issues },
        'job payload does not match its schema',
      );
      throw new Error(`payload does not match the ${name} schema`);
    }
    const controller = new AbortController();
    this.running.add(controller);
    const timer = setTimeout(
      () => controller.abort(new Error(`job exceeded its ${definition.timeoutSeconds}s timeout`)),
      definition.timeoutSeconds * 1000,
    );
    const started = Date.now();
    try {
      await Promise.race([
        handler(parsed.data as JobPayload<Catalog, Name>, { id: job.id, name, signal: controller.signal }),
        new Promise<never>((_, reject) =>
          controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }),
        ),
      ]);
      this.logger.debug({ job: job.id, queue: name, durationMs: Date.now() - started }, 'job completed');
    } catch (error) {
      this.logger.warn({ job: job.id, queue: name, err: error, durationMs: Date.now() - started }, 'job failed');
      throw error;
    } finally {
      clearTimeout(timer);
      this.running.delete(controller);
    }
  }

  /** Enqueues `name` on a cron (UTC). Only processes started with `schedule: true` fire schedules. */
  async schedule<Name extends Extract<keyof Catalog, string>>(
    name: Name,
    cron: string,
    input: JobInput<Catalog, Name>,
  ): Promise<void> {
    const parsed = this.definition(name).payload.parse(input);
    await this.boss.schedule(name, cron, parsed as object, { tz: 'UTC' });
  }

  /** Makes this process's idle workers for `name` fetch now. */
  wake(name: string): void {
    for (const id of this.workers.get(name) ?? []) this.boss.notifyWorker(id);
  }

  /**
   * Embedded mode only: the data directory is locked to this process, so any job still `active`
   * belonged to a process that died. Fail them now (retrying where retries remain) instead of
   * waiting for their timeout.
   */
  async recoverOrphanedJobs(): Promise<number> {
    const rows = await this.database.query<{ id: string; name: string }>(
      `select id, name from ${this.options.schema}.job where state = 'active'`,
    );
    const byName = new Map<string, string[]>();
    for (const row of rows) byName.set(row.name, [...(byName.get(row.name) ?? []), row.id]);
    for (const [name, ids] of byName) {
      for (const id of ids) await this.boss.fail(name, id, { message: 'the process running this job exited' });
    }
    if (rows.length > 0) this.logger.warn({ jobs: rows.length }, 'retrying jobs left active by a previous process');
    return rows.length;
  }

  async counts(): Promise<QueueCounts> {
    const rows = await this.database.query<{ name: string; state: string; count: number }>(
      `select name, state::text as state, count(*)::int as count from ${this.options.schema}.job group by name, state`,
    );
    const counts: QueueCounts = {};
    for (const name of Object.keys(this.catalog)) {
      counts[name] = { created: 0, retry: 0, active: 0, completed: 0, failed: 0 };
    }
    for (const row of rows) {
      const entry = counts[row.name];
      if (entry && row.state in entry) entry[row.state as keyof (typeof counts)[string]] = row.count;
    }
    return counts;
  }

  async ping(): Promise<void> {
    await this.database.query(`select 1 from ${this.options.schema}.version limit 1`);
  }

  /**
   * Stops fetching, waits up to `timeoutMs` for running handlers, then aborts what is left and
   * returns it to the queue (failed with retries remaining), so another worker picks it up.
   */
  async stop(options: { timeoutMs: number }): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.stopping = true;
    const deadline = Date.now() + Math.max(options.timeoutMs, 1000);
    const abortLeftovers = setTimeout(
      () => {
        for (const controller of this.running) controller.abort(new Error('the process is shutting down'));
      },
      Math.max(options.timeoutMs - 250, 0),
    );
    await this.boss.stop({ graceful: true, timeout: Math.max(options.timeoutMs, 1000), close: false, wait: true });
    // pg-boss returns while a fetch may still be in flight, and completes or fails jobs without awaiting it.
    // Wait until our connection has been quiet for a moment, so nothing it started runs after the pool closes.
    let quietSince = Date.now();
    while (Date.now() < deadline + 2_000) {
      if (this.statementsInFlight > 0 || this.running.size > 0) quietSince = Date.now();
      else if (Date.now() - quietSince >= 100) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    clearTimeout(abortLeftovers);
  }

  private definition<Name extends Extract<keyof Catalog, string>>(name: Name): Catalog[Name] {
    const definition = this.catalog[name];
    if (!definition) throw new ValidationFailed(`Unknown job ${name}`);
    return definition;
  }
}
