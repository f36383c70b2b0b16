import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const auroraBin = join(repositoryRoot, 'bin', 'aurora.js');

/**
 * The environment Aurora is started with: nothing inherited but PATH and HOME, so DATABASE_URL, REDIS_URL
 * and friends from the caller's shell cannot turn the embedded benchmark into a scaled one.
 */
export function embeddedEnvironment(dataDir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AURORA_DATA_DIR: dataDir,
    AURORA_HOST: '127.0.0.1',
    AURORA_PORT: '0',
    LOG_LEVEL: 'warn',
  };
}

export function minimalEnvironment(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME };
}

/** A bare Node HTTP server on an ephemeral port: the floor any Node service starts from. */
export const bareServerScript =
  "const http=require('node:http');" +
  "const server=http.createServer((request,response)=>response.end('ok'));" +
  "server.listen(0,'127.0.0.1',()=>process.stderr.write('listening on http://127.0.0.1:'+server.address().port+'\\n'));";

/** Opens a PGlite directory the way Aurora does (with pgvector), runs `select 1`, says "ready", then idles. */
const pgliteOnlyScript = `
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
const db = await PGlite.create({ dataDir: process.env.BENCH_PGLITE_DIR, extensions: { vector } });
await db.query('select 1');
process.stderr.write('ready\\n');
setInterval(() => {}, 60_000);
`;

/** A Node process holding nothing but PGlite on `pgliteDir`: spawn → open + `select 1` answered. */
export async function startPgliteOnly(
  pgliteDir: string,
): Promise<{ child: ChildProcess; pid: number; spawnedAt: number; readyMs: number; cpuMs: number | undefined }> {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', pgliteOnlyScript], {
    cwd: repositoryRoot,
    env: { ...minimalEnvironment(), BENCH_PGLITE_DIR: pgliteDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  const readyAt = await new Promise<number>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`PGlite-only process exited (${code}): ${errors}`));
    child.stderr?.on('data', (chunk: Buffer) => {
      errors = (errors + chunk.toString('utf8')).slice(-8_000);
      if (errors.includes('ready\n')) {
        child.off('exit', onExit);
        resolve(performance.now());
      }
    });
    child.once('exit', onExit);
  });
  if (child.pid === undefined) throw new Error('child has no pid');
  return { child, pid: child.pid, spawnedAt, readyMs: readyAt - spawnedAt, cpuMs: readCpuMs(child.pid) };
}

export interface StartedProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  /** performance.now() just before spawn. */
  spawnedAt: number;
  /** Milliseconds from spawn until the process printed its listening line. */
  listeningMs: number;
  /** Milliseconds from spawn until the first HTTP 200 from the probe path. */
  firstOkMs: number;
  /** CPU time (user + system, all threads) the process had used when the first 200 arrived; undefined off Linux. */
  cpuMsAtFirstOk: number | undefined;
  /** Non-200 answers (e.g. 503 from /readyz) and refused connections seen before the first 200. */
  notReadyAnswers: number;
  output: () => string;
}

export interface StartOptions {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Path polled on 127.0.0.1:<port> until it answers 200. */
  probePath: string;
  /** The stderr line that carries the port, e.g. /listening on http:\/\/[^:]+:(\d+)/. */
  listeningPattern: RegExp;
  pollIntervalMs?: number;
  timeoutMs?: number;
}

/** Spawns a server and measures spawn → listening line → first HTTP 200 (polled every `pollIntervalMs`). */
export async function startAndProbe(options: StartOptions): Promise<StartedProcess> {
  const pollIntervalMs = options.pollIntervalMs ?? 10;
  const timeoutMs = options.timeoutMs ?? 60_000;
  let output = '';
  const spawnedAt = performance.now();
  const child = spawn(options.command, options.args, {
    cwd: repositoryRoot,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout?.on('data', keep);

  const listening = await new Promise<{ port: number; at: number }>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => fail(new Error(`no listening line within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      keep(chunk);
      buffered += chunk.toString('utf8');
      const match = buffered.match(options.listeningPattern);
      if (match?.[1]) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ port: Number(match[1]), at: performance.now() });
      }
    };
    const onExit = (code: number | null, signal: string | null) =>
      fail(new Error(`exited (code ${code}, signal ${signal}) before listening`));
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}; output:\n${output}`));
    };
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
  // Keep collecting stderr after the listening line, for diagnostics.
  child.stderr?.removeAllListeners('data');
  child.stderr?.on('data', keep);

  let notReadyAnswers = 0;
  const deadline = spawnedAt + timeoutMs;
  for (;;) {
    const status = await probe(listening.port, options.probePath).catch(() => 0);
    if (status === 200) break;
    notReadyAnswers++;
    if (performance.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`${options.probePath} never answered 200 (last status ${status}); output:\n${output}`);
    }
    await sleep(pollIntervalMs);
  }
  const firstOkAt = performance.now();
  if (child.pid === undefined) throw new Error('child has no pid');
  const cpuMsAtFirstOk = readCpuMs(child.pid);
  return {
    child,
    pid: child.pid,
    port: listening.port,
    spawnedAt,
    listeningMs: listening.at - spawnedAt,
    firstOkMs: firstOkAt - spawnedAt,
    cpuMsAtFirstOk,
    notReadyAnswers,
    output: () => output,
  };
}

/** One GET with a fresh connection (no keep-alive, so the probe never holds the server open). */
export function probe(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port, path, method: 'GET', agent: false, headers: { connection: 'close' } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    outgoing.setTimeout(5_000, () => outgoing.destroy(new Error('probe timed out')));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** SIGTERM, then waits for the exit; SIGKILL after `timeoutMs`. Returns how long the exit took and how it ended. */
export async function stopProcess(
  child: ChildProcess,
  timeoutMs = 20_000,
): Promise<{ ms: number; code: number | null; signal: string | null; killed: boolean }> {
  const started = performance.now();
  if (child.exitCode !== null || child.signalCode !== null) {
    return { ms: 0, code: child.exitCode, signal: child.signalCode, killed: false };
  }
  let killed = false;
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  child.kill('SIGTERM');
  const result = await exited;
  clearTimeout(timer);
  return { ms: performance.now() - started, ...result, killed };
}

export interface ProcessMemory {
  /** Resident set size now, in KiB (VmRSS). */
  rssKiB: number;
  /** Peak resident set size so far, in KiB (VmHWM). */
  peakKiB: number;
}

export function readProcessMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => {
    const match = status.match(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm'));
    if (!match?.[1]) throw new Error(`/proc/${pid}/status has no ${name}`);
    return Number(match[1]);
  };
  return { rssKiB: field('VmRSS'), peakKiB: field('VmHWM') };
}

export const sleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

let clockTicks: number | undefined;

/**
 * utime + stime of a process from /proc/<pid>/stat, in milliseconds. Unlike wall time it barely moves when
 * other work competes for the CPU, so it tells a slow machine apart from a slow start.
 */
export function readCpuMs(pid: number): number | undefined {
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const userTicks = Number(fields[11]);
    const systemTicks = Number(fields[12]);
    return ((userTicks + systemTicks) * 1000) / clockTicks;
  } catch {
    return undefined;
  }
}
