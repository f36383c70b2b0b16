import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AlertSource,
  alertSources,
  type GenericFieldMapping,
  type ParsedDelivery,
} from '../../src/features/alerts/alert.model.js';
import { parsers } from '../../src/features/alerts/sources/index.js';
import { createRandom, mutatePayload } from '../../src/features/alerts/sources/payload-fuzzer.js';
import { ValidationFailed } from '../../src/platform/errors.js';
import { alertFixtureNames, loadAlertFixture } from '../fixtures/alerts/load-fixture.js';
import {
  type ApiResponse,
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';
import { forEachConcurrently } from '../support/intake-concurrency.js';
import { createSnsTestSigner, type SnsTestSigner } from '../support/intake-sns.js';

/**
 * The whole intake path (HTTP, authentication, parsing, group commit, dedup, correlation) under at least 1,000
 * deterministic mutations of every source's fixtures, sent with valid credentials, 8 at a time. CloudWatch goes
 * through real SNS signature verification: the app trusts a throwaway certificate and each mutated envelope is signed
 * after mutation, the way SNS would sign whatever it delivers.
 *
 * Every response is checked against an oracle computed in the test from the same pure parser the server runs, in
 * the server's order of checks: a body over the limit → 413; a Content-Type that is not JSON → 415; a CloudWatch
 * envelope SNS could not have signed → 401; not JSON, or rejected by the parser → 400; otherwise 200 with `accepted`
 * equal to the parsed alert count (or, for a replay, 0 and `duplicate: true`). Every error is problem+json with a
 * detail. Afterwards every accepted alert is counted in the database, exactly (see `checkStoredAlerts`), and every
 * incident reads back through the API.
 */

const concurrency = 8;
const requestsPerSource = 1_000;
const bodyLimitBytes = 1024 * 1024;
/**
 * Strings of 600,000 characters: 'A' or '<script>' stay under the 1 MB body limit, while 'é' (2 bytes) and '💥' (two
 * UTF-16 units, 4 bytes) go over it, so some deliveries are stored with big values and some are refused with 413.
 */
const mutateOptions = { hugeStringLength: 600_000 };
/** A few deliveries go out with another Content-Type: JSON ones are accepted, the rest get 415. */
const otherContentTypes: Array<[string, boolean]> = [
  ['application/json; charset=utf-8', true],
  ['APPLICATION/JSON', true],
  ['application/vnd.api+json', true],
  ['text/plain', true],
  ['application/x-www-form-urlencoded', false],
  ['multipart/form-data; boundary=x', false],
  ['application/xml', false],
  ['text/html; charset=utf-8', false],
];
const customMapping: GenericFieldMapping = {
  title: '/event/name',
  status: '/event/state',
  fingerprint: '/event/dedup~0key',
};

interface Target {
  name: string;
  source: AlertSource;
  fixtures: string[];
  count: number;
  mapping?: GenericFieldMapping;
}

/** One integration per source; generic's custom-mapping fixture needs a mapped integration, in its own org. */
const targets: Target[] = [
  ...alertSources.map((source) => ({
    name: source,
    source,
    fixtures: alertFixtureNames(source).filter((name) => name !== 'generic-custom-mapping.json'),
    // About 40% of the mutated SNS envelopes can no longer be signed (401): send more, so that at least
    // requestsPerSource signed ones reach the parser.
    count: source === 'cloudwatch' ? Math.round(requestsPerSource * 1.8) : requestsPerSource,
  })),
  {
    name: 'generic-mapped',
    source: 'generic',
    fixtures: ['generic-custom-mapping.json'],
    count: 250,
    mapping: customMapping,
  },
];

interface FuzzRequest {
  index: number;
  fixture: string;
  text: string;
  headers: Record<string, string>;
  /** Whether the Content-Type is one intake takes as JSON. */
  jsonContentType: boolean;
  /** CloudWatch only: whether the envelope carries a valid SNS signature. */
  signed: boolean;
}

type Prediction =
  | { status: 200; parsed: ParsedDelivery; replayKeys: string[] }
  | { status: 400 | 401 | 413 | 415; reason: string }
  | { status: 500; reason: string };

interface Outcome {
  request: Pick<FuzzRequest, 'index' | 'fixture'>;
  predicted: Prediction['status'];
  reason?: string;
  status: number;
  contentType: string;
  body: { accepted?: number; duplicate?: boolean; subscriptionConfirmed?: boolean; detail?: string; title?: string };
  signed: boolean;
  fingerprints: string[];
  replayKeys: string[];
  subscriptionConfirmation: boolean;
}

interface TargetResult {
  outcomes: Outcome[];
  statusCounts: Record<string, number>;
  accepted: number;
  acceptedDeliveries: number;
  duplicates: number;
  /** Exact bodies of a few accepted deliveries, replayed afterwards. */
  replayable: FuzzRequest[];
}

function seedOf(name: string): number {
  return [...name].reduce((hash, character) => (hash * 31 + character.charCodeAt(0)) >>> 0, 20_240_514);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Vendors put a delivery id in the body (Datadog `id`, PagerDuty `event.id`, SNS `MessageId`, Opsgenie's `updatedAt`,
 * Sentry's `event_id`, generic `deliveryId`); a second delivery with the same id is a replay and stores nothing. The
 * fixtures each carry one id, so without this almost every mutation of them would be a replay. Each request gets
 * its own id before it is mutated (so a mutation may still delete or mangle it).
 */
function giveOwnDeliveryId(source: AlertSource, body: unknown, index: number): void {
  if (!isRecord(body)) return;
  const suffix = `-fuzz-${index}`;
  const extend = (record: unknown, key: string) => {
    if (isRecord(record) && typeof record[key] === 'string') record[key] = `${record[key]}${suffix}`;
  };
  switch (source) {
    case 'datadog':
      extend(body, 'id');
      return;
    case 'pagerduty':
      extend(body.event, 'id');
      return;
    case 'cloudwatch':
      extend(body, 'MessageId');
      return;
    case 'generic':
      extend(body, 'deliveryId');
      return;
    case 'sentry':
      extend(isRecord(body.data) ? body.data.event : undefined, 'event_id');
      return;
    case 'opsgenie':
      if (isRecord(body.alert) && typeof body.alert.updatedAt === 'number') {
        // Epoch nanoseconds: 1 ms steps stay distinct at this magnitude (doubles are exact to 256 ns here).
        body.alert.updatedAt += (index + 1) * 1_000_000;
      }
      return;
    case 'alertmanager':
    case 'grafana':
      return;
  }
}

function sentryHookResource(fixture: string): string | undefined {
  if (fixture.startsWith('sentry-event-alert')) return 'event_alert';
  if (fixture.startsWith('sentry-issue-')) return 'issue';
  if (fixture.startsWith('sentry-metric-alert-')) return 'metric_alert';
  return undefined;
}

function* fuzzRequests(target: Target, secret: string, signer: SnsTestSigner): Generator<FuzzRequest> {
  const random = createRandom(seedOf(target.name));
  const bases = new Map(target.fixtures.map((fixture) => [fixture, loadAlertFixture(fixture)]));
  for (let index = 0; index < target.count; index += 1) {
    const fixture = target.fixtures[index % target.fixtures.length]!;
    const base = structuredClone(bases.get(fixture));
    giveOwnDeliveryId(target.source, base, index);
    const headers: Record<string, string> = {
      authorization: `Bearer ${secret}`,
      // SNS posts its JSON as text/plain.
      'content-type': target.source === 'cloudwatch' ? 'text/plain; charset=UTF-8' : 'application/json',
    };
    let jsonContentType = true;
    if (random() < 0.04) {
      const [contentType, isJson] = otherContentTypes[Math.floor(random() * otherContentTypes.length)]!;
      headers['content-type'] = contentType;
      jsonContentType = isJson;
    }
    const hookResource = sentryHookResource(fixture);
    if (hookResource) headers['sentry-hook-resource'] = hookResource;

    if (target.source !== 'cloudwatch') {
      const text = JSON.stringify(mutatePayload(base, random, mutateOptions)) ?? '';
      yield { index, fixture, text, headers, jsonContentType, signed: false };
      continue;
    }
    // SNS carries the alarm as a JSON string in Message: mostly mutate the alarm, sometimes the envelope (or both).
    let envelope: unknown = base;
    const record = base as Record<string, unknown>;
    const innerJson = record.Type === 'Notification' && typeof record.Message === 'string';
    const mutateInner = innerJson && random() < 0.8;
    if (mutateInner) {
      const alarm: unknown = JSON.parse(record.Message as string);
      record.Message = JSON.stringify(mutatePayload(alarm, random, mutateOptions)) ?? 'null';
    }
    if (!mutateInner || random() < 0.2) envelope = mutatePayload(envelope, random, mutateOptions);
    const text = JSON.stringify(envelope);
    if (text === undefined) {
      yield { index, fixture, text: '', headers, jsonContentType, signed: false };
      continue;
    }
    // Sign what the server will parse, so the string to sign is built from exactly the values it sees.
    const sent: unknown = JSON.parse(text);
    const signed = signer.sign(sent);
    yield { index, fixture, text: JSON.stringify(sent), headers, jsonContentType, signed };
  }
}

function predict(target: Target, request: FuzzRequest): Prediction {
  const bytes = Buffer.byteLength(request.text, 'utf8');
  if (bytes > bodyLimitBytes) return { status: 413, reason: `${bytes} bytes` };
  if (!request.jsonContentType) return { status: 415, reason: request.headers['content-type']! };
  // The SNS signature (and, with it, the body being a JSON object) is checked before anything is parsed.
  if (target.source === 'cloudwatch' && !request.signed) return { status: 401, reason: 'unsigned SNS envelope' };
  let body: unknown;
  try {
    body = JSON.parse(request.text);
  } catch {
    return { status: 400, reason: 'not JSON' };
  }
  try {
    const parsed = parsers[target.source](body, {
      receivedAt: new Date(),
      mapping: target.mapping,
      hookResource: request.headers['sentry-hook-resource'],
    });
    // The replay keys IntakeService derives: the body hash, and the vendor's delivery id when there is one.
    const replayKeys = [`body:${createHash('sha256').update(request.text).digest('hex')}`];
    if (parsed.deliveryId) replayKeys.push(`id:${parsed.deliveryId.slice(0, 200)}`);
    return { status: 200, parsed, replayKeys };
  } catch (error) {
    if (error instanceof ValidationFailed) return { status: 400, reason: error.message.slice(0, 200) };
    return { status: 500, reason: `the parser threw ${String(error)}` };
  }
}

function countBy<Item>(items: Item[], key: (item: Item) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

describe('webhook intake under fuzzing', () => {
  let app: TestApplication;
  let signer: SnsTestSigner;
  const orgs = new Map<string, TestOrganization>();
  const hooks = new Map<string, { id: string; url: string; secret: string; orgId: string }>();
  const results = new Map<string, TargetResult>();

  beforeAll(async () => {
    signer = createSnsTestSigner();
    app = await startTestApplication({
      // A SubscriptionConfirmation that survives mutation must not make the test fetch from AWS.
      serviceOverrides: { sns: signer.verifier, confirmSubscription: async () => undefined },
    });
    orgs.set('main', await createTestOrganization(app, 'fuzz'));
    orgs.set('mapped', await createTestOrganization(app, 'fuzz-mapped'));
    for (const target of targets) {
      const org = orgs.get(target.mapping ? 'mapped' : 'main')!;
      const created = await api(app, 'POST', '/api/v1/integrations', {
        token: org.tokens.editor,
        body: { source: target.source, name: `fuzz ${target.name}`, mapping: target.mapping },
      });
      expect(created.status).toBe(201);
      hooks.set(target.name, { ...created.body, orgId: org.orgId });
    }
  }, 120_000);

  afterAll(async () => {
    await app?.close();
  });

  /**
   * Every accepted alert is in the database, and nothing else is. This holds exactly, whatever order the 8 lanes'
   * deliveries committed in:
   * - a 2xx answer means its transaction committed, and a replay (`duplicate: true`) stores nothing;
   * - each alert of an accepted delivery adds exactly 1 to `occurrences` of one row with its fingerprint (a new
   *   firing row, the firing row it repeats or resolves, the resolved row of the same lifecycle it repeats, or a new
   *   resolved row), and a merged batch adds its repeat count, so per fingerprint the sum of `occurrences` equals the
   *   number of accepted alerts with that fingerprint;
   * - fingerprints start with `{source}:` and this integration is its source's only one in its org, so no other
   *   integration's deliveries touch these rows.
   * How many rows a fingerprint has (one per firing lifecycle) depends on the order resolutions and firings landed
   * in, so the row count is only bounded: at least one per fingerprint, at most one per accepted alert.
   */
  async function checkStoredAlerts(target: Target, result: TargetResult): Promise<void> {
    const hook = hooks.get(target.name)!;
    const expected = new Map<string, number>();
    for (const outcome of result.outcomes) {
      if (outcome.status !== 200 || outcome.body.duplicate) continue;
      for (const fingerprint of outcome.fingerprints) expected.set(fingerprint, (expected.get(fingerprint) ?? 0) + 1);
    }
    const rows = await app.platform.database.query<{ fingerprint: string; rows: number; occurrences: number }>(
      `select fingerprint, count(*)::int as rows, sum(occurrences)::int as occurrences
       from alerts where org_id = $1 and integration_id = $2 group by fingerprint`,
      [hook.orgId, hook.id],
    );
    const stored = new Map(rows.map((row) => [row.fingerprint, row.occurrences]));
    expect(Object.fromEntries([...stored].sort())).toEqual(Object.fromEntries([...expected].sort()));

    const [totals] = await app.platform.database.query<{ count: number; occurrences: number }>(
      'select count(*)::int as count, coalesce(sum(occurrences), 0)::int as occurrences from alerts where integration_id = $1',
      [hook.id],
    );
    expect(totals!.occurrences).toBe(result.accepted);
    expect(totals!.count).toBeGreaterThanOrEqual(expected.size);
    expect(totals!.count).toBeLessThanOrEqual(result.accepted);
    // No alert of this integration is stored under another org (the org comes from the integration, not the body).
    const [elsewhere] = await app.platform.database.query<{ count: number }>(
      'select count(*)::int as count from alerts where integration_id = $1 and org_id <> $2',
      [hook.id, hook.orgId],
    );
    expect(elsewhere!.count).toBe(0);
  }

  it.each(targets.map((target) => [target.name, target]))(
    'answers mutated %s deliveries with 200/400/413/415 (CloudWatch: 401 if unsigned), storing every accepted alert',
    async (_name, target) => {
      const hook = hooks.get(target.name)!;
      const outcomes: Outcome[] = [];
      const replayable: FuzzRequest[] = [];
      const started = Date.now();

      await forEachConcurrently(fuzzRequests(target, hook.secret, signer), concurrency, async (request) => {
        const prediction = predict(target, request);
        const response = await api(app, 'POST', hook.url, { rawBody: request.text, headers: request.headers });
        const body = (
          typeof response.body === 'object' && response.body !== null ? response.body : {}
        ) as Outcome['body'];
        const parsed = prediction.status === 200 ? prediction.parsed : undefined;
        outcomes.push({
          request: { index: request.index, fixture: request.fixture },
          predicted: prediction.status,
          reason: 'reason' in prediction ? prediction.reason : undefined,
          status: response.status,
          contentType: response.headers.get('content-type') ?? '',
          body,
          signed: request.signed,
          fingerprints: parsed?.alerts.map((alert) => alert.fingerprint) ?? [],
          replayKeys: prediction.status === 200 ? prediction.replayKeys : [],
          subscriptionConfirmation: parsed?.subscriptionConfirmation !== undefined,
        });
        if (
          response.status === 200 &&
          body.duplicate === false &&
          !parsed?.subscriptionConfirmation &&
          replayable.length < 10
        ) {
          replayable.push(request);
        }
      });
      outcomes.sort((a, b) => a.request.index - b.request.index);

      const describeOutcome = (outcome: Outcome) =>
        `#${outcome.request.index} ${outcome.request.fixture}: predicted ${outcome.predicted}` +
        `${outcome.reason ? ` (${outcome.reason})` : ''}, got ${outcome.status} ${JSON.stringify(outcome.body).slice(0, 300)}`;

      // No 5xx, ever; and every answer is the one the parser (plus the body limit and SNS signature) calls for.
      expect(outcomes.filter((outcome) => outcome.status >= 500).map(describeOutcome)).toEqual([]);
      expect(outcomes.filter((outcome) => outcome.status !== outcome.predicted).map(describeOutcome)).toEqual([]);
      const allowed = target.source === 'cloudwatch' ? [200, 400, 401, 413, 415] : [200, 400, 413, 415];
      expect(outcomes.filter((outcome) => !allowed.includes(outcome.status)).map(describeOutcome)).toEqual([]);

      // Errors are problem+json naming the problem.
      const badErrors = outcomes.filter(
        (outcome) =>
          outcome.status !== 200 &&
          (!outcome.contentType.startsWith('application/problem+json') ||
            typeof outcome.body.detail !== 'string' ||
            outcome.body.detail.length === 0),
      );
      expect(badErrors.map((outcome) => `${describeOutcome(outcome)} [${outcome.contentType}]`)).toEqual([]);

      // Accepted deliveries count exactly the alerts they carry; replays store nothing and really are replays.
      const acceptedOutcomes = outcomes.filter((outcome) => outcome.status === 200);
      const wrongCounts = acceptedOutcomes.filter((outcome) =>
        outcome.body.duplicate
          ? outcome.body.accepted !== 0
          : outcome.body.duplicate !== false || outcome.body.accepted !== outcome.fingerprints.length,
      );
      expect(wrongCounts.map(describeOutcome)).toEqual([]);
      const keyOwners = new Map<string, number[]>();
      for (const outcome of acceptedOutcomes) {
        if (outcome.subscriptionConfirmation) continue;
        for (const key of outcome.replayKeys)
          keyOwners.set(key, [...(keyOwners.get(key) ?? []), outcome.request.index]);
      }
      const unexplainedReplays = acceptedOutcomes.filter(
        (outcome) =>
          outcome.body.duplicate &&
          !outcome.replayKeys.some((key) =>
            (keyOwners.get(key) ?? []).some((index) => index !== outcome.request.index),
          ),
      );
      expect(unexplainedReplays.map(describeOutcome)).toEqual([]);

      const fresh = acceptedOutcomes.filter((outcome) => !outcome.body.duplicate);
      const result: TargetResult = {
        outcomes,
        statusCounts: countBy(outcomes, (outcome) => String(outcome.status)),
        accepted: fresh.reduce((sum, outcome) => sum + (outcome.body.accepted ?? 0), 0),
        acceptedDeliveries: fresh.length,
        duplicates: acceptedOutcomes.length - fresh.length,
        replayable,
      };
      results.set(target.name, result);
      expect(outcomes).toHaveLength(target.count);
      if (target.source === 'cloudwatch') {
        expect(outcomes.filter((outcome) => outcome.signed).length).toBeGreaterThanOrEqual(requestsPerSource);
      }
      // The mutations must leave plenty of deliveries usable, or the storage path would go untested.
      expect(result.acceptedDeliveries).toBeGreaterThan(target.count / 10);

      // Sending the exact bytes of accepted deliveries again is a no-op that still answers 2xx.
      for (const request of replayable) {
        const again = await api(app, 'POST', hook.url, { rawBody: request.text, headers: request.headers });
        expect({ index: request.index, status: again.status, body: again.body }).toEqual({
          index: request.index,
          status: 200,
          body: { accepted: 0, duplicate: true },
        });
      }

      await checkStoredAlerts(target, result);
      console.info(
        `[intake-fuzz] ${target.name}: ${outcomes.length} requests in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
          `status ${JSON.stringify(result.statusCounts)}; ${result.acceptedDeliveries} deliveries stored ` +
          `${result.accepted} alerts; ${result.duplicates} replays` +
          (target.source === 'cloudwatch' ? `; ${outcomes.filter((outcome) => outcome.signed).length} signed` : ''),
      );
    },
    150_000,
  );

  it('is still serving, and every incident and its alerts read back through the API', async () => {
    expect(results.size).toBe(targets.length);
    const statuses = new Set([...results.values()].flatMap((result) => Object.keys(result.statusCounts)));
    expect([...statuses].sort()).toEqual(['200', '400', '401', '413', '415']);
    expect((await api(app, 'GET', '/healthz')).status).toBe(200);
    expect((await api(app, 'GET', '/readyz')).status).toBe(200);

    for (const [label, org] of orgs) {
      // Every firing alert belongs to an incident (only a resolution for something never seen firing stands alone).
      const [orphans] = await app.platform.database.query<{ count: number }>(
        `select count(*)::int as count from alerts where org_id = $1 and status = 'firing' and incident_id is null`,
        [org.orgId],
      );
      expect(orphans!.count).toBe(0);
      // Each incident got exactly one investigation job, committed with it.
      const jobCounts = await app.platform.database.query<{ id: string; jobs: number }>(
        `select i.id, (
           (select count(*) from pgboss.job j where j.name = 'investigation.run' and j.data->>'incidentId' = i.id::text
             and j.data->>'investigationId' is null)
         + (select count(*) from pgboss.archive a where a.name = 'investigation.run' and a.data->>'incidentId' = i.id::text
             and a.data->>'investigationId' is null)
         )::int as jobs
         from incidents i where i.org_id = $1`,
        [org.orgId],
      );
      expect(jobCounts.filter((row) => row.jobs !== 1)).toEqual([]);

      // The whole list pages through without an error.
      const listed: Array<{ id: string; alertCount: number }> = [];
      let cursor: string | null = null;
      do {
        const page: ApiResponse<{ items: Array<{ id: string; alertCount: number }>; nextCursor: string | null }> =
          await api(app, 'GET', `/api/v1/incidents?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
            token: org.tokens.viewer,
          });
        expect(page.status).toBe(200);
        listed.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(listed.length).toBe(jobCounts.length);

      // A sample of incidents (every incident when there are few) read back in full and agree with the database.
      const step = Math.max(1, Math.floor(listed.length / 150));
      const sample = listed.filter((_, index) => index % step === 0);
      let alertsRead = 0;
      await forEachConcurrently(sample, 4, async (incident) => {
        const detail = await api(app, 'GET', `/api/v1/incidents/${incident.id}`, { token: org.tokens.viewer });
        expect({ id: incident.id, status: detail.status }).toEqual({ id: incident.id, status: 200 });
        expect(detail.headers.get('content-type')).toContain('application/json');
        expect(Array.isArray(detail.body.alerts) && Array.isArray(detail.body.timeline)).toBe(true);
        const rows = await app.platform.database.query<{ id: string; fingerprint: string; occurrences: number }>(
          'select id, fingerprint, occurrences from alerts where incident_id = $1',
          [incident.id],
        );
        const shown = (detail.body.alerts as Array<{ id: string; fingerprint: string; occurrences: number }>)
          .map(({ id, fingerprint, occurrences }) => ({ id, fingerprint, occurrences }))
          .sort((a, b) => a.id.localeCompare(b.id));
        expect(shown).toEqual([...rows].sort((a, b) => a.id.localeCompare(b.id)));
        expect(detail.body.alertCount).toBe(rows.length);
        alertsRead += rows.length;
      });
      console.info(
        `[intake-fuzz] org ${label}: ${listed.length} incidents listed, ${sample.length} read in full with ${alertsRead} alerts`,
      );
    }
  }, 120_000);
});
