import { z } from 'zod';
import type { Database } from '../src/platform/database/database.js';
import type { Logger } from '../src/platform/logger/logger.js';
import { defineJob, type JobCatalog } from '../src/platform/queue/job-catalog.js';
import { Queue } from '../src/platform/queue/queue.js';
import { type BenchBackend, backendLabel, benchBackends, openBench } from './support/databases.js';
import { sleep } from './support/processes.js';
import type { Suite, SuiteResult, Table } from './support/report.js';
import { ms, ratio, roundSummary, type Summary, summarize, times } from './support/stats.js';

const jobs = 200;
const warmupJobs = 10;
const crossProcessJobs = 50;
const crossProcessWarmup = 3;
const pollingIntervalSeconds = 0.5;
const selectOneSamples = 500;
const perJobTimeoutMs = 15_000;

const benchCatalog = {
  'bench.ping': defineJob({
    payload: z.object({ sentAt: z.number() }),
    retryLimit: 0,
    retryDelaySeconds: 0,
    retryBackoff: false,
    timeoutSeconds: 30,
  }),
} satisfies JobCatalog;

function newQueue(database: Database, logger: Logger) {
  return new Queue(database, benchCatalog, logger, {
    schema: 'pgboss',
    supervise: false,
    schedule: false,
    maintenanceIntervalSeconds: 60,
    pollingIntervalSeconds,
  });
}

/** Resolves the waiter registered for a job (keyed by its sentAt) with the time its handler started. */
class HandlerStarts {
  private readonly waiting = new Map<number, (startedAt: number) => void>();

  readonly handler = async (payload: { sentAt: number }) => {
    const startedAt = performance.now();
    this.waiting.get(payload.sentAt)?.(startedAt);
    this.waiting.delete(payload.sentAt);
  };

  expect(sentAt: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(sentAt);
        reject(new Error(`job sent at ${sentAt} did not start within ${perJobTimeoutMs} ms`));
      }, perJobTimeoutMs);
      this.waiting.set(sentAt, (startedAt) => {
        clearTimeout(timer);
        resolve(startedAt);
      });
    });
  }
}

interface LatencyRun {
  /** enqueue() called → handler start. */
  latency: number[];
  /** enqueue() called → enqueue() resolved (the INSERT round trip). */
  enqueueCall: number[];
}

/**
 * Sends jobs one at a time: each waits for the previous job's handler to start. `jitterMs` waits a random
 * 0…jitterMs before each send, so sends do not stay in phase with a polling worker's loop.
 */
async function sendSequentially(
  producer: Queue<typeof benchCatalog>,
  starts: HandlerStarts,
  count: number,
  jitterMs = 0,
): Promise<LatencyRun> {
  const run: LatencyRun = { latency: [], enqueueCall: [] };
  for (let index = 0; index < count; index++) {
    if (jitterMs > 0) await sleep(Math.random() * jitterMs);
    const sentAt = performance.now();
    const started = starts.expect(sentAt);
    await producer.enqueue('bench.ping', { sentAt });
    run.enqueueCall.push(performance.now() - sentAt);
    run.latency.push((await started) - sentAt);
  }
  return run;
}

async function selectOne(database: Database): Promise<number[]> {
  for (let index = 0; index < 50; index++) await database.query('select 1');
  const samples: number[] = [];
  for (let index = 0; index < selectOneSamples; index++) {
    const started = performance.now();
    await database.query('select 1');
    samples.push(performance.now() - started);
  }
  return samples;
}

interface BackendFigures {
  backend: BenchBackend;
  serverVersion: string;
  sameProcess: { latency: Summary; enqueueCall: Summary };
  crossProcess?: { latency: Summary; enqueueCall: Summary };
  selectOne: Summary;
}

async function measureBackend(
  backend: BenchBackend,
  databaseUrl: string | undefined,
  logger: Logger,
  progress: (message: string) => void,
): Promise<BackendFigures> {
  const bench = await openBench(backend, databaseUrl, logger);
  const queues: Array<Queue<typeof benchCatalog>> = [];
  try {
    // The baseline runs before the queue starts, so pg-boss's polling does not share the connection with it.
    progress(`${backendLabel(backend)}: select 1 ×${selectOneSamples}`);
    const select = await selectOne(bench.database);

    const queue = newQueue(bench.database, logger);
    queues.push(queue);
    await queue.start();
    const starts = new HandlerStarts();
    await queue.work('bench.ping', starts.handler);

    progress(`${backendLabel(backend)}: same-process, ${warmupJobs} warm-up + ${jobs} jobs`);
    await sendSequentially(queue, starts, warmupJobs);
    const same = await sendSequentially(queue, starts, jobs);

    let crossProcess: BackendFigures['crossProcess'];
    if (bench.openAnother) {
      // A producer with no local workers (so nothing to wake) and a worker on its own pool and pg-boss instance:
      // what a separate worker process sees. It finds the job on its next poll.
      const producerDatabase = await bench.openAnother();
      const producer = newQueue(producerDatabase, logger);
      queues.push(producer);
      await producer.start();
      progress(
        `${backendLabel(backend)}: cross-process (poll every ${pollingIntervalSeconds} s), ${crossProcessWarmup} warm-up + ${crossProcessJobs} jobs`,
      );
      await sendSequentially(producer, starts, crossProcessWarmup, pollingIntervalSeconds * 1000);
      const cross = await sendSequentially(producer, starts, crossProcessJobs, pollingIntervalSeconds * 1000);
      crossProcess = { latency: summarize(cross.latency), enqueueCall: summarize(cross.enqueueCall) };
    }

    return {
      backend,
      serverVersion: bench.serverVersion,
      sameProcess: { latency: summarize(same.latency), enqueueCall: summarize(same.enqueueCall) },
      crossProcess,
      selectOne: summarize(select),
    };
  } finally {
    for (const queue of queues.reverse()) await queue.stop({ timeoutMs: 2_000 }).catch(() => undefined);
    await bench.drop();
  }
}

const summaryRow = (label: string, summary: Summary, baseline: Summary) => [
  label,
  String(summary.n),
  ms(summary.p50),
  ms(summary.p95),
  ms(summary.p99),
  ms(summary.max),
  times(ratio(summary.p50, baseline.p50)),
];

export const queueSuite: Suite = {
  name: 'queue',
  title: 'Queue latency, enqueue → handler start',
  async run(context): Promise<SuiteResult> {
    const results: BackendFigures[] = [];
    for (const backend of benchBackends(context.databaseUrl)) {
      results.push(await measureBackend(backend, context.databaseUrl, context.logger, context.progress));
    }
    const tables: Table[] = results.map((result) => {
      const rows = [
        summaryRow('enqueue → handler start, same process', result.sameProcess.latency, result.selectOne),
        summaryRow('  of which enqueue() call', result.sameProcess.enqueueCall, result.selectOne),
      ];
      if (result.crossProcess) {
        rows.push(
          summaryRow(
            `enqueue → handler start, separate worker (poll ${pollingIntervalSeconds} s)`,
            result.crossProcess.latency,
            result.selectOne,
          ),
          summaryRow('  of which enqueue() call', result.crossProcess.enqueueCall, result.selectOne),
        );
      }
      rows.push(summaryRow('select 1 (baseline)', result.selectOne, result.selectOne));
      return {
        title: `${backendLabel(result.backend)}, ${result.serverVersion} (ms; ratio = p50 / select 1 p50)`,
        headers: ['measurement', 'n', 'p50', 'p95', 'p99', 'max', 'p50 vs select 1'],
        rows,
      };
    });
    const notes = [
      'Same-process latency is not bound by polling: Queue.enqueue() wakes the local pg-boss worker (notifyWorker) as soon as the job is committed, so it is the INSERT plus one fetch (UPDATE … SKIP LOCKED … RETURNING) plus payload validation.',
    ];
    if (!context.databaseUrl) {
      notes.push('DATABASE_URL was not set, so PostgreSQL and the cross-process case were not measured in this run.');
    } else {
      notes.push(
        `The cross-process case is bounded by pollingIntervalSeconds (${pollingIntervalSeconds} s here; src/platform/platform.ts configures 1 s, so a separate worker role waits up to ≈ 1 s): a worker in another process is not woken, it finds the job on its next poll. Each send waits a random 0–${pollingIntervalSeconds * 1000} ms first so sends arrive at random points of the poll cycle (expect p50 ≈ half the interval, max ≈ the interval).`,
      );
    }
    return {
      method: [
        'In-process: src/platform/queue/queue.ts Queue with a one-job catalog (bench.ping, payload {sentAt:number}, no retries), schema pgboss, supervise/schedule off, pollingIntervalSeconds 0.5, one worker (concurrency 1).',
        `Jobs are sent one at a time: performance.now() just before enqueue() → the first line of the handler; the next job is sent only after that handler started. ${warmupJobs} warm-up jobs are discarded, then ${jobs} are measured.`,
        'PGlite: a fresh data dir opened with openPglite and migrated. PostgreSQL (when DATABASE_URL is set): a throwaway database aurora_bench_<random> via openPostgres (poolMax 10), dropped afterwards.',
        `Cross-process (PostgreSQL only): a second Queue on its own pool, with no worker, enqueues; the first Queue's worker (its own pool, no wake from the producer) picks the job up by polling. ${crossProcessJobs} jobs after ${crossProcessWarmup} warm-up. Producer and worker share the OS process only so both timestamps use one clock.`,
        `Baseline: ${selectOneSamples} sequential \`select 1\` through the same Database adapter (after 50 warm-up), measured before the queue starts, p50.`,
      ],
      tables,
      figures: {
        jobs,
        warmupJobs,
        crossProcessJobs,
        pollingIntervalSeconds,
        backends: results.map((result) => ({
          backend: result.backend,
          serverVersion: result.serverVersion,
          sameProcess: {
            latency: roundSummary(result.sameProcess.latency),
            enqueueCall: roundSummary(result.sameProcess.enqueueCall),
            p50VsSelectOne: Number(ratio(result.sameProcess.latency.p50, result.selectOne.p50).toFixed(1)),
          },
          crossProcess: result.crossProcess && {
            latency: roundSummary(result.crossProcess.latency),
            enqueueCall: roundSummary(result.crossProcess.enqueueCall),
            p50VsSelectOne: Number(ratio(result.crossProcess.latency.p50, result.selectOne.p50).toFixed(1)),
          },
          selectOne: roundSummary(result.selectOne),
        })),
      },
      targets: [],
      notes,
    };
  },
};
