import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auroraAlertSignals } from '../../src/features/telemetry/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** Aurora's own stored alerts read back as investigation signals, per org and window (PGlite, or PostgreSQL with DATABASE_URL). */
describe('Aurora alerts as signals', () => {
  let test: TestDatabase;
  const orgId = randomUUID();
  const otherOrgId = randomUUID();

  async function insertAlert(org: string, service: string, title: string, startsAt: string) {
    await test.database.query(
      `insert into alerts (id, org_id, source, fingerprint, status, title, severity, service, starts_at, first_seen_at, last_seen_at)
       values ($1, $2, 'alertmanager', $3, 'firing', $4, 'critical', $5, $6, $6, $6)`,
      [randomUUID(), org, randomUUID(), title, service, startsAt],
    );
  }

  beforeAll(async () => {
    test = await createTestDatabase();
    for (const id of [orgId, otherOrgId]) {
      await test.database.query('insert into organizations (id, name) values ($1, $2)', [id, `org-${id.slice(0, 8)}`]);
    }
    await insertAlert(orgId, 'checkout', 'Checkout 5xx', '2026-03-02T10:00:00Z');
    await insertAlert(orgId, 'payments', 'Payments latency', '2026-03-02T09:58:00Z');
    await insertAlert(orgId, 'catalog', 'Catalog restarts (yesterday)', '2026-03-01T10:00:00Z');
    await insertAlert(otherOrgId, 'checkout', 'Another org', '2026-03-02T10:00:00Z');
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('lists only this org’s alerts inside the window, newest first, optionally for some services', async () => {
    const port = auroraAlertSignals({ database: test.database, orgId });
    const window = { from: new Date('2026-03-02T08:00:00Z'), to: new Date('2026-03-02T10:15:00Z') };
    const signals = await port.list({ window });
    expect(signals.map((signal) => `${signal.service}: ${signal.title}`)).toEqual([
      'checkout: Checkout 5xx',
      'payments: Payments latency',
    ]);
    expect(signals[0]).toMatchObject({
      severity: 'critical',
      status: 'firing',
      source: 'alertmanager',
      time: new Date('2026-03-02T10:00:00Z'),
    });
    expect((await port.list({ window, services: ['payments'] })).map((signal) => signal.title)).toEqual([
      'Payments latency',
    ]);
  });
});
