import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import type { InvestigationView } from '../../src/features/investigations/index.js';
import { type RunningApplication, startApplication } from '../../src/server/application.js';
import { api, createTestOrganization } from '../support/application.js';
import { copyPgliteTemplate, createPostgresDatabase, dropPostgresDatabase } from '../support/database.js';
import {
  deliverScenarioAlert,
  expectCitationsResolve,
  waitForInvestigation,
  waitUntil,
} from '../support/investigations.js';
import { silentLogger } from '../support/logger.js';

/**
 * A worker killed mid-investigation (SIGKILL while an evidence call hangs) leaves a `running` row with part of its
 * evidence and thoughts stored. A new process takes over: the row's heartbeat goes stale, the sweep re-queues it,
 * and the retried run completes with every evidence id once (the first attempt's items kept as stored) and no
 * thought twice. Runs on PGlite (the data dir handed from process to process) and on PostgreSQL+Redis.
 */

const here = dirname(fileURLToPath(import.meta.url));
const baseUrl = process.env.DATABASE_URL;
const scenarioName = 'deploy-checkout-bad-release';

describe('an investigation whose worker is killed mid-run', () => {
  const directory = mkdtempSync(join(tmpdir(), 'aurora-investigation-crash-'));
  let databaseUrl: string | undefined;
  let application: RunningApplication | undefined;
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await application?.stop();
    if (baseUrl && databaseUrl) await dropPostgresDatabase(baseUrl, databaseUrl);
    rmSync(directory, { recursive: true, force: true });
  });

  it('is retried by another process without duplicated evidence or thoughts', async () => {
    if (baseUrl) databaseUrl = await createPostgresDatabase(baseUrl);
    else copyPgliteTemplate(directory);
    const environment: Record<string, string> = {
      AURORA_HOST: '127.0.0.1',
      AURORA_PORT: '0',
      AURORA_DATA_DIR: directory,
      AURORA_SHUTDOWN_TIMEOUT_MS: '2000',
      LOG_LEVEL: 'silent',
      AURORA_INVESTIGATION_STALE_SECONDS: '2',
      AURORA_INVESTIGATION_SOURCE_BUDGET_MS: '60000',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl, AURORA_MIGRATE_ON_START: 'true' } : {}),
      ...(process.env.REDIS_URL
        ? { REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: `aurora-test-${randomUUID()}:` }
        : {}),
    };
    const config = loadConfig(environment);

    // 1. An API-only process: the org, its scenario, and the incident (its investigation job waits: no worker).
    const setup = await startApplication(config, { roles: ['api'], logger: silentLogger() });
    const org = await createTestOrganization(setup, 'crash');
    await setup.services.investigations.bindScenario(org.orgId, scenarioName);
    const incidentId = await deliverScenarioAlert({ url: setup.url! }, org, scenarioName);
    await setup.stop();

    // 2. A worker process takes the job and hangs on the checkout logs; kill it there.
    child = spawn(process.execPath, ['--import', 'tsx', join(here, '../support/investigation-crash-child.ts')], {
      env: { ...process.env, ...environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += String(chunk);
    });
    child.stderr?.on('data', (chunk) => {
      output += String(chunk);
    });
    await waitUntil(
      async () => (output.includes('hanging') ? true : undefined),
      60_000,
      `the worker to hang (${output})`,
    );
    // The other evidence calls answer at once; give them a moment to be stored.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    // 3. A new process on the same data.
    application = await startApplication(config, { roles: ['api', 'worker', 'scheduler'], logger: silentLogger() });
    const app = { url: application.url! };
    const database = application.platform.database;
    const [before] = await database.query<{ id: string; status: string; attempt: number }>(
      'select id, status, attempt from investigations where org_id = $1 and incident_id = $2',
      [org.orgId, incidentId],
    );
    expect(before).toMatchObject({ status: 'running', attempt: 1 });
    const storedBefore = await database.query<{ evidence_id: string; hash: string }>(
      'select evidence_id, hash from investigation_evidence where investigation_id = $1 order by ordinal',
      [before!.id],
    );
    const thoughtsBefore = await database.query<{ text: string }>(
      'select text from investigation_thoughts where investigation_id = $1 order by sequence',
      [before!.id],
    );
    expect(storedBefore.length).toBeGreaterThan(5);
    expect(storedBefore.map((row) => row.evidence_id)).not.toContain('E5'); // checkout's logs: the hung call
    expect(thoughtsBefore.length).toBeGreaterThan(2);

    // Its heartbeat stops; the sweep (every minute in production) re-queues it.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const swept = await application.services.investigations.sweep();
    expect(swept.requeued).toBe(1);
    const view: InvestigationView = await waitForInvestigation(app, org.tokens.viewer, incidentId);

    expect(view.status).toBe('completed');
    expect(view.investigationId).toBe(before!.id);
    expect(view.attempt).toBe(2);
    const ids = view.evidence.map((item) => item.id);
    expect(ids).toEqual(ids.map((_, index) => `E${index + 1}`));
    expect(ids).toContain('E5');
    for (const row of storedBefore) {
      expect(view.evidence.find((item) => item.id === row.evidence_id)?.hash).toBe(row.hash);
    }
    const texts = view.thoughts.map((thought) => `${thought.kind}:${thought.text}`);
    expect(new Set(texts).size).toBe(texts.length);
    expect(view.thoughts.slice(0, thoughtsBefore.length).map((thought) => thought.text)).toEqual(
      thoughtsBefore.map((row) => row.text),
    );
    expect(view.thoughts.some((thought) => thought.text.startsWith('Resuming:'))).toBe(true);
    expectCitationsResolve(view);

    const incident = await api(app, 'GET', `/api/v1/incidents/${incidentId}`, { token: org.tokens.viewer });
    const thoughtEvents = (incident.body.timeline as Array<{ type: string }>).filter(
      (entry) => entry.type === 'investigation.thought',
    );
    expect(thoughtEvents).toHaveLength(view.thoughts.length);
    const count = await database.query<{ count: number }>(
      'select count(*)::int as count from investigations where incident_id = $1',
      [incidentId],
    );
    expect(count[0]?.count).toBe(1);
  });
});
