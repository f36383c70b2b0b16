import { randomUUID } from 'node:crypto';
import { and, desc, eq, gte, inArray, lte } from 'drizzle-orm';
import type { Executor } from '../../platform/database/database.js';
import type { NormalizedAlert } from './alert.model.js';
import type { StoredAlert } from './alert-correlator.js';
import { alerts } from './alerts.schema.js';

export type AlertRow = typeof alerts.$inferSelect;

/** One alert to store, with how many times it arrived in this batch (duplicates are merged before SQL). */
export interface IncomingAlert {
  integrationId: string;
  /** The stored delivery (alert_payloads) this alert arrived in. */
  payloadId: string;
  alert: NormalizedAlert;
  occurrences: number;
  receivedAt: Date;
}

/**
 * JSON for jsonb parameters. PostgreSQL rejects NUL (`\u0000`) and unpaired surrogates in jsonb; parsers already
 * strip them, so the fast path is a plain stringify, checked with one native scan, and the slow path is the net.
 */
export function toJsonParameter(value: unknown): string {
  const json = JSON.stringify(value);
  // JSON.stringify writes escapes in lower case, so a case-sensitive scan is enough (and faster).
  if (!/\\u0000|\\ud[89a-f]/.test(json)) return json;
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'string' ? item.replaceAll('\u0000', '\ufffd').toWellFormed() : item,
  );
}

declare global {
  interface String {
    toWellFormed(): string;
  }
}

const firingColumns = `id uuid, integration_id uuid, source text, external_id text, fingerprint text, title text,
  description text, severity text, service text, environment text, labels jsonb, annotations jsonb, links jsonb,
  group_key text, starts_at timestamptz, ends_at timestamptz, payload_id uuid, occurrences int, seen_at timestamptz, ord int`;

function firingRecord(incoming: IncomingAlert, index: number) {
  const { alert } = incoming;
  return {
    id: randomUUID(),
    integration_id: incoming.integrationId,
    source: alert.source,
    external_id: alert.externalId,
    fingerprint: alert.fingerprint,
    title: alert.title,
    description: alert.description,
    severity: alert.severity,
    service: alert.service,
    environment: alert.environment,
    labels: alert.labels,
    annotations: alert.annotations,
    links: alert.links,
    group_key: alert.groupKey,
    starts_at: alert.startsAt.toISOString(),
    ends_at: alert.endsAt?.toISOString() ?? null,
    payload_id: incoming.payloadId,
    occurrences: incoming.occurrences,
    seen_at: incoming.receivedAt.toISOString(),
    ord: index,
  };
}

export interface StoredPayload {
  id: string;
  integrationId: string;
  contentType: string;
  body: Buffer;
  receivedAt: Date;
}

/**
 * Set-based writes for intake: a whole batch of alerts costs a few statements, not a few per alert.
 * Callers pass batches in which each fingerprint appears at most once.
 */
export class AlertsRepository {
  /**
   * Stores delivery bodies as bytes: no JSON parsing in the database and one row per delivery rather than a
   * copy per alert, which halves the cost of an alert row in a storm.
   */
  async insertPayloads(executor: Executor, orgId: string, payloads: StoredPayload[]): Promise<void> {
    if (payloads.length === 0) return;
    const values: unknown[] = [orgId];
    const rows = payloads.map((payload) => {
      const at = values.length;
      values.push(
        payload.id,
        payload.integrationId,
        payload.contentType,
        payload.body,
        payload.receivedAt.toISOString(),
      );
      return `($${at + 1}::uuid, $1::uuid, $${at + 2}::uuid, $${at + 3}, $${at + 4}::bytea, $${at + 5}::timestamptz)`;
    });
    await executor.query(
      `insert into alert_payloads (id, org_id, integration_id, content_type, body, received_at) values ${rows.join(', ')}`,
      values,
    );
  }

  /** The delivery body an alert's latest state came from. */
  async findPayload(
    executor: Executor,
    orgId: string,
    alertId: string,
  ): Promise<{ contentType: string; body: Buffer; receivedAt: Date } | undefined> {
    const [row] = await executor.query<{ content_type: string; body: Buffer | Uint8Array; received_at: Date | string }>(
      `select p.content_type, p.body, p.received_at from alerts a
       join alert_payloads p on p.id = a.payload_id and p.org_id = a.org_id
       where a.org_id = $1 and a.id = $2`,
      [orgId, alertId],
    );
    if (!row) return undefined;
    return { contentType: row.content_type, body: Buffer.from(row.body), receivedAt: new Date(row.received_at) };
  }

  /** Deletes payloads no alert points at any more (superseded by a later delivery), in bounded chunks. */
  async pruneUnreferencedPayloads(executor: Executor, olderThan: Date): Promise<number> {
    let removed = 0;
    for (;;) {
      const [row] = await executor.query<{ count: number }>(
        `with doomed as (
           select p.id from alert_payloads p
           where p.received_at < $1 and not exists (select 1 from alerts a where a.payload_id = p.id)
           limit 5000),
         deleted as (delete from alert_payloads where id in (select id from doomed) returning 1)
         select count(*)::int as count from deleted`,
        [olderThan.toISOString()],
      );
      removed += row?.count ?? 0;
      if ((row?.count ?? 0) < 5000) return removed;
    }
  }

  /** The firing alert of each fingerprint that has one. */
  async findFiring(
    executor: Executor,
    orgId: string,
    fingerprints: string[],
  ): Promise<Map<string, { id: string; incidentId: string | null }>> {
    if (fingerprints.length === 0) return new Map();
    const rows = await executor.query<{ id: string; fingerprint: string; incident_id: string | null }>(
      `select id, fingerprint, incident_id from alerts
       where org_id = $1 and status = 'firing' and fingerprint = any($2::text[])`,
      [orgId, fingerprints],
    );
    return new Map(rows.map((row) => [row.fingerprint, { id: row.id, incidentId: row.incident_id }]));
  }

  /** Inserts new firing alerts, each already assigned to its incident by the correlator. */
  async insertFiring(
    executor: Executor,
    orgId: string,
    alerts: Array<StoredAlert & { incoming: IncomingAlert }>,
  ): Promise<void> {
    if (alerts.length === 0) return;
    await executor.query(
      `with input as (select * from jsonb_to_recordset($2::jsonb) as x(${firingColumns},
         incident_id uuid, correlation_score real, correlation_reason text))
       insert into alerts (id, org_id, integration_id, incident_id, source, external_id, fingerprint, status, title,
         description, severity, service, environment, labels, annotations, links, group_key, starts_at, ends_at,
         occurrences, first_seen_at, last_seen_at, correlation_score, correlation_reason, payload_id)
       select id, $1, integration_id, incident_id, source, external_id, fingerprint, 'firing', title, description,
         severity, service, environment, coalesce(labels, '{}'), coalesce(annotations, '{}'), coalesce(links, '{}'),
         group_key, starts_at, ends_at, occurrences, seen_at, seen_at, correlation_score, correlation_reason, payload_id
       from input order by ord`,
      [
        orgId,
        toJsonParameter(
          alerts.map((entry, index) => ({
            ...firingRecord(entry.incoming, index),
            id: entry.id,
            incident_id: entry.incidentId,
            correlation_score: entry.correlation?.score ?? null,
            correlation_reason: entry.correlation?.reason ?? null,
          })),
        ),
      ],
    );
  }

  /** Bumps firing alerts seen again: occurrences, last seen, and the latest payload. */
  async updateRepeats(
    executor: Executor,
    orgId: string,
    repeats: Array<{ id: string; incoming: IncomingAlert }>,
  ): Promise<void> {
    if (repeats.length === 0) return;
    await executor.query(
      `with input as (select * from jsonb_to_recordset($2::jsonb) as x(${firingColumns}))
       update alerts a set occurrences = a.occurrences + input.occurrences,
         last_seen_at = greatest(a.last_seen_at, input.seen_at),
         title = input.title, description = input.description, severity = input.severity,
         labels = coalesce(input.labels, '{}'), annotations = coalesce(input.annotations, '{}'),
         links = coalesce(input.links, '{}'), payload_id = input.payload_id, updated_at = now()
       from input where a.org_id = $1 and a.id = input.id`,
      [
        orgId,
        toJsonParameter(repeats.map((entry, index) => ({ ...firingRecord(entry.incoming, index), id: entry.id }))),
      ],
    );
  }

  /**
   * Resolves the firing alert of each fingerprint. A resolution for an alert already resolved in the same
   * lifecycle (same start) only counts as a repeat; one for an alert never seen is stored as a resolved alert.
   */
  async resolve(executor: Executor, orgId: string, batch: IncomingAlert[]): Promise<StoredAlert[]> {
    if (batch.length === 0) return [];
    const input = toJsonParameter(batch.map(firingRecord));
    const resolved = await executor.query<{ id: string; fingerprint: string; incident_id: string | null }>(
      `with input as (select * from jsonb_to_recordset($2::jsonb) as x(${firingColumns}))
       update alerts a set status = 'resolved', ends_at = coalesce(input.ends_at, input.seen_at),
         last_seen_at = greatest(a.last_seen_at, input.seen_at), occurrences = a.occurrences + input.occurrences,
         payload_id = input.payload_id, updated_at = now()
       from input where a.org_id = $1 and a.fingerprint = input.fingerprint and a.status = 'firing'
       returning a.id, a.fingerprint, a.incident_id`,
      [orgId, input],
    );
    const resolvedByFingerprint = new Map(resolved.map((row) => [row.fingerprint, row]));
    const unmatched = batch.filter((incoming) => !resolvedByFingerprint.has(incoming.alert.fingerprint));

    const repeated = new Map<string, { id: string; incident_id: string | null }>();
    if (unmatched.length > 0) {
      const rows = await executor.query<{ id: string; fingerprint: string; incident_id: string | null }>(
        `with input as (select * from jsonb_to_recordset($2::jsonb) as x(${firingColumns})),
         latest as (
           select distinct on (a.fingerprint) a.id, a.fingerprint, a.incident_id
           from alerts a join input on a.org_id = $1 and a.fingerprint = input.fingerprint
             and a.status = 'resolved' and a.starts_at = input.starts_at
           order by a.fingerprint, a.last_seen_at desc)
         update alerts a set occurrences = a.occurrences + input.occurrences,
           last_seen_at = greatest(a.last_seen_at, input.seen_at), updated_at = now()
         from latest join input on input.fingerprint = latest.fingerprint
         where a.id = latest.id
         returning a.id, a.fingerprint, a.incident_id`,
        [orgId, toJsonParameter(unmatched.map(firingRecord))],
      );
      for (const row of rows) repeated.set(row.fingerprint, row);
    }

    const fresh = unmatched.filter((incoming) => !repeated.has(incoming.alert.fingerprint));
    const inserted = new Map<string, string>();
    if (fresh.length > 0) {
      const rows = await executor.query<{ id: string; fingerprint: string }>(
        `with input as (select * from jsonb_to_recordset($2::jsonb) as x(${firingColumns}))
         insert into alerts (id, org_id, integration_id, source, external_id, fingerprint, status, title, description,
           severity, service, environment, labels, annotations, links, group_key, starts_at, ends_at, occurrences,
           first_seen_at, last_seen_at, payload_id)
         select id, $1, integration_id, source, external_id, fingerprint, 'resolved', title, description, severity,
           service, environment, coalesce(labels, '{}'), coalesce(annotations, '{}'), coalesce(links, '{}'), group_key,
           starts_at, coalesce(ends_at, seen_at), occurrences, seen_at, seen_at, payload_id
         from input order by ord
         returning id, fingerprint`,
        [orgId, toJsonParameter(fresh.map(firingRecord))],
      );
      for (const row of rows) inserted.set(row.fingerprint, row.id);
    }

    return batch.map((incoming): StoredAlert => {
      const fingerprint = incoming.alert.fingerprint;
      const closed = resolvedByFingerprint.get(fingerprint);
      const base = { orgId, alert: incoming.alert, receivedAt: incoming.receivedAt };
      if (closed) return { ...base, id: closed.id, change: 'resolved', incidentId: closed.incident_id };
      const again = repeated.get(fingerprint);
      if (again) return { ...base, id: again.id, change: 'repeated', incidentId: again.incident_id };
      const id = inserted.get(fingerprint);
      if (!id) throw new Error(`no row stored for resolved fingerprint ${fingerprint}`);
      return { ...base, id, change: 'resolved_unmatched', incidentId: null };
    });
  }

  /** Sets incident and correlation for many alerts at once. */
  async attachToIncidents(
    executor: Executor,
    orgId: string,
    attachments: Array<{ alertId: string; incidentId: string; score: number; reason: string }>,
  ): Promise<void> {
    if (attachments.length === 0) return;
    await executor.query(
      `with input as (select * from jsonb_to_recordset($2::jsonb) as x(alert_id uuid, incident_id uuid, score real, reason text))
       update alerts a set incident_id = input.incident_id, correlation_score = input.score,
         correlation_reason = input.reason, updated_at = now()
       from input where a.org_id = $1 and a.id = input.alert_id`,
      [
        orgId,
        toJsonParameter(
          attachments.map((entry) => ({
            alert_id: entry.alertId,
            incident_id: entry.incidentId,
            score: entry.score,
            reason: entry.reason,
          })),
        ),
      ],
    );
  }

  async listForIncidents(executor: Executor, orgId: string, incidentIds: string[]): Promise<AlertRow[]> {
    if (incidentIds.length === 0) return [];
    return executor.db
      .select()
      .from(alerts)
      .where(and(eq(alerts.orgId, orgId), inArray(alerts.incidentId, incidentIds)))
      .orderBy(desc(alerts.startsAt));
  }

  /** Alerts of one org that started in [from, to], newest first (investigations read them as signals). */
  async listStartedBetween(
    executor: Executor,
    orgId: string,
    window: { from: Date; to: Date },
    options: { services?: string[]; limit?: number } = {},
  ): Promise<AlertRow[]> {
    const conditions = [eq(alerts.orgId, orgId), gte(alerts.startsAt, window.from), lte(alerts.startsAt, window.to)];
    if (options.services) conditions.push(inArray(alerts.service, options.services));
    return executor.db
      .select()
      .from(alerts)
      .where(and(...conditions))
      .orderBy(desc(alerts.startsAt))
      .limit(options.limit ?? 200);
  }

  async find(executor: Executor, orgId: string, alertId: string): Promise<AlertRow | undefined> {
    const [row] = await executor.db
      .select()
      .from(alerts)
      .where(and(eq(alerts.orgId, orgId), eq(alerts.id, alertId)))
      .limit(1);
    return row;
  }

  /** Moves every alert of one incident to another (merge). Returns how many moved. */
  async moveAlerts(
    executor: Executor,
    orgId: string,
    fromIncidentId: string,
    toIncidentId: string,
    reason: string,
  ): Promise<number> {
    const rows = await executor.query<{ id: string }>(
      `update alerts set incident_id = $3, correlation_reason = $4, updated_at = now()
       where org_id = $1 and incident_id = $2 returning id`,
      [orgId, fromIncidentId, toIncidentId, reason],
    );
    return rows.length;
  }
}
