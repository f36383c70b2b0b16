import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';
import pg from 'pg';
import { openPglite } from '../src/platform/database/pglite.adapter.js';
import { auroraListeningPattern, bareListeningPattern } from './startup.bench.js';
import { AlertStorm, type StormRequest } from './support/alert-storm.js';
import { createThrowawayDatabase } from './support/databases.js';
import { type OpenLoopResult, openLoop } from './support/open-loop.js';
import {
  auroraBin,
  embeddedEnvironment,
  minimalEnvironment,
  readCpuMs,
  repositoryRoot,
  type StartedProcess,
  startAndProbe,
  stopProcess,
} from './support/processes.js';
import type { Suite, SuiteContext, SuiteResult, Table, TargetCheck } from './support/report.js';
import { ms, percentile, ratio, round, times } from './support/stats.js';

const run = promisify(execFile);

/** Overridable for quick trial runs; the figures in docs/benchmarks.md use the defaults. */
const numberFromEnvironment = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const warmupSeconds = numberFromEnvironment('BENCH_INTAKE_WARMUP_SECONDS', 5);
const measureSeconds = numberFromEnvironment('BENCH_INTAKE_SECONDS', 20);
const connectionCounts = (process.env.BENCH_INTAKE_CONNECTIONS ?? '10,25,50')
  .split(',')
  .map(Number)
  .filter((count) => Number.isInteger(count) && count > 0);
/**
 * Open-loop runs: `backend:alerts per second` pairs offered at a fixed rate ("none" skips them). A closed loop at
 * saturation measures queueing (mean latency = connections ÷ throughput), so latency targets are checked at the
 * rate the throughput target names.
 */
const fixedRates = (process.env.BENCH_INTAKE_FIXED_RATES ?? 'postgres:5000,pglite:1000')
  .split(',')
  .map((pair) => pair.split(':'))
  .filter((pair): pair is ['pglite' | 'postgres', string] => pair[0] === 'pglite' || pair[0] === 'postgres')
  .map(([backend, rate]) => ({ backend, alertsPerSecond: Number(rate) }))
  .filter((entry) => Number.isInteger(entry.alertsPerSecond) && entry.alertsPerSecond > 0);
/** Enough that a connection is always free at the offered rate, so a slow answer does not delay the next request. */
const fixedRateConnections = 100;
const alertsPerRequest = 10;
const repeatShare = 0.3;
const timeoutSeconds = 10;
/**
 * Each autocannon run opens its connections afresh. A server whose event loop is blocked for tens of milliseconds at
 * a time (PGlite runs SQL synchronously on the main thread) admits them slowly, so the first seconds of a run can hold
 * multi-second answers. The "settled" latency leaves those seconds out; autocannon's own figures keep them.
 */
const settleSeconds = 5;
const seed = 20_261_127;
const bodyLimitBytes = 1024 * 1024;
const targets = { postgresAlertsPerSecond: 5_000, pgliteAlertsPerSecond: 1_000, p99Ms: 100 };

type Target = 'fastify' | 'pglite' | 'postgres';
const targetLabel: Record<Target, string> = {
  fastify: 'bare Fastify 5 (baseline)',
  pglite: 'Aurora, PGlite (embedded)',
  postgres: 'Aurora, PostgreSQL',
};

/** A Fastify 5 server with one POST route on Aurora's webhook path: default JSON parser, 1 MB limit, no work. */
const fastifyScript = `
import Fastify from 'fastify';
const app = Fastify({ logger: false, bodyLimit: ${bodyLimitBytes} });
app.get('/', async () => 'ok');
app.post('/hooks/:source/:integrationId', async (request) => ({ accepted: Array.isArray(request.body?.alerts) ? request.body.alerts.length : 0, duplicate: false }));
await app.listen({ host: '127.0.0.1', port: 0 });
process.stderr.write('listening on http://127.0.0.1:' + app.server.address().port + '\\n');
`;

/** What was sent and what the server acknowledged, per Alertmanager fingerprint. */
class DeliveryLedger {
  readonly sent = new Map<string, number>();
  readonly acked = new Map<string, number>();
  requestsBuilt = 0;
  alertsBuilt = 0;
  repeatsBuilt = 0;
  responses2xx = 0;
  acceptedAlerts = 0;
  duplicates = 0;
  /** 2xx answers whose `accepted` was not the number of alerts in the request. */
  wrongAccepted = 0;
  readonly statuses = new Map<number, number>();

  recordSent(request: StormRequest): void {
    this.requestsBuilt++;
    this.alertsBuilt += request.fingerprints.length;
    this.repeatsBuilt += request.repeats;
    for (const fingerprint of request.fingerprints) {
      this.sent.set(fingerprint, (this.sent.get(fingerprint) ?? 0) + 1);
    }
  }

  recordResponse(status: number, body: string, fingerprints: string[] | undefined): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (status < 200 || status >= 300 || !fingerprints) return;
    this.responses2xx++;
    let answer: { accepted?: unknown; duplicate?: unknown } = {};
    try {
      answer = JSON.parse(body) as typeof answer;
    } catch {
      // Counted as a wrong answer below.
    }
    if (answer.duplicate === true) {
      this.duplicates++;
      return;
    }
    if (answer.accepted !== fingerprints.length) this.wrongAccepted++;
    this.acceptedAlerts += fingerprints.length;
    for (const fingerprint of fingerprints) {
      this.acked.set(fingerprint, (this.acked.get(fingerprint) ?? 0) + 1);
    }
  }
}

function loadRequest(path: string, secret: string, storm: AlertStorm, ledger: DeliveryLedger): AutocannonRequest {
  return {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    // With pipelining 1, a connection's context holds the request in flight when its response arrives.
    setupRequest(request, context) {
      const next = storm.next();
      ledger.recordSent(next);
      context.fingerprints = next.fingerprints;
      return { ...request, body: next.body };
    },
    onResponse(status, body, context) {
      ledger.recordResponse(status, body, context.fingerprints as string[] | undefined);
    },
  };
}

/** Latency per wall-clock second of a run: shows whether slow answers are spread out or come in stalls. */
export interface SecondOfLoad {
  second: number;
  responses: number;
  p99Ms: number;
  maxMs: number;
  over100Ms: number;
}

/** What describeLoad reads from a run: autocannon's result, or the same figures from an open-loop run. */
type LoadResult = Pick<
  AutocannonResult,
  '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'duration' | 'errors' | 'timeouts' | 'non2xx' | 'statusCodeStats'
> & { latency: Pick<AutocannonResult['latency'], 'average' | 'p50' | 'p90' | 'p97_5' | 'p99' | 'max'> };

async function load(
  port: number,
  request: AutocannonRequest,
  connections: number,
  durationSeconds: number,
  /** Requests per second, sent at even intervals (open loop); as fast as answered when undefined. */
  rate?: number,
): Promise<{ result: LoadResult; timeline: SecondOfLoad[]; settled: { p50: number; p99: number; n: number } }> {
  const started = performance.now();
  const perSecond: number[][] = [];
  const record = (latencyMs: number, atMs: number) => {
    const second = Math.floor(atMs / 1000);
    const bucket = perSecond[second] ?? [];
    bucket.push(latencyMs);
    perSecond[second] = bucket;
  };
  let result: LoadResult;
  if (rate) {
    result = toLoadResult(
      await openLoop({
        origin: `http://127.0.0.1:${port}`,
        path: String(request.path),
        headers: request.headers ?? {},
        ratePerSecond: rate,
        durationSeconds,
        connections,
        timeoutSeconds,
        next() {
          const context: Record<string, unknown> = {};
          const built = request.setupRequest ? request.setupRequest({ ...request }, context) : request;
          return {
            body: String(built.body ?? ''),
            onResponse: (status, body) => request.onResponse?.(status, body, context, {}),
          };
        },
        onAnswer: record,
      }),
    );
  } else {
    const instance = autocannon({
      url: `http://127.0.0.1:${port}`,
      connections,
      pipelining: 1,
      duration: durationSeconds,
      timeout: timeoutSeconds,
      requests: [request],
    });
    instance.on('response', (_client, _status, _bytes, responseTime) =>
      record(Number(responseTime), performance.now() - started),
    );
    result = await instance;
  }
  // Latency once every connection is admitted: without the first seconds of the run (see settleSeconds).
  const settledLatencies = perSecond
    .slice(settleSeconds)
    .flatMap((latencies = []) => latencies)
    .sort((a, b) => a - b);
  const settled = {
    p50: round(percentile(settledLatencies, 50), 1),
    p99: round(percentile(settledLatencies, 99), 1),
    n: settledLatencies.length,
  };
  const timeline = Array.from(perSecond, (latencies = [], second) => {
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      second,
      responses: sorted.length,
      p99Ms: round(percentile(sorted, 99), 1),
      maxMs: round(sorted.at(-1) ?? Number.NaN, 1),
      over100Ms: sorted.filter((latency) => latency >= 100).length,
    };
  });
  return { result, timeline, settled };
}

function toLoadResult(run: OpenLoopResult): LoadResult {
  const byClass = (low: number) =>
    [...run.statusCounts].filter(([status]) => status >= low && status < low + 100).reduce((sum, [, n]) => sum + n, 0);
  const sorted = [...run.latencies].sort((a, b) => a - b);
  const at = (share: number) => round(percentile(sorted, share), 1);
  const statusCodeStats: LoadResult['statusCodeStats'] = {};
  for (const [status, count] of run.statusCounts) statusCodeStats[String(status)] = { count };
  return {
    '1xx': byClass(100),
    '2xx': byClass(200),
    '3xx': byClass(300),
    '4xx': byClass(400),
    '5xx': byClass(500),
    duration: run.durationSeconds,
    errors: run.errors,
    timeouts: run.timeouts,
    non2xx: run.latencies.length - byClass(200),
    statusCodeStats,
    latency: {
      average: sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length),
      p50: at(50),
      p90: at(90),
      p97_5: at(97.5),
      p99: at(99),
      max: round(sorted.at(-1) ?? Number.NaN, 1),
    },
  };
}

/** Busy and total jiffies of the whole machine (all cores), from /proc/stat. */
function machineCpu(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = fields.reduce((sum, value) => sum + value, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

interface CpuWindow {
  /** Cores' worth of CPU (CPU seconds per wall second) used by each party during the measured window. */
  serverCores: number | undefined;
  loadGeneratorCores: number;
  postgresBackendCores: number | undefined;
  /** Share of both cores busy (anything on the machine, including other people's work). */
  machineBusyPercent: number | undefined;
}

/** Measures CPU used by the server, this process (autocannon + body generation) and the given PG backends. */
function startCpuWindow(serverPid: number, postgresPids: number[]): () => CpuWindow {
  const started = performance.now();
  const server = readCpuMs(serverPid);
  const self = process.cpuUsage();
  const backends = postgresPids.map((pid) => readCpuMs(pid));
  const machine = machineCpu();
  return () => {
    const seconds = (performance.now() - started) / 1000;
    const serverAfter = readCpuMs(serverPid);
    const selfUsed = process.cpuUsage(self);
    const backendsAfter = postgresPids.map((pid) => readCpuMs(pid));
    const machineAfter = machineCpu();
    let backendMs = 0;
    backends.forEach((before, index) => {
      const after = backendsAfter[index];
      if (before !== undefined && after !== undefined) backendMs += after - before;
    });
    return {
      serverCores:
        server !== undefined && serverAfter !== undefined ? (serverAfter - server) / 1000 / seconds : undefined,
      loadGeneratorCores: (selfUsed.user + selfUsed.system) / 1e6 / seconds,
      postgresBackendCores: postgresPids.length > 0 ? backendMs / 1000 / seconds : undefined,
      machineBusyPercent:
        machine && machineAfter && machineAfter.total > machine.total
          ? (100 * (machineAfter.busy - machine.busy)) / (machineAfter.total - machine.total)
          : undefined,
    };
  };
}

interface LoadFigures {
  connections: number;
  durationS: number;
  requestsPerSecond: number;
  twoXxPerSecond: number;
  alertsPerSecond: number;
  latencyMs: { mean: number; p50: number; p90: number; p97_5: number; p99: number; max: number };
  total: number;
  twoXx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  cpu: CpuWindow;
  timeline?: SecondOfLoad[];
  /** Latency from the measured run's second `settleSeconds` on (answers, not requests, are bucketed by time). */
  settledLatencyMs?: { p50: number; p99: number; n: number };
}

function describeLoad(result: LoadResult, connections: number, cpu: CpuWindow): LoadFigures {
  const total = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  const statusCodes: Record<string, number> = {};
  for (const [code, entry] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number(entry.count);
  return {
    connections,
    durationS: round(result.duration, 2),
    requestsPerSecond: round(total / result.duration, 1),
    twoXxPerSecond: round(result['2xx'] / result.duration, 1),
    alertsPerSecond: round((result['2xx'] / result.duration) * alertsPerRequest, 0),
    latencyMs: {
      mean: round(result.latency.average, 2),
      p50: result.latency.p50,
      p90: result.latency.p90,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    total,
    twoXx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    cpu: {
      serverCores: cpu.serverCores === undefined ? undefined : round(cpu.serverCores, 2),
      loadGeneratorCores: round(cpu.loadGeneratorCores, 2),
      postgresBackendCores: cpu.postgresBackendCores === undefined ? undefined : round(cpu.postgresBackendCores, 2),
      machineBusyPercent: cpu.machineBusyPercent === undefined ? undefined : round(cpu.machineBusyPercent, 0),
    },
  };
}

/** Counts warn/error log lines from a child (pino JSON: level 40/50/60) and keeps the first few. */
function watchWarnings(server: StartedProcess): { count: number; samples: string[] } {
  const seen = { count: 0, samples: [] as string[] };
  let partial = '';
  server.child.stderr?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (/"level":(40|50|60)/.test(line)) {
        seen.count++;
        if (seen.samples.length < 3) seen.samples.push(line.slice(0, 400));
      }
    }
  });
  return seen;
}

interface Verification {
  alertsSent: number;
  alertsAcked: number;
  requestsBuilt: number;
  requests2xx: number;
  duplicateAnswers: number;
  wrongAcceptedAnswers: number;
  repeatShareSent: number;
  fingerprintsSent: number;
  fingerprintsAcked: number;
  databaseRows: number;
  databaseFiringRows: number;
  databaseOccurrences: number;
  /** Acknowledged alert deliveries whose fingerprint has fewer occurrences in the database than were acknowledged. */
  lostAlerts: number;
  /** Occurrences in the database beyond what was ever sent for that fingerprint. */
  doubledAlerts: number;
  /** Fingerprints stored in more than one row (only firing alerts were sent: there must be one row each). */
  fingerprintsWithSeveralRows: number;
  /** Rows whose fingerprint the benchmark never sent. */
  unknownRows: number;
  unattachedAlerts: number;
  incidents: number;
  investigationJobs: number | undefined;
  incidentsWithInvestigation: number | undefined;
  deliveriesStored: number;
  /** Distinct webhook_deliveries.received_at: every delivery of one group-commit transaction shares its timestamp. */
  transactions: number;
  groupKeysSent: number;
}

type Query = <T>(sql: string) => Promise<T[]>;

async function verify(query: Query, ledger: DeliveryLedger, groupKeysSent: number): Promise<Verification> {
  const rows = await query<{ fingerprint: string; status: string; occurrences: number }>(
    'select fingerprint, status, occurrences from alerts',
  );
  const stored = new Map<string, { rows: number; occurrences: number }>();
  let firing = 0;
  let occurrences = 0;
  let unknownRows = 0;
  for (const row of rows) {
    const fingerprint = row.fingerprint.replace(/^alertmanager:/, '');
    if (!ledger.sent.has(fingerprint)) unknownRows++;
    if (row.status === 'firing') firing++;
    occurrences += Number(row.occurrences);
    const entry = stored.get(fingerprint) ?? { rows: 0, occurrences: 0 };
    entry.rows++;
    entry.occurrences += Number(row.occurrences);
    stored.set(fingerprint, entry);
  }
  let lost = 0;
  let doubled = 0;
  let severalRows = 0;
  for (const [fingerprint, sent] of ledger.sent) {
    const entry = stored.get(fingerprint) ?? { rows: 0, occurrences: 0 };
    const acked = ledger.acked.get(fingerprint) ?? 0;
    if (entry.occurrences < acked) lost += acked - entry.occurrences;
    if (entry.occurrences > sent) doubled += entry.occurrences - sent;
    if (entry.rows > 1) severalRows++;
  }
  const [counts] = await query<{ incidents: number; unattached: number; deliveries: number; transactions: number }>(
    `select (select count(*)::int from incidents) as incidents,
       (select count(*)::int from alerts where incident_id is null) as unattached,
       (select count(*)::int from webhook_deliveries) as deliveries,
       (select count(distinct received_at)::int from webhook_deliveries) as transactions`,
  );
  let jobs: { jobs: number; incidents: number } | undefined;
  try {
    [jobs] = await query<{ jobs: number; incidents: number }>(
      `select count(*)::int as jobs, count(distinct data->>'incidentId')::int as incidents
       from pgboss.job where name = 'investigation.run'`,
    );
  } catch {
    jobs = undefined;
  }
  return {
    alertsSent: ledger.alertsBuilt,
    alertsAcked: ledger.acceptedAlerts,
    requestsBuilt: ledger.requestsBuilt,
    requests2xx: ledger.responses2xx,
    duplicateAnswers: ledger.duplicates,
    wrongAcceptedAnswers: ledger.wrongAccepted,
    repeatShareSent: round(ledger.alertsBuilt > 0 ? ledger.repeatsBuilt / ledger.alertsBuilt : 0, 3),
    fingerprintsSent: ledger.sent.size,
    fingerprintsAcked: ledger.acked.size,
    databaseRows: rows.length,
    databaseFiringRows: firing,
    databaseOccurrences: occurrences,
    lostAlerts: lost,
    doubledAlerts: doubled,
    fingerprintsWithSeveralRows: severalRows,
    unknownRows,
    unattachedAlerts: counts?.unattached ?? Number.NaN,
    incidents: counts?.incidents ?? Number.NaN,
    investigationJobs: jobs?.jobs,
    incidentsWithInvestigation: jobs?.incidents,
    deliveriesStored: counts?.deliveries ?? Number.NaN,
    transactions: counts?.transactions ?? Number.NaN,
    groupKeysSent,
  };
}

async function postgresServerVersion(baseUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    const result = await client.query<{ server_version: string }>('show server_version');
    return `PostgreSQL ${result.rows[0]?.server_version ?? 'unknown'}`;
  } finally {
    await client.end();
  }
}

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run(process.execPath, [auroraBin, ...args], {
    cwd: repositoryRoot,
    env,
    timeout: 180_000,
    maxBuffer: 1024 * 1024,
  });
  return stdout;
}

interface RunFigures extends LoadFigures {
  target: Target;
  /** Open-loop runs: the alerts per second offered; closed-loop runs have none. */
  offeredAlertsPerSecond?: number;
  warmup: { durationS: number; twoXx: number; non2xx: number; errors: number };
  verification?: Verification;
  batches?: { transactions: number; alerts: number; meanAlertsPerTransaction: number };
  serverWarnings?: { count: number; samples: string[] };
  setupMs?: number;
}

async function runFastify(connections: number, context: SuiteContext, offered?: number): Promise<RunFigures> {
  context.progress(
    `bare Fastify baseline, ${connections} connections${offered ? ` at ${offered} alerts/s` : ''}: warm-up ${warmupSeconds} s, measure ${measureSeconds} s`,
  );
  const overallRate = offered ? offered / alertsPerRequest : undefined;
  const server = await startAndProbe({
    command: process.execPath,
    args: ['--input-type=module', '-e', fastifyScript],
    env: minimalEnvironment(),
    probePath: '/',
    listeningPattern: bareListeningPattern,
  });
  try {
    const storm = new AlertStorm({ seed, alertsPerRequest, repeatShare });
    const ledger = new DeliveryLedger();
    const request = loadRequest(
      '/hooks/alertmanager/00000000-0000-4000-8000-000000000000',
      'baseline-secret',
      storm,
      ledger,
    );
    const { result: warm } = await load(server.port, request, connections, warmupSeconds, overallRate);
    const window = startCpuWindow(server.pid, []);
    const {
      result: measured,
      timeline,
      settled,
    } = await load(server.port, request, connections, measureSeconds, overallRate);
    const figures = { ...describeLoad(measured, connections, window()), timeline, settledLatencyMs: settled };
    return {
      target: 'fastify',
      offeredAlertsPerSecond: offered,
      ...figures,
      warmup: { durationS: round(warm.duration, 2), twoXx: warm['2xx'], non2xx: warm.non2xx, errors: warm.errors },
    };
  } finally {
    await stopProcess(server.child);
  }
}

async function runAurora(
  backend: 'pglite' | 'postgres',
  connections: number,
  context: SuiteContext,
  offered?: number,
): Promise<RunFigures> {
  const label = `${targetLabel[backend]}, ${connections} connections${offered ? ` at ${offered} alerts/s` : ''}`;
  const overallRate = offered ? offered / alertsPerRequest : undefined;
  const root = mkdtempSync(join(tmpdir(), 'aurora-bench-intake-'));
  const dataDir = join(root, 'data');
  let database: Awaited<ReturnType<typeof createThrowawayDatabase>> | undefined;
  let server: StartedProcess | undefined;
  try {
    const setupStarted = performance.now();
    const env = embeddedEnvironment(dataDir);
    if (backend === 'postgres') {
      if (!context.databaseUrl) throw new Error('PostgreSQL needs DATABASE_URL');
      database = await createThrowawayDatabase(context.databaseUrl);
      env.DATABASE_URL = database.url;
      env.AURORA_MIGRATE_ON_START = 'true';
      env.AURORA_MASTER_KEY = randomBytes(32).toString('base64');
    }
    const email = 'intake-bench@example.com';
    context.progress(`${label}: admin create, token create, start`);
    await cli(
      [
        'admin',
        'create',
        '--email',
        email,
        '--org',
        'Intake bench',
        '--password',
        randomBytes(18).toString('base64url'),
      ],
      env,
    );
    const token = (await cli(['token', 'create', '--email', email, '--name', 'intake-bench', '--role', 'admin'], env))
      .trim()
      .split('\n')
      .at(-1);
    if (!token) throw new Error('aurora token create printed no token');
    server = await startAndProbe({
      command: process.execPath,
      // BENCH_INTAKE_NODE_ARGS adds Node options to the Aurora server only, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
      // BENCH_INTAKE_ROLES (e.g. "api,scheduler") leaves out the worker, whose investigations compete for the CPU.
      args: [
        ...(process.env.BENCH_INTAKE_NODE_ARGS ?? '').split(' ').filter(Boolean),
        auroraBin,
        'start',
        ...(process.env.BENCH_INTAKE_ROLES ? ['--role', process.env.BENCH_INTAKE_ROLES] : []),
      ],
      env,
      probePath: '/readyz',
      listeningPattern: auroraListeningPattern,
      timeoutMs: 120_000,
    });
    const warnings = watchWarnings(server);
    const created = await fetch(`http://127.0.0.1:${server.port}/api/v1/integrations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'alertmanager', name: 'intake benchmark' }),
    });
    if (created.status !== 201)
      throw new Error(`POST /api/v1/integrations answered ${created.status}: ${await created.text()}`);
    const integration = (await created.json()) as { url: string; secret: string };
    const setupMs = performance.now() - setupStarted;

    const storm = new AlertStorm({ seed, alertsPerRequest, repeatShare });
    const ledger = new DeliveryLedger();
    const request = loadRequest(integration.url, integration.secret, storm, ledger);
    context.progress(`${label}: warm-up ${warmupSeconds} s, measure ${measureSeconds} s`);
    const { result: warm } = await load(server.port, request, connections, warmupSeconds, overallRate);
    // The pool's connections are open after the warm-up; their CPU is the database's share.
    const backendPids = database ? await postgresBackends(context.databaseUrl!, database.name) : [];
    const window = startCpuWindow(server.pid, backendPids);
    const {
      result: measured,
      timeline,
      settled,
    } = await load(server.port, request, connections, measureSeconds, overallRate);
    const figures = { ...describeLoad(measured, connections, window()), timeline, settledLatencyMs: settled };

    const batches = await scrapeBatchHistogram(server.port);
    // SIGTERM lets requests still in flight at the end of the run finish; then the database is read directly.
    await stopProcess(server.child);
    context.progress(`${label}: verifying the database`);
    let verification: Verification;
    if (database) {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        verification = await verify(
          async <T>(sql: string) => (await client.query(sql)).rows as T[],
          ledger,
          storm.groupKeys,
        );
      } finally {
        await client.end();
      }
    } else {
      const pglite = await openPglite(join(dataDir, 'pglite'));
      try {
        verification = await verify(<T>(sql: string) => pglite.query<T>(sql), ledger, storm.groupKeys);
      } finally {
        await pglite.close();
      }
    }
    return {
      target: backend,
      offeredAlertsPerSecond: offered,
      ...figures,
      warmup: { durationS: round(warm.duration, 2), twoXx: warm['2xx'], non2xx: warm.non2xx, errors: warm.errors },
      verification,
      batches,
      serverWarnings: warnings,
      setupMs: round(setupMs, 0),
    } satisfies RunFigures;
  } finally {
    if (server && server.child.exitCode === null && server.child.signalCode === null) await stopProcess(server.child);
    // BENCH_INTAKE_KEEP_DATABASE=1 keeps the PostgreSQL database for inspection (drop it by hand afterwards).
    if (database && process.env.BENCH_INTAKE_KEEP_DATABASE) context.progress(`kept database ${database.name}`);
    else
      await database?.drop().catch((error: unknown) => context.progress(`could not drop ${database?.name}: ${error}`));
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Aurora's own `aurora_intake_batch_alerts` histogram (alerts per group-commit transaction), read from /metrics after
 * the measured run: it covers the warm-up and the measured run. Undefined when the metric is not exposed.
 */
async function scrapeBatchHistogram(
  port: number,
): Promise<{ transactions: number; alerts: number; meanAlertsPerTransaction: number } | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    const text = await response.text();
    const value = (name: string) => {
      const match = text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm'));
      return match?.[1] === undefined ? undefined : Number(match[1]);
    };
    const count = value('aurora_intake_batch_alerts_count');
    const sum = value('aurora_intake_batch_alerts_sum');
    if (count === undefined || sum === undefined) return undefined;
    return { transactions: count, alerts: sum, meanAlertsPerTransaction: round(count > 0 ? sum / count : 0, 1) };
  } catch {
    return undefined;
  }
}

async function postgresBackends(baseUrl: string, name: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    const result = await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [name]);
    return result.rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

function codeUnderTest(): { commit: string; uncommittedSrcFiles: string[] } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: repositoryRoot,
      encoding: 'utf8',
    }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', 'src'], {
      cwd: repositoryRoot,
      encoding: 'utf8',
    });
    return {
      commit,
      uncommittedSrcFiles: status
        .split('\n')
        .map((line) => line.slice(3).trim())
        .filter(Boolean),
    };
  } catch {
    return { commit: 'unknown', uncommittedSrcFiles: [] };
  }
}

/** e.g. "Aurora, PostgreSQL, 100 connections at 5,000 alerts/s". */
function runLabel(entry: RunFigures): string {
  const offered = entry.offeredAlertsPerSecond;
  return `${targetLabel[entry.target]}, ${entry.connections} connections${offered ? ` at ${fixed(offered)} alerts/s offered` : ''}`;
}

/** The connections column of the CPU and verification tables: open-loop runs add their offered rate. */
const connectionsLabel = (entry: RunFigures) =>
  entry.offeredAlertsPerSecond
    ? `${entry.connections} at ${fixed(entry.offeredAlertsPerSecond)} alerts/s`
    : String(entry.connections);

const fixed = (value: number | undefined, digits = 0) =>
  value === undefined || !Number.isFinite(value)
    ? '–'
    : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export const intakeSuite: Suite = {
  name: 'intake',
  title: 'Alert intake throughput (Alertmanager webhooks)',
  async run(context): Promise<SuiteResult> {
    // BENCH_INTAKE_BACKENDS (e.g. "postgres") measures fewer backends in a trial run.
    const backends = (['pglite', 'postgres'] as const).filter(
      (backend) =>
        (backend === 'pglite' || context.databaseUrl) &&
        (process.env.BENCH_INTAKE_BACKENDS ?? 'pglite,postgres').split(',').includes(backend),
    );
    const postgresVersion = context.databaseUrl ? await postgresServerVersion(context.databaseUrl) : undefined;
    const code = codeUnderTest();
    const runs: RunFigures[] = [];
    for (const connections of connectionCounts) {
      runs.push(await runFastify(connections, context));
      for (const backend of backends) runs.push(await runAurora(backend, connections, context));
    }
    const rates = fixedRates.filter((entry) => backends.includes(entry.backend));
    for (const rate of [...new Set(rates.map((entry) => entry.alertsPerSecond))]) {
      runs.push(await runFastify(fixedRateConnections, context, rate));
    }
    for (const entry of rates) {
      runs.push(await runAurora(entry.backend, fixedRateConnections, context, entry.alertsPerSecond));
    }
    const baselineFor = (run: RunFigures) =>
      runs.find(
        (entry) =>
          entry.target === 'fastify' &&
          entry.connections === run.connections &&
          entry.offeredAlertsPerSecond === run.offeredAlertsPerSecond,
      );
    const offeredLabel = (entry: RunFigures) =>
      entry.offeredAlertsPerSecond ? fixed(entry.offeredAlertsPerSecond) : 'as fast as answered';

    const throughput: Table = {
      title: `Sustained throughput and latency (${measureSeconds} s measured after ${warmupSeconds} s warm-up; ${alertsPerRequest} alerts per request)`,
      headers: [
        'server',
        'connections',
        'offered alerts/s',
        '2xx req/s',
        'alerts/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        `p99 ms after ${settleSeconds} s`,
        'non-2xx',
        'errors',
        'req/s vs Fastify',
        'p50 vs Fastify',
      ],
      rows: runs.map((entry) => {
        const baseline = baselineFor(entry);
        return [
          targetLabel[entry.target],
          String(entry.connections),
          offeredLabel(entry),
          fixed(entry.twoXxPerSecond),
          entry.target === 'fastify' ? `(${fixed(entry.alertsPerSecond)})` : fixed(entry.alertsPerSecond),
          ms(entry.latencyMs.p50),
          ms(entry.latencyMs.p99),
          ms(entry.latencyMs.max),
          ms(entry.settledLatencyMs?.p99 ?? Number.NaN),
          String(entry.non2xx),
          String(entry.errors),
          times(ratio(entry.twoXxPerSecond, baseline?.twoXxPerSecond ?? Number.NaN)),
          times(ratio(entry.latencyMs.p50, baseline?.latencyMs.p50 ?? Number.NaN)),
        ];
      }),
    };
    const cpu: Table = {
      title: 'CPU during the measured window (cores busy: CPU seconds per second; the machine has 2)',
      headers: [
        'server',
        'connections',
        'server process',
        'load generator',
        'PostgreSQL backends',
        'machine busy %',
        'server CPU ms per request',
      ],
      rows: runs.map((entry) => [
        targetLabel[entry.target],
        connectionsLabel(entry),
        fixed(entry.cpu.serverCores, 2),
        fixed(entry.cpu.loadGeneratorCores, 2),
        entry.target === 'postgres' ? fixed(entry.cpu.postgresBackendCores, 2) : '–',
        fixed(entry.cpu.machineBusyPercent),
        entry.cpu.serverCores !== undefined && entry.twoXxPerSecond > 0
          ? fixed((entry.cpu.serverCores * 1000) / entry.requestsPerSecond, 2)
          : '–',
      ]),
    };
    const verified = runs.filter((entry) => entry.verification);
    const verification: Table = {
      title: 'Verification: what was sent and acknowledged (warm-up + measured) against the database afterwards',
      headers: [
        'server',
        'connections',
        'alerts sent',
        'repeats %',
        'alerts in 2xx',
        'DB occurrences',
        'DB rows',
        'lost',
        'doubled',
        'duplicate answers',
        'incidents',
        'investigation jobs',
        'transactions',
        'deliveries per transaction',
        'alerts per transaction (metric)',
      ],
      rows: verified.map((entry) => {
        const check = entry.verification!;
        return [
          targetLabel[entry.target],
          connectionsLabel(entry),
          fixed(check.alertsSent),
          fixed(check.repeatShareSent * 100, 1),
          fixed(check.alertsAcked),
          fixed(check.databaseOccurrences),
          fixed(check.databaseRows),
          String(check.lostAlerts),
          String(check.doubledAlerts),
          String(check.duplicateAnswers),
          fixed(check.incidents),
          fixed(check.investigationJobs),
          fixed(check.transactions),
          fixed(check.deliveriesStored / check.transactions, 1),
          fixed(entry.batches?.meanAlertsPerTransaction, 1),
        ];
      }),
    };

    const targetChecks: TargetCheck[] = [];
    for (const entry of runs) {
      if (entry.target === 'fastify') continue;
      const goal = entry.target === 'postgres' ? targets.postgresAlertsPerSecond : targets.pgliteAlertsPerSecond;
      const offered = entry.offeredAlertsPerSecond;
      targetChecks.push({
        name: `${runLabel(entry)}: sustained alerts/s`,
        // An open-loop run sustains its rate when 98% of it is answered with 2xx (autocannon's pacing is not exact).
        target: offered ? `the offered ${fixed(offered)} alerts/s, ≥ ${fixed(goal)}` : `≥ ${fixed(goal)} alerts/s`,
        measured: `${fixed(entry.alertsPerSecond)} alerts/s`,
        met: offered ? offered >= goal && entry.alertsPerSecond >= 0.98 * offered : entry.alertsPerSecond >= goal,
      });
      targetChecks.push({
        name: `${runLabel(entry)}: p99 latency${offered ? '' : ' (closed loop, at saturation)'}`,
        target: `< ${targets.p99Ms} ms`,
        measured: `${ms(entry.latencyMs.p99)} ms`,
        met: entry.latencyMs.p99 < targets.p99Ms,
      });
    }

    const notes: string[] = [];
    for (const entry of verified) {
      const check = entry.verification!;
      const where = runLabel(entry);
      if (
        check.lostAlerts > 0 ||
        check.doubledAlerts > 0 ||
        check.fingerprintsWithSeveralRows > 0 ||
        check.unknownRows > 0
      ) {
        notes.push(
          `${where}: VERIFICATION FAILED: ${check.lostAlerts} acknowledged alert deliveries missing, ${check.doubledAlerts} extra occurrences, ${check.fingerprintsWithSeveralRows} fingerprints in several rows, ${check.unknownRows} unknown rows.`,
        );
      }
      if (check.duplicateAnswers > 0 || check.wrongAcceptedAnswers > 0) {
        notes.push(
          `${where}: ${check.duplicateAnswers} answers said duplicate and ${check.wrongAcceptedAnswers} had a wrong "accepted" count (every body was unique).`,
        );
      }
      if (check.investigationJobs !== undefined && check.investigationJobs !== check.incidents) {
        notes.push(`${where}: ${check.incidents} incidents but ${check.investigationJobs} investigation.run jobs.`);
      }
      if ((entry.serverWarnings?.count ?? 0) > 0) {
        notes.push(
          `${where}: the server logged ${entry.serverWarnings!.count} warning/error line(s), e.g. ${entry.serverWarnings!.samples[0]}`,
        );
      }
    }
    for (const entry of runs) {
      const timeline = entry.timeline ?? [];
      const worst = timeline.reduce<SecondOfLoad | undefined>(
        (slowest, second) => (!slowest || second.maxMs > slowest.maxMs ? second : slowest),
        undefined,
      );
      if (entry.target !== 'fastify' && worst) {
        notes.push(
          `${runLabel(entry)}, latency over time: ${timeline.filter((second) => second.over100Ms > 0).length} of ${timeline.length} seconds had answers ≥ 100 ms (${timeline.reduce((sum, second) => sum + second.over100Ms, 0)} in all); per-second p99 ranged ${ms(Math.min(...timeline.map((second) => second.p99Ms)))}–${ms(Math.max(...timeline.map((second) => second.p99Ms)))} ms; slowest answer ${ms(worst.maxMs)} ms in second ${worst.second}.`,
        );
      }
      if (entry.non2xx > 0 || entry.errors > 0) {
        notes.push(
          `${runLabel(entry)}: status codes ${JSON.stringify(entry.statusCodes)}, ${entry.errors} connection errors (${entry.timeouts} timeouts).`,
        );
      }
    }
    if (code.uncommittedSrcFiles.length > 0) {
      notes.push(
        `Code under test: commit ${code.commit} plus uncommitted changes in ${code.uncommittedSrcFiles.join(', ')} (dist/ as last built).`,
      );
    }

    return {
      method: [
        `Aurora: the built CLI, \`node bin/aurora.js start\` (all roles), as a child process with only PATH, HOME, AURORA_DATA_DIR=<fresh tmp>, AURORA_HOST=127.0.0.1, AURORA_PORT=0 and LOG_LEVEL=warn; for PostgreSQL also DATABASE_URL=<throwaway aurora_bench_<random> database>, AURORA_MIGRATE_ON_START=true and a random 32-byte AURORA_MASTER_KEY. No REDIS_URL: cache, rate limits and events are in memory. A fresh server and database for every configuration.`,
        'Set-up per configuration: `aurora admin create` and `aurora token create --role admin` (same environment) before the start, then `POST /api/v1/integrations {source: "alertmanager"}` with the token gives the hook URL and its secret.',
        `Load: autocannon 9 (programmatic, in the benchmark process, pipelining 1, ${timeoutSeconds} s timeout) sends \`POST /hooks/alertmanager/<id>\` with \`Authorization: Bearer <secret>\`; ${warmupSeconds} s warm-up, then ${measureSeconds} s measured, at ${connectionCounts.join(' and ')} connections, each sending its next request as soon as its answer arrives (closed loop: the server's pace sets the rate, so at saturation mean latency is connections ÷ throughput).`,
        `Open loop: ${fixedRates.length > 0 ? fixedRates.map((entry) => `${entry.backend} at ${fixed(entry.alertsPerSecond)} alerts/s`).join(', ') : 'none'} (BENCH_INTAKE_FIXED_RATES), with the same warm-up and duration: requests leave evenly spaced at that rate whatever the server's pace (bench/support/open-loop.ts, an undici Pool of up to ${fixedRateConnections} keep-alive connections), and each latency counts from when its request was due, so a stall cannot hide its queue. The bare Fastify baseline runs at the same rates. The p99 target is checked here, at the rate the throughput target names; autocannon's own rate limit was not used because it sends each second's quota in a burst.`,
        `Bodies: Alertmanager webhook v4, one notification group per request, ${alertsPerRequest} alerts of 12 labels (alertname, severity, service, job, instance, namespace, pod, container, team, env, cluster, prometheus) and summary/description/runbook_url (+ dashboard_url) annotations, about 8.9 KB; a new body per request (setupRequest), so none is a replay.`,
        `Storm: 50 services with Zipf-weighted frequency × 12 alert names = up to 600 groupKeys (one incident per service is expected, since alerts of one service correlate); ${Math.round(repeatShare * 100)}% of all alerts sent repeat a recent fingerprint of their group (dedup path: 3 of 10 per request once a group has history, up to 6 while catching up) and the rest are new pods (new fingerprints); the share actually sent is in the verification table.`,
        `Figures: 2xx req/s = autocannon 2xx count ÷ measured duration; alerts/s = 2xx req/s × ${alertsPerRequest} (in parentheses for the baseline, which stores nothing); latency p50/p99/max are autocannon's (ms, all responses of the measured run, which opens its connections afresh).`,
        `"p99 after ${settleSeconds} s" is the p99 of the answers received from second ${settleSeconds} of the measured run on (from autocannon's per-response times): a server that blocks its event loop admits a burst of new connections slowly, and this figure leaves that start-up effect out. Per-second p99/max are in the JSON (timeline).`,
        'Baseline, same run and same load settings: a bare Fastify 5 child process with one POST route on the same path, Fastify\'s default JSON parser (1 MB body limit), answering {"accepted": n, "duplicate": false} without other work.',
        'Verification: after SIGTERM (requests in flight finish), the database is read directly. Per fingerprint, stored occurrences must be at least the number acknowledged with 2xx (else "lost") and at most the number sent (else "doubled"), in one row. "transactions" counts distinct webhook_deliveries.received_at (a group-commit transaction stamps all its deliveries alike).',
        "CPU: user+system time from /proc/<pid>/stat of the server process and of the database's PostgreSQL backends, process.cpuUsage() of the benchmark process (the load generator), and /proc/stat for the whole machine, over the measured window.",
        'The load generator, the server and (for PostgreSQL) the database all share the same 2 cores, so these are lower bounds of what the server does on a machine of its own.',
      ],
      tables: [throughput, cpu, verification],
      figures: {
        settings: {
          warmupSeconds,
          measureSeconds,
          connectionCounts,
          alertsPerRequest,
          repeatShare,
          timeoutSeconds,
          seed,
          bodyLimitBytes,
        },
        postgresVersion,
        codeUnderTest: code,
        targets,
        runs,
      },
      targets: targetChecks,
      notes,
    };
  },
};
