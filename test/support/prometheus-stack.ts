import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { systemPackageAvailable } from './system-packages.js';

/**
 * Real Prometheus and Alertmanager (Debian's `prometheus` and `prometheus-alertmanager`) on loopback ports, with
 * configs in a temporary directory, for tests that prove Aurora accepts what the real clients send.
 *
 * Configs are written as JSON, which is valid YAML, so no quoting rules can bite.
 */

/** An executable on PATH (or at an absolute path), or null. */
export function findExecutable(...names: string[]): string | null {
  const directories = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const name of names) {
    const candidates = name.includes('/') ? [name] : directories.map((directory) => join(directory, name));
    for (const candidate of candidates) {
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return null;
}

export const prometheusBinary = findExecutable('prometheus');
/** Debian names the binary `prometheus-alertmanager`; upstream tarballs call it `alertmanager`. */
export const alertmanagerBinary = findExecutable('prometheus-alertmanager', 'alertmanager');
export const prometheusStackAvailable = systemPackageAvailable(
  prometheusBinary !== null && alertmanagerBinary !== null,
  'Prometheus and Alertmanager (apt-get install prometheus prometheus-alertmanager)',
);

export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface PrometheusStackOptions {
  /** The absolute URL Alertmanager's webhook receiver posts to. */
  webhookUrl: string;
  /** Sent as `Authorization: Bearer …` through `http_config.authorization`. */
  bearerToken: string;
  rules: AlertingRule[];
}

export interface PrometheusStack {
  prometheusUrl: string;
  alertmanagerUrl: string;
  directory: string;
  /** Rewrites the rules file, sends SIGHUP to Prometheus, and waits until its rules API shows the new rules. */
  replaceRules(rules: AlertingRule[]): Promise<void>;
  /** Alerts Alertmanager currently holds (API v2). */
  alertmanagerAlerts(): Promise<Array<{ fingerprint: string; labels: Record<string, string>; status: unknown }>>;
  /** The last lines each process wrote, for assertion messages. */
  logs(): string;
  /** SIGTERM, then SIGKILL after a grace period; removes the temporary directory. */
  stop(): Promise<void>;
}

const readyTimeoutMs = 20_000;
const logLineLimit = 60;

/** Starts Alertmanager, then Prometheus pointing at it, and waits until both answer `/-/ready`. */
export async function startPrometheusStack(options: PrometheusStackOptions): Promise<PrometheusStack> {
  if (!prometheusBinary || !alertmanagerBinary)
    throw new Error('prometheus / prometheus-alertmanager are not installed');
  const directory = mkdtempSync(join(tmpdir(), 'aurora-prometheus-'));
  const processes: ManagedProcess[] = [];
  const stack = {
    logs: () => processes.map((managed) => managed.tail()).join('\n'),
    async stop() {
      await Promise.all(processes.map((managed) => managed.stop()));
      rmSync(directory, { recursive: true, force: true });
    },
  };
  try {
    const alertmanagerConfig = join(directory, 'alertmanager.yml');
    writeJson(alertmanagerConfig, {
      route: {
        receiver: 'aurora',
        group_by: ['alertname'],
        group_wait: '1s',
        group_interval: '1s',
        repeat_interval: '1h',
      },
      receivers: [
        {
          name: 'aurora',
          webhook_configs: [
            {
              url: options.webhookUrl,
              send_resolved: true,
              http_config: { authorization: { type: 'Bearer', credentials: options.bearerToken } },
            },
          ],
        },
      ],
    });
    await checkConfig(findExecutable('amtool'), ['check-config', alertmanagerConfig]);

    const alertmanager = await startWithRetry('alertmanager', processes, (port) => ({
      file: alertmanagerBinary,
      args: [
        `--config.file=${alertmanagerConfig}`,
        `--storage.path=${freshDirectory(directory, `alertmanager-data-${port}`)}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.external-url=http://127.0.0.1:${port}/`,
        // Empty disables the gossip cluster (HA mode), which would otherwise bind 0.0.0.0:9094 and wait to settle.
        '--cluster.listen-address=',
        '--log.level=debug',
      ],
    }));

    const rulesFile = join(directory, 'rules.yml');
    writeRules(rulesFile, options.rules);
    const prometheusConfig = join(directory, 'prometheus.yml');
    writeJson(prometheusConfig, {
      global: { evaluation_interval: '1s', scrape_interval: '1m' },
      rule_files: [rulesFile],
      alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${alertmanager.port}`] }] }] },
      scrape_configs: [],
    });
    await checkConfig(findExecutable('promtool'), ['check', 'config', prometheusConfig]);

    const prometheus = await startWithRetry('prometheus', processes, (port) => ({
      file: prometheusBinary,
      args: [
        `--config.file=${prometheusConfig}`,
        `--storage.tsdb.path=${freshDirectory(directory, `prometheus-data-${port}`)}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.external-url=http://127.0.0.1:${port}/`,
        // Resend firing alerts to Alertmanager every second (default 1m), so a resolution is not held back.
        '--rules.alert.resend-delay=1s',
      ],
    }));

    const prometheusUrl = `http://127.0.0.1:${prometheus.port}`;
    const alertmanagerUrl = `http://127.0.0.1:${alertmanager.port}`;
    return {
      ...stack,
      prometheusUrl,
      alertmanagerUrl,
      directory,
      async replaceRules(rules) {
        writeRules(rulesFile, rules);
        if (!prometheus.child.kill('SIGHUP')) throw new Error(`prometheus is not running\n${stack.logs()}`);
        const wanted = rules.map((rule) => rule.expr).sort();
        await waitUntil(readyTimeoutMs, async () => {
          const response = await fetch(`${prometheusUrl}/api/v1/rules?type=alert`).catch(() => null);
          if (!response?.ok) return false;
          const body = (await response.json()) as { data?: { groups?: Array<{ rules?: Array<{ query?: string }> }> } };
          const loaded = (body.data?.groups ?? [])
            .flatMap((group) => group.rules ?? [])
            .map((rule) => rule.query ?? '')
            .sort();
          return JSON.stringify(loaded) === JSON.stringify(wanted);
        }).catch((error: unknown) => {
          throw new Error(`prometheus did not load the new rules ${JSON.stringify(wanted)}: ${error}\n${stack.logs()}`);
        });
      },
      async alertmanagerAlerts() {
        const response = await fetch(`${alertmanagerUrl}/api/v2/alerts`);
        return (await response.json()) as Array<{
          fingerprint: string;
          labels: Record<string, string>;
          status: unknown;
        }>;
      },
    };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

function writeRules(path: string, rules: AlertingRule[]): void {
  writeJson(path, { groups: [{ name: 'aurora-test', rules }] });
}

function freshDirectory(parent: string, name: string): string {
  const path = join(parent, name);
  mkdirSync(path, { recursive: true });
  return path;
}

/** `amtool check-config` / `promtool check config`, when installed: a config mistake then fails with its reason. */
async function checkConfig(tool: string | null, args: string[]): Promise<void> {
  if (!tool) return;
  await new Promise<void>((resolve, reject) => {
    execFile(tool, args, { timeout: 15_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${tool} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

/** A port nothing listens on right now: bound by us, then released (a race another process can win; hence the retry). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface ManagedProcess {
  name: string;
  port: number;
  child: ChildProcess;
  tail(): string;
  stop(): Promise<void>;
}

/** Spawns on a fresh port and waits for `/-/ready`; if the process dies first (say, the port was taken), tries again. */
async function startWithRetry(
  name: string,
  processes: ManagedProcess[],
  command: (port: number) => { file: string; args: string[] },
): Promise<ManagedProcess> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const port = await freePort();
    const { file, args } = command(port);
    const managed = spawnManaged(name, port, file, args);
    processes.push(managed);
    try {
      await waitUntil(readyTimeoutMs, async () => {
        if (managed.child.exitCode !== null || managed.child.signalCode !== null) {
          throw new ExitedEarly(`${name} exited (${managed.child.exitCode ?? managed.child.signalCode})`);
        }
        const response = await fetch(`http://127.0.0.1:${port}/-/ready`).catch(() => null);
        return response?.status === 200;
      });
      return managed;
    } catch (error) {
      await managed.stop();
      processes.splice(processes.indexOf(managed), 1);
      if (!(error instanceof ExitedEarly)) throw new Error(`${name} never became ready: ${error}\n${managed.tail()}`);
      lastError = new Error(`${error.message}\n${managed.tail()}`);
    }
  }
  throw lastError;
}

class ExitedEarly extends Error {}

function spawnManaged(name: string, port: number, file: string, args: string[]): ManagedProcess {
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  const record = (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    if (lines.length > logLineLimit) lines.splice(0, lines.length - logLineLimit);
  };
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);
  child.on('error', (error) => lines.push(`spawn error: ${error.message}`));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If the test runner dies without running afterAll, do not leave the process behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    name,
    port,
    child,
    tail: () => {
      const shown = partial ? [...lines, partial] : lines;
      return `--- ${name} (${file} on 127.0.0.1:${port}, last ${shown.length} lines) ---\n${shown.join('\n')}`;
    },
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      child.kill('SIGTERM');
      const stopped = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5_000).unref()),
      ]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Polls `check` every 200 ms until it returns true; rethrows what it throws. */
async function waitUntil(timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms`);
}
