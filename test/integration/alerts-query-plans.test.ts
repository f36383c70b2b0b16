import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertsRepository } from '../../src/features/alerts/alerts.repository.js';
import type { Executor } from '../../src/platform/database/database.js';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Filter?: string;
  Plans?: PlanNode[];
}

function nodesOn(node: PlanNode, relation: string): PlanNode[] {
  const own = node['Relation Name'] === relation ? [node] : [];
  return own.concat((node.Plans ?? []).flatMap((child) => nodesOn(child, relation)));
}

/** The plan of an `explain (format json)` row, whether the driver returned it parsed or as text. */
function planOf(row: { 'QUERY PLAN': unknown } | undefined): PlanNode {
  const plan = row?.['QUERY PLAN'];
  return ((typeof plan === 'string' ? JSON.parse(plan) : plan) as Array<{ Plan: PlanNode }>)[0]!.Plan;
}

/** Runs a repository method but explains its SQL instead of executing it. */
function explainingExecutor(database: Executor, plans: PlanNode[]): Executor {
  return {
    db: database.db,
    afterCommit: (callback) => database.afterCommit(callback),
    async query<Row>(text: string, params?: readonly unknown[]) {
      const [row] = await database.query<{ 'QUERY PLAN': unknown }>(`explain (format json) ${text}`, params);
      plans.push(planOf(row));
      return [] as Row[];
    },
  };
}

// A storm makes a young org's alert rows outgrow the planner's statistics until autovacuum analyses them. The
// fingerprint lookup of intake must stay an index probe by fingerprint then, not a scan of the org's rows.
describe('alert intake query plans with stale statistics', () => {
  let app: TestApplication;
  let org: TestOrganization;
  let integrationId: string;
  const fingerprints = Array.from({ length: 150 }, (_, index) => `alertmanager:stale-${index * 97}`);

  beforeAll(async () => {
    app = await startTestApplication();
    org = await createTestOrganization(app);
    const created = await api(app, 'POST', '/api/v1/integrations', {
      token: org.tokens.editor,
      body: { source: 'alertmanager', name: 'plans' },
    });
    integrationId = created.body.id;
    const database = app.platform.database;
    // Statistics taken while the org has no alerts, then 20,000 of them arrive before the next analyse.
    await database.query('analyze alerts');
    await database.query(
      `insert into alerts (id, org_id, integration_id, source, fingerprint, status, title, severity, starts_at,
         first_seen_at, last_seen_at)
       select gen_random_uuid(), $1, $2, 'alertmanager', 'alertmanager:stale-' || n, 'firing', 'Pod crash looping',
         'warning', now(), now(), now()
       from generate_series(1, 20000) as n`,
      [org.orgId, integrationId],
    );
  });
  afterAll(async () => {
    await app?.close();
  });

  it('looks up firing alerts by fingerprint through the index, on both condition columns', async () => {
    const plans: PlanNode[] = [];
    await new AlertsRepository().findFiring(explainingExecutor(app.platform.database, plans), org.orgId, fingerprints);
    expect(plans).toHaveLength(1);
    const scans = nodesOn(plans[0]!, 'alerts');
    expect(scans.length).toBeGreaterThan(0);
    for (const scan of scans) {
      expect(scan['Node Type'], JSON.stringify(scan)).toMatch(/Index|Bitmap Heap/);
      if (scan['Node Type'] !== 'Bitmap Heap Scan') {
        expect(scan['Index Cond'], JSON.stringify(scan)).toContain('fingerprint');
        expect(scan.Filter ?? '', JSON.stringify(scan)).not.toContain('fingerprint');
      }
    }
  });

  it('reads an org’s alerts of a time window through the time index', async () => {
    const from = new Date(Date.now() - 60_000);
    const database = app.platform.database;
    const [row] = await database.query<{ 'QUERY PLAN': unknown }>(
      `explain (format json) select id from alerts where org_id = $1 and starts_at >= $2 and starts_at <= $3
       order by starts_at desc limit 200`,
      [org.orgId, from.toISOString(), new Date().toISOString()],
    );
    const scans = nodesOn(planOf(row), 'alerts');
    expect(scans.map((scan) => scan['Index Name'])).toContain('alerts_started_idx');
  });
});
