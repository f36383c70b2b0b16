import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/platform/database/database.js';
import { openPglite } from '../../src/platform/database/pglite.adapter.js';
import { openPostgres } from '../../src/platform/database/postgres.adapter.js';
import { copyPgliteTemplate, createPostgresDatabase, dropPostgresDatabase } from '../support/database.js';
import { type AuroraServerProcess, runAuroraCli, startAuroraServer } from '../support/intake-aurora-process.js';
import { forEachConcurrently } from '../support/intake-concurrency.js';
import { silentLogger } from '../support/logger.js';

/**
 * "Nothing is lost, and nothing is doubled" across a hard crash: a real `aurora start` process (the built CLI) takes
 * a burst of generic webhook deliveries, 20 in flight, and is SIGKILLed partway through. It restarts on the same
 * data (the embedded PGlite directory, or its own PostgreSQL database when the run has DATABASE_URL). Then:
 * - every alert of every delivery answered 2xx before the kill is stored exactly once, with one occurrence;
 * - every delivery is stored whole or not at all, and a client retrying the deliveries that got no answer (as
 *   Alertmanager does) neither loses nor doubles anything: those that had committed are recognised as replays;
 * - every incident has exactly one `investigation.run` job;
 * - the restarted server is ready and accepts new deliveries.
 * Requires `npm run build` (npm test runs it first).
 */

const baseUrl = process.env.DATABASE_URL;
const totalRequests = 400;
const inFlight = 20;
const killAfterResponses = 100;

interface Delivery {
  index: number;
  body: string;
  fingerprints: string[];
}

type Answer =
  | { kind: 'response'; status: number; body: string }
  | { kind: 'error'; error: string }
  | { kind: 'unsent' };

function deliveryFor(runId: string, index: number): Delivery {
  const alertCount = 3 + (index % 3);
  const service = `crash-${runId}-svc-${index}`;
  const fingerprints: string[] = [];
  const alerts = Array.from({ length: alertCount }, (_, position) => {
    const fingerprint = `crash-${runId}-r${index}-a${position}`;
    // The stored fingerprint is `generic:{fingerprint}`.
    fingerprints.push(`generic:${fingerprint}`);
    return {
      // One random word per request keeps titles of different requests dissimilar, so each request (its own
      // service) makes its own incident, and its other alerts join it by service.
      title: `${randomUUID().slice(0, 8)}x failing ${position}`,
      service,
      severity: position === 0 ? 'critical' : 'warning',
      status: 'firing',
      fingerprint,
      labels: { request: String(index), position: String(position) },
    };
  });
  return { index, body: JSON.stringify({ deliveryId: `crash-${runId}-${index}`, alerts }), fingerprints };
}

async function post(
  server: { url: string },
  path: string,
  body: string,
  secret: string,
): Promise<{ status: number; body: string }> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, body: await response.text() };
}

describe('webhook intake across a hard crash (SIGKILL) of aurora start', () => {
  let directory: string;
  let databaseUrl: string | undefined;
  let environment: Record<string, string>;
  let server: AuroraServerProcess | undefined;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'aurora-intake-crash-'));
    environment = {
      AURORA_DATA_DIR: directory,
      AURORA_HOST: '127.0.0.1',
      AURORA_PORT: '0',
      LOG_LEVEL: 'warn',
    };
    if (baseUrl) {
      databaseUrl = await createPostgresDatabase(baseUrl);
      environment.DATABASE_URL = databaseUrl;
      environment.AURORA_MIGRATE_ON_START = 'true';
      environment.AURORA_MASTER_KEY = Buffer.alloc(32, 11).toString('base64');
    } else {
      // A copy of the migrated template, in AURORA_DATA_DIR/pglite where `aurora start` looks for it.
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

  async function openDatabase(): Promise<Database> {
    if (databaseUrl)
      return openPostgres({ url: databaseUrl, poolMax: 2, statementTimeoutMs: 0, logger: silentLogger() });
    return openPglite(join(directory, 'pglite'));
  }

  it('stores every 2xx delivery exactly once, with one investigation per incident, and serves after restart', async () => {
    const runId = randomUUID().slice(0, 8);
    const email = `crash-${runId}@example.com`;
    const admin = await runAuroraCli(
      ['admin', 'create', '--email', email, '--password', `password-${randomUUID()}`, '--org', `crash-${runId}`],
      environment,
    );
    expect(admin.code, admin.stderr).toBe(0);
    const token = await runAuroraCli(['token', 'create', '--email', email, '--name', 'crash test'], environment);
    expect(token.code, token.stderr).toBe(0);
    const apiToken = token.stdout.trim();

    server = await startAuroraServer(environment);
    const created = await fetch(`${server.url}/api/v1/integrations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'generic', name: 'crash burst' }),
    });
    expect(created.status).toBe(201);
    const hook = (await created.json()) as { id: string; url: string; secret: string };

    // The burst: 400 deliveries of 3–5 alerts, 20 in flight; SIGKILL when the 100th answer arrives.
    const deliveries = Array.from({ length: totalRequests }, (_, index) => deliveryFor(runId, index));
    const answers = new Map<number, Answer>();
    let responses = 0;
    let killed = false;
    let killDelayMs = 0;
    const crashing = server;
    const burstStarted = Date.now();
    await forEachConcurrently(deliveries, inFlight, async (delivery) => {
      if (killed) {
        answers.set(delivery.index, { kind: 'unsent' });
        return;
      }
      try {
        const response = await post(crashing, hook.url, delivery.body, hook.secret);
        answers.set(delivery.index, { kind: 'response', ...response });
        responses += 1;
        if (responses >= killAfterResponses && !killed) {
          killed = true;
          // A little jitter, so that over many runs the kill lands in different phases of a group commit.
          killDelayMs = Math.floor(Math.random() * 25);
          setTimeout(() => crashing.child.kill('SIGKILL'), killDelayMs);
        }
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        answers.set(delivery.index, { kind: 'error', error: cause?.code ?? cause?.message ?? String(error) });
      }
    });
    expect(await crashing.exited).toBe('SIGKILL');
    const burstMs = Date.now() - burstStarted;

    const answered = deliveries.filter((delivery) => {
      const answer = answers.get(delivery.index);
      return answer?.kind === 'response' && answer.status >= 200 && answer.status < 300;
    });
    const otherStatuses = deliveries.flatMap((delivery) => {
      const answer = answers.get(delivery.index);
      return answer?.kind === 'response' && (answer.status < 200 || answer.status >= 300)
        ? [`#${delivery.index}: ${answer.status} ${answer.body.slice(0, 200)}`]
        : [];
    });
    // Before the kill, nothing but 200s: the server was healthy.
    expect(otherStatuses).toEqual([]);
    for (const delivery of answered) {
      const answer = answers.get(delivery.index) as { body: string };
      expect(JSON.parse(answer.body)).toEqual({ accepted: delivery.fingerprints.length, duplicate: false });
    }
    const failed = deliveries.filter((delivery) => answers.get(delivery.index)?.kind === 'error');
    const unsent = deliveries.filter((delivery) => answers.get(delivery.index)?.kind === 'unsent');
    expect(answered.length).toBeGreaterThanOrEqual(killAfterResponses);
    expect(answered.length + failed.length + unsent.length).toBe(totalRequests);

    // Restart on the same data: ready, replays of answered deliveries are recognised, new deliveries are accepted.
    server = await startAuroraServer(environment);
    const restarted = server;
    const ready = await fetch(`${restarted.url}/readyz`);
    expect(ready.status, await ready.text()).toBe(200);
    for (const delivery of answered.slice(0, 5)) {
      const again = await post(restarted, hook.url, delivery.body, hook.secret);
      expect({ index: delivery.index, status: again.status, body: JSON.parse(again.body) }).toEqual({
        index: delivery.index,
        status: 200,
        body: { accepted: 0, duplicate: true },
      });
    }
    const fresh = deliveryFor(runId, totalRequests);
    const accepted = await post(restarted, hook.url, fresh.body, hook.secret);
    expect({ status: accepted.status, body: JSON.parse(accepted.body) }).toEqual({
      status: 200,
      body: { accepted: fresh.fingerprints.length, duplicate: false },
    });

    // A client retries what got no answer. Those that committed before the kill are replays; the rest are stored now.
    const replayed = new Set<number>();
    await forEachConcurrently([...failed, ...unsent], inFlight, async (delivery) => {
      const retry = await post(restarted, hook.url, delivery.body, hook.secret);
      expect({ index: delivery.index, status: retry.status }).toEqual({ index: delivery.index, status: 200 });
      const body = JSON.parse(retry.body) as { accepted: number; duplicate: boolean };
      if (body.duplicate) replayed.add(delivery.index);
      expect(body.accepted).toBe(body.duplicate ? 0 : delivery.fingerprints.length);
    });
    // A delivery never sent cannot have been stored.
    expect(unsent.filter((delivery) => replayed.has(delivery.index))).toEqual([]);
    const retriedReplays = replayed.size;

    // Stop it gracefully while its workers are busy with the burst's investigation jobs: it must exit 0 (it once
    // exited 1 on PostgreSQL when pg-boss completed a job after the pool closed), then read the database directly
    // (PGlite allows one process at a time).
    restarted.child.kill('SIGTERM');
    expect({ exit: await restarted.exited, output: restarted.output().slice(-2_000) }).toMatchObject({ exit: 0 });
    server = undefined;

    const database = await openDatabase();
    try {
      const rows = await database.query<{ fingerprint: string; rows: number; occurrences: number; unattached: number }>(
        `select fingerprint, count(*)::int as rows, sum(occurrences)::int as occurrences,
           count(*) filter (where incident_id is null)::int as unattached
         from alerts where integration_id = $1 group by fingerprint`,
        [hook.id],
      );
      const stored = new Map(rows.map((row) => [row.fingerprint, row]));
      const expected = [...deliveries, fresh].flatMap((delivery) => delivery.fingerprints);

      // Everything answered 2xx before the kill is there, each alert exactly once.
      const answeredProblems = answered.flatMap((delivery) =>
        delivery.fingerprints
          .filter((fingerprint) => stored.get(fingerprint)?.rows !== 1 || stored.get(fingerprint)?.occurrences !== 1)
          .map(
            (fingerprint) => `#${delivery.index} ${fingerprint}: ${JSON.stringify(stored.get(fingerprint) ?? null)}`,
          ),
      );
      expect(answeredProblems).toEqual([]);
      // After the retries every alert ever sent is there exactly once, attached to an incident; nothing else is.
      expect(rows.filter((row) => row.rows !== 1 || row.occurrences !== 1 || row.unattached !== 0)).toEqual([]);
      expect([...stored.keys()].sort()).toEqual([...expected].sort());

      // One investigation job per incident, committed with it (whether still queued or already archived).
      const incidents = await database.query<{ id: string; jobs: number; alerts: number }>(
        `select i.id,
           ((select count(*) from pgboss.job j where j.name = 'investigation.run' and j.data->>'incidentId' = i.id::text
             and j.data->>'investigationId' is null)
          + (select count(*) from pgboss.archive a where a.name = 'investigation.run' and a.data->>'incidentId' = i.id::text
             and a.data->>'investigationId' is null)
           )::int as jobs,
           (select count(*) from alerts a where a.incident_id = i.id)::int as alerts
         from incidents i where i.org_id = (select org_id from integrations where id = $1)`,
        [hook.id],
      );
      expect(incidents.filter((incident) => incident.jobs !== 1)).toEqual([]);
      expect(incidents.every((incident) => incident.alerts > 0)).toBe(true);
      // One service per request: about one incident per delivery (title similarity could only merge, never split).
      expect(incidents.length).toBeLessThanOrEqual(totalRequests + 1);
      expect(incidents.length).toBeGreaterThan(totalRequests / 2);

      console.info(
        `[intake-crash] ${baseUrl ? 'postgres' : 'pglite'}: killed ${killDelayMs} ms after answer ${killAfterResponses}, ` +
          `${burstMs} ms into the burst; of ${answered.length + failed.length} sent, ` +
          `${answered.length} answered 200, ${failed.length} failed (${[
            ...new Set(failed.map((delivery) => (answers.get(delivery.index) as { error: string }).error)),
          ].join(', ')}), ${unsent.length} not sent; on retry ${retriedReplays} of the failed were replays ` +
          `(committed before the kill); ${rows.length} alerts, ${incidents.length} incidents`,
      );
    } finally {
      await database.close();
    }
  }, 180_000);
});
