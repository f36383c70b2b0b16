import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable, freePort } from './prometheus-stack.js';
import { systemPackageAvailable } from './system-packages.js';

/**
 * One real Prometheus (Debian's) serving data backfilled with `promtool tsdb create-blocks-from openmetrics`: a
 * known history, no scraping and no remote write, so range queries answer deterministic series.
 */

export const promtoolBinary = findExecutable('promtool');
export const prometheusBackfillAvailable = systemPackageAvailable(
  findExecutable('prometheus') !== null && promtoolBinary !== null,
  'Prometheus and promtool (apt-get install prometheus)',
);

export interface BackfilledPrometheus {
  url: string;
  stop(): Promise<void>;
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

/** `openMetrics` is an OpenMetrics text exposition with timestamps (seconds), ending in `# EOF`. */
export async function startBackfilledPrometheus(openMetrics: string): Promise<BackfilledPrometheus> {
  const prometheus = findExecutable('prometheus');
  if (!prometheus || !promtoolBinary) throw new Error('prometheus / promtool are not installed');
  const directory = mkdtempSync(join(tmpdir(), 'aurora-prometheus-backfill-'));
  const data = join(directory, 'data');
  mkdirSync(data);
  const input = join(directory, 'input.om');
  writeFileSync(input, openMetrics);
  await run(promtoolBinary, ['tsdb', 'create-blocks-from', 'openmetrics', input, data]);
  const config = join(directory, 'prometheus.yml');
  writeFileSync(config, JSON.stringify({ global: { scrape_interval: '1m' }, scrape_configs: [] }));
  let child: ChildProcess | undefined;
  let port = 0;
  const logs: string[] = [];
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    port = await freePort();
    const candidate = spawn(
      prometheus,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${data}`,
        `--web.listen-address=127.0.0.1:${port}`,
        // Backfilled blocks are in the past; keep them.
        '--storage.tsdb.retention.time=10y',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    candidate.stdout?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    candidate.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    const ready = await waitReady(port, candidate);
    if (ready) child = candidate;
    else candidate.kill('SIGKILL');
  }
  if (!child) {
    rmSync(directory, { recursive: true, force: true });
    throw new Error(`prometheus never became ready:\n${logs.join('').slice(-4000)}`);
  }
  const started = child;
  const killOnExit = () => started.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (started.exitCode === null && started.signalCode === null) {
        const exited = new Promise((resolve) => started.once('exit', resolve));
        started.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        started.kill('SIGKILL');
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function waitReady(port: number, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    const response = await fetch(`http://127.0.0.1:${port}/-/ready`).catch(() => null);
    if (response?.status === 200) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}
