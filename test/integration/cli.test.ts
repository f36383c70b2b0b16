import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyPgliteTemplate, dropPostgresDatabase } from '../support/database.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(root, 'bin/aurora.js');
const run = promisify(execFile);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (bin/aurora.js → dist/) with only the environment given, like a user's shell would. */
async function aurora(args: string[], environment: Record<string, string>): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...environment },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

/** Starts `aurora start` and resolves once it prints where it listens. */
async function startServer(
  environment: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [bin, 'start'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    child.stderr?.on('data', (chunk) => {
      output += String(chunk);
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return { child, url, output: () => output };
}

describe('aurora CLI (embedded)', () => {
  let directory: string;
  let environment: Record<string, string>;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'aurora-cli-'));
    copyPgliteTemplate(directory);
    environment = {
      AURORA_DATA_DIR: directory,
      AURORA_HOST: '127.0.0.1',
      AURORA_PORT: '0',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    };
  });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('runs through npx from the checkout', async () => {
    const { stdout } = await run('npx', ['--no-install', 'aurora', '--help'], { cwd: root, timeout: 60_000 });
    expect(stdout).toContain('admin');
    expect(stdout).toContain('doctor');
  });

  it('fails fast on bad configuration, naming the variable', async () => {
    const result = await aurora(['doctor'], { ...environment, AURORA_PORT: 'eighty' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/AURORA_PORT/);
    const vault = await aurora(['doctor'], { ...environment, SECRETS_BACKEND: 'vault' });
    expect(vault.code).toBe(1);
    expect(vault.stderr).toMatch(/VAULT_ADDR: required when SECRETS_BACKEND=vault/);
  });

  it('creates an admin, prints only the token, serves it, refuses to share the data dir, and stops on SIGTERM', async () => {
    const created = await aurora(
      ['admin', 'create', '--email', 'ops@example.com', '--password', 'correct-horse-battery', '--org', 'ops'],
      environment,
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Created organization "ops"/);
    const again = await aurora(['admin', 'create', '--email', 'ops@example.com', '--org', 'ops'], environment);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);

    const token = await aurora(
      ['token', 'create', '--email', 'ops@example.com', '--name', 'ci', '--role', 'viewer'],
      environment,
    );
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^aur_[A-Za-z0-9_-]{43}\n$/);

    const doctor = await aurora(['doctor'], environment);
    expect(doctor.code).toBe(0);
    expect(doctor.stdout).toMatch(/database\s+ok\s+pglite/);
    expect(doctor.stdout).toMatch(/secrets\s+ok\s+local/);
    expect(doctor.stdout).toMatch(/events\s+ok\s+memory/);

    const server = await startServer(environment);
    try {
      const session = await fetch(`${server.url}/api/v1/auth/session`, {
        headers: { authorization: `Bearer ${token.stdout.trim()}` },
      });
      expect(session.status).toBe(200);
      expect(((await session.json()) as { role: string }).role).toBe('viewer');

      const blocked = await aurora(
        ['admin', 'create', '--email', 'second@example.com', '--org', 'second'],
        environment,
      );
      expect(blocked.code).toBe(1);
      expect(blocked.stderr).toMatch(/in use by another Aurora process \(pid \d+/);

      const port = new URL(server.url).port;
      const doctorWhileRunning = await aurora(['doctor'], { ...environment, AURORA_PORT: port });
      expect(doctorWhileRunning.stdout).toMatch(/server\s+ok.*ready: database ok/);
    } finally {
      server.child.kill('SIGTERM');
    }
    const exitCode = await new Promise<number | null>((resolve) => server.child.once('exit', resolve));
    expect(exitCode).toBe(0);
    expect(server.output()).toContain('Aurora stopped');
    // The lock is released on a clean exit, so the CLI works again.
    const afterStop = await aurora(['token', 'create', '--email', 'ops@example.com', '--name', 'after'], environment);
    expect(afterStop.code).toBe(0);
  }, 180_000);
});

const baseUrl = process.env.DATABASE_URL;
describe.skipIf(!baseUrl)(`aurora CLI (PostgreSQL)${baseUrl ? '' : ' (skipped: DATABASE_URL not set)'}`, () => {
  it('refuses to start on an unmigrated database, then migrates it', async () => {
    // A brand-new, empty database (not cloned from the migrated template).
    const emptyUrl = new URL(baseUrl!);
    emptyUrl.pathname = `/aurora_cli_${Date.now()}`;
    const pg = await import('pg');
    const admin = new pg.default.Client({ connectionString: baseUrl });
    await admin.connect();
    await admin.query(`create database ${emptyUrl.pathname.slice(1)}`);
    await admin.end();
    const directory = mkdtempSync(join(tmpdir(), 'aurora-cli-pg-'));
    const environment = {
      DATABASE_URL: emptyUrl.toString(),
      AURORA_DATA_DIR: directory,
      AURORA_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    };
    try {
      const refused = await aurora(['admin', 'create', '--email', 'a@example.com', '--org', 'x'], environment);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/pending migration\(s\)\. Run `aurora migrate`/);
      const migrated = await aurora(['migrate'], environment);
      expect(migrated.code).toBe(0);
      expect(migrated.stdout).toMatch(/Applied \d+ migration/);
      const again = await aurora(['migrate'], environment);
      expect(again.stdout).toMatch(/up to date/);
      const created = await aurora(['admin', 'create', '--email', 'a@example.com', '--org', 'x'], environment);
      expect(created.code).toBe(0);
      expect(created.stdout).toMatch(/Generated password \(shown once\): \S{24}/);
    } finally {
      await dropPostgresDatabase(baseUrl!, emptyUrl.toString());
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
