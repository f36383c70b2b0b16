import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyPgliteTemplate, createPostgresDatabase, dropPostgresDatabase } from '../support/database.js';
import { type AuroraServerProcess, runAuroraCli, startAuroraServer } from '../support/intake-aurora-process.js';

/**
 * `aurora demo` through the built CLI (dist/, so the scenarios resolve from the compiled code's location): a full
 * incident and report with no connectors and no model; the demo user's password is printed once; `--org` loads
 * into an existing org; `aurora investigate --incident` re-investigates the stored incident; in embedded mode a
 * running server holds the data dir and the CLI says so. Requires `npm run build`.
 */

const baseUrl = process.env.DATABASE_URL;

describe('aurora demo (built CLI)', () => {
  let directory: string;
  let databaseUrl: string | undefined;
  let environment: Record<string, string>;
  let server: AuroraServerProcess | undefined;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'aurora-demo-'));
    environment = { AURORA_DATA_DIR: directory, AURORA_HOST: '127.0.0.1', AURORA_PORT: '0', LOG_LEVEL: 'warn' };
    if (baseUrl) {
      databaseUrl = await createPostgresDatabase(baseUrl);
      environment.DATABASE_URL = databaseUrl;
      environment.AURORA_MIGRATE_ON_START = 'true';
      environment.AURORA_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');
    } else {
      copyPgliteTemplate(directory);
    }
  });

  afterAll(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    if (baseUrl && databaseUrl) await dropPostgresDatabase(baseUrl, databaseUrl);
    rmSync(directory, { recursive: true, force: true });
  });

  it('creates the demo org and user, loads a scenario, investigates it and prints the report', async () => {
    const demo = await runAuroraCli(['demo'], environment);
    expect(demo.code, demo.stderr).toBe(0);
    const password = /Sign in as demo@example\.com with the password (\S+) \(shown once\)/.exec(demo.stdout)?.[1];
    expect(password).toBeDefined();
    expect(demo.stdout).toContain('Scenario "deploy-checkout-bad-release"');
    expect(demo.stdout).toMatch(/Investigation [0-9a-f-]{36}: completed, LIKELY/);
    expect(demo.stdout).toContain('# Root-cause analysis');
    expect(demo.stdout).toContain('**checkout** (deploy)');
    expect(demo.stdout).toContain('Deterministic analysis only (no model configured)');

    // The printed password works against a server on the same data, which shows the incident and its report.
    server = await startAuroraServer(environment);
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'demo@example.com', password }),
    });
    expect(login.status, await login.clone().text()).toBe(200);
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    const incidents = (await (await fetch(`${server.url}/api/v1/incidents`, { headers: { cookie } })).json()) as {
      items: Array<{ id: string; status: string }>;
    };
    expect(incidents.items).toHaveLength(1);
    expect(incidents.items[0]?.status).toBe('analyzed');
    const report = await fetch(`${server.url}/api/v1/incidents/${incidents.items[0]?.id}/report.md`, {
      headers: { cookie },
    });
    expect(report.status).toBe(200);
    expect(await report.text()).toContain('**checkout** (deploy)');

    if (!baseUrl) {
      // Embedded: the server holds the data dir, and the CLI says so instead of corrupting it.
      const refused = await runAuroraCli(['demo'], environment);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/aurora start|in use|locked|running/i);
    }
    server.child.kill('SIGTERM');
    await server.exited;
    server = undefined;

    // Again into an existing org, with another scenario; then re-investigate the stored incident by id.
    const orgName = `ops-${randomUUID().slice(0, 6)}`;
    const admin = await runAuroraCli(
      [
        'admin',
        'create',
        '--email',
        `${orgName}@example.com`,
        '--org',
        orgName,
        '--password',
        `password-${randomUUID()}`,
      ],
      environment,
    );
    expect(admin.code, admin.stderr).toBe(0);
    const into = await runAuroraCli(
      ['demo', '--org', orgName, '--scenario', 'config-payments-client-timeout', '--json'],
      environment,
    );
    expect(into.code, into.stderr).toBe(0);
    const result = JSON.parse(into.stdout) as {
      user: unknown;
      incident: { id: string };
      investigation: { status: string; report: { rootCause: { service: string; category: string } } };
    };
    expect(result.user).toBeNull();
    expect(result.investigation.status).toBe('completed');
    expect(result.investigation.report.rootCause).toMatchObject({ service: 'checkout', category: 'config' });

    const again = await runAuroraCli(['investigate', '--incident', result.incident.id, '--org', orgName], environment);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('# Root-cause analysis');
    const wrongOrg = await runAuroraCli(
      ['investigate', '--incident', result.incident.id, '--org', 'demo'],
      environment,
    );
    expect(wrongOrg.code).toBe(1);
    expect(wrongOrg.stderr).toContain('Incident not found');
  }, 240_000);
});
