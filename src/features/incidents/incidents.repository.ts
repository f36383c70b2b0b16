import { and, asc, desc, eq, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/database/database.js';
import type { CorrelationCandidate } from './correlation.js';
import { type IncidentStatus, incidentEvents, incidentSettings, incidents } from './incidents.schema.js';

export type IncidentRow = typeof incidents.$inferSelect;
export type IncidentEventRow = typeof incidentEvents.$inferSelect;

export interface IncidentSettings {
  correlationWindowMinutes: number;
  correlationThreshold: number;
  titleSimilarityWeight: number;
  resolveWhenAlertsResolve: boolean;
}

export const defaultIncidentSettings: IncidentSettings = {
  correlationWindowMinutes: 10,
  correlationThreshold: 0.5,
  titleSimilarityWeight: 0.6,
  resolveWhenAlertsResolve: true,
};

export interface NewIncident {
  id: string;
  title: string;
  severity: string;
  service: string | null;
  environment: string | null;
  source: string;
  groupKey: string | null;
  startedAt: Date;
  lastAlertAt: Date;
  investigationJobId: string | null;
  /** Alerts already attached; intake leaves it 0 and adds them with applyAttachments. */
  alertCount?: number;
}

export interface NewIncidentEvent {
  incidentId: string;
  type: string;
  actorType: string;
  actorId?: string | null;
  details?: Record<string, unknown>;
}

export interface IncidentListFilter {
  status?: IncidentStatus[];
  service?: string;
  severity?: string[];
  since?: Date;
  limit: number;
  cursor?: { startedAt: Date; id: string };
}

export class IncidentsRepository {
  /** Raw SQL rather than a drizzle builder: every intake transaction reads it, and building costs more than running. */
  async settings(executor: Executor, orgId: string): Promise<IncidentSettings> {
    const [row] = await executor.query<IncidentSettings>(
      `select correlation_window_minutes as "correlationWindowMinutes", correlation_threshold as "correlationThreshold",
         title_similarity_weight as "titleSimilarityWeight", resolve_when_alerts_resolve as "resolveWhenAlertsResolve"
       from incident_settings where org_id = $1`,
      [orgId],
    );
    return row ?? defaultIncidentSettings;
  }

  async saveSettings(executor: Executor, orgId: string, settings: IncidentSettings): Promise<void> {
    await executor.db
      .insert(incidentSettings)
      .values({ orgId, ...settings })
      .onConflictDoUpdate({ target: incidentSettings.orgId, set: { ...settings, updatedAt: new Date() } });
  }

  /**
   * Open incidents with activity within the org's correlation window before `now` (its setting, or the default),
   * newest first. The window is read in the same statement, so this needs no earlier read of the settings.
   */
  async openCandidates(executor: Executor, orgId: string, now: Date): Promise<CorrelationCandidate[]> {
    const rows = await executor.query<Omit<CorrelationCandidate, 'lastAlertAt'> & { lastAlertAt: Date | string }>(
      `select id, title, service, environment, group_key as "groupKey", last_alert_at as "lastAlertAt"
       from incidents
       where org_id = $1 and status in ('open', 'investigating', 'analyzed')
         and last_alert_at >= $2::timestamptz - interval '1 minute' * coalesce(
           (select correlation_window_minutes from incident_settings where org_id = $1), $3)
       order by last_alert_at desc
       limit 500`,
      [orgId, now.toISOString(), defaultIncidentSettings.correlationWindowMinutes],
    );
    return rows.map((row) => ({ ...row, lastAlertAt: new Date(row.lastAlertAt) }));
  }

  async insertIncidents(executor: Executor, orgId: string, rows: NewIncident[]): Promise<void> {
    if (rows.length === 0) return;
    await executor.db.insert(incidents).values(
      rows.map((row) => ({
        id: row.id,
        orgId,
        title: row.title,
        status: 'open' as const,
        severity: row.severity as IncidentRow['severity'],
        service: row.service,
        environment: row.environment,
        source: row.source,
        groupKey: row.groupKey,
        alertCount: row.alertCount ?? 0,
        startedAt: row.startedAt,
        lastAlertAt: row.lastAlertAt,
        investigationJobId: row.investigationJobId,
      })),
    );
  }

  /** Adds attached alerts to incidents' counts, last activity and (escalating only) severity. */
  async applyAttachments(
    executor: Executor,
    orgId: string,
    updates: Array<{ incidentId: string; added: number; lastAlertAt: Date; severity: string }>,
  ): Promise<void> {
    if (updates.length === 0) return;
    await executor.query(
      `with input as (select * from jsonb_to_recordset($2::jsonb) as x(incident_id uuid, added int, last_alert_at timestamptz, severity text))
       update incidents i set alert_count = i.alert_count + input.added,
         last_alert_at = greatest(i.last_alert_at, input.last_alert_at),
         severity = case when array_position(array['info','warning','high','critical'], input.severity)
                            > array_position(array['info','warning','high','critical'], i.severity)
                         then input.severity else i.severity end,
         updated_at = now()
       from input where i.org_id = $1 and i.id = input.incident_id`,
      [
        orgId,
        JSON.stringify(
          updates.map((update) => ({
            incident_id: update.incidentId,
            added: update.added,
            last_alert_at: update.lastAlertAt.toISOString(),
            severity: update.severity,
          })),
        ),
      ],
    );
  }

  async touch(executor: Executor, orgId: string, incidentIds: string[], at: Date): Promise<void> {
    if (incidentIds.length === 0) return;
    await executor.query(
      `update incidents set last_alert_at = greatest(last_alert_at, $3), updated_at = now()
       where org_id = $1 and id = any($2::uuid[])`,
      [orgId, incidentIds, at.toISOString()],
    );
  }

  /** Resolves those of the incidents that are open and have no firing alert left; returns their ids. */
  async resolveWithoutFiringAlerts(
    executor: Executor,
    orgId: string,
    incidentIds: string[],
    at: Date,
  ): Promise<string[]> {
    if (incidentIds.length === 0) return [];
    const rows = await executor.query<{ id: string }>(
      `update incidents i set status = 'resolved', resolved_at = $3, updated_at = now()
       where i.org_id = $1 and i.id = any($2::uuid[]) and i.status in ('open', 'investigating', 'analyzed')
         and not exists (select 1 from alerts a where a.org_id = i.org_id and a.incident_id = i.id and a.status = 'firing')
       returning i.id`,
      [orgId, incidentIds, at.toISOString()],
    );
    return rows.map((row) => row.id);
  }

  /** In the order given (the timeline sorts by id). Raw SQL: intake writes events in every transaction. */
  async insertEvents(executor: Executor, orgId: string, events: NewIncidentEvent[]): Promise<void> {
    if (events.length === 0) return;
    await executor.query(
      `insert into incident_events (org_id, incident_id, type, actor_type, actor_id, details)
       select $1, incident_id, type, actor_type, actor_id, coalesce(details, '{}')
       from rows from (jsonb_to_recordset($2::jsonb)
         as (incident_id uuid, type text, actor_type text, actor_id text, details jsonb))
         with ordinality as x(incident_id, type, actor_type, actor_id, details, position)
       order by position`,
      [
        orgId,
        JSON.stringify(
          events.map((event) => ({
            incident_id: event.incidentId,
            type: event.type,
            actor_type: event.actorType,
            actor_id: event.actorId ?? null,
            details: event.details ?? {},
          })),
        ),
      ],
    );
  }

  async list(executor: Executor, orgId: string, filter: IncidentListFilter): Promise<IncidentRow[]> {
    const conditions: SQL[] = [eq(incidents.orgId, orgId)];
    if (filter.status?.length) conditions.push(inArray(incidents.status, filter.status));
    if (filter.severity?.length)
      conditions.push(inArray(incidents.severity, filter.severity as IncidentRow['severity'][]));
    if (filter.service) conditions.push(eq(incidents.service, filter.service));
    if (filter.since) conditions.push(sql`${incidents.startedAt} >= ${filter.since.toISOString()}`);
    if (filter.cursor) {
      const { startedAt, id } = filter.cursor;
      conditions.push(
        or(lt(incidents.startedAt, startedAt), and(eq(incidents.startedAt, startedAt), lt(incidents.id, id))) as SQL,
      );
    }
    return executor.db
      .select()
      .from(incidents)
      .where(and(...conditions))
      .orderBy(desc(incidents.startedAt), desc(incidents.id))
      .limit(filter.limit);
  }

  async find(executor: Executor, orgId: string, id: string): Promise<IncidentRow | undefined> {
    const [row] = await executor.db
      .select()
      .from(incidents)
      .where(and(eq(incidents.orgId, orgId), eq(incidents.id, id)))
      .limit(1);
    return row;
  }

  /** The row locked for update, so concurrent merges and detaches of one incident take turns. */
  async findForUpdate(executor: Executor, orgId: string, id: string): Promise<IncidentRow | undefined> {
    const [row] = await executor.db
      .select()
      .from(incidents)
      .where(and(eq(incidents.orgId, orgId), eq(incidents.id, id)))
      .limit(1)
      .for('update');
    return row;
  }

  async update(
    executor: Executor,
    orgId: string,
    id: string,
    changes: Partial<
      Pick<
        IncidentRow,
        | 'startedAt'
        | 'status'
        | 'severity'
        | 'assigneeId'
        | 'mergedIntoId'
        | 'resolvedAt'
        | 'alertCount'
        | 'lastAlertAt'
      >
    >,
  ): Promise<void> {
    await executor.db
      .update(incidents)
      .set({ ...changes, updatedAt: new Date() })
      .where(and(eq(incidents.orgId, orgId), eq(incidents.id, id)));
  }

  async events(executor: Executor, orgId: string, incidentId: string): Promise<IncidentEventRow[]> {
    return executor.db
      .select()
      .from(incidentEvents)
      .where(and(eq(incidentEvents.orgId, orgId), eq(incidentEvents.incidentId, incidentId)))
      .orderBy(asc(incidentEvents.id));
  }
}
