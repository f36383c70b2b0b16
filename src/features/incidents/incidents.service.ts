import { randomUUID } from 'node:crypto';
import type { Database } from '../../platform/database/database.js';
import { Conflict, NotFound, ValidationFailed } from '../../platform/errors.js';
import type { EventBus } from '../../platform/events/event-bus.js';
import type { Logger } from '../../platform/logger/logger.js';
import type { AuroraJobCatalog } from '../../platform/queue/job-catalog.js';
import type { Queue } from '../../platform/queue/queue.js';
import type { Principal } from '../accounts/index.js';
import { type AlertRow, AlertsRepository, type Severity } from '../alerts/index.js';
import {
  defaultIncidentSettings,
  type IncidentEventRow,
  type IncidentListFilter,
  type IncidentRow,
  type IncidentSettings,
  IncidentsRepository,
} from './incidents.repository.js';
import type { IncidentStatus } from './incidents.schema.js';

export interface IncidentSummary {
  id: string;
  title: string;
  status: IncidentStatus;
  severity: Severity;
  service: string | null;
  environment: string | null;
  source: string;
  alertCount: number;
  assigneeId: string | null;
  mergedIntoId: string | null;
  startedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
}

export interface IncidentAlertView {
  id: string;
  fingerprint: string;
  status: 'firing' | 'resolved';
  title: string;
  severity: Severity;
  service: string | null;
  environment: string | null;
  occurrences: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  links: Record<string, string | undefined>;
  startsAt: string;
  endsAt: string | null;
  lastSeenAt: string;
  correlation: { score: number | null; reason: string | null };
}

export interface TimelineEntry {
  id: number;
  type: string;
  actor: { type: string; id: string | null };
  details: Record<string, unknown>;
  at: string;
}

export interface IncidentDetail extends IncidentSummary {
  alerts: IncidentAlertView[];
  timeline: TimelineEntry[];
}

/** Checks that a user belongs to an org (assignees must); provided by the accounts feature. */
export type MembershipCheck = (orgId: string, userId: string) => Promise<boolean>;

function toSummary(row: IncidentRow): IncidentSummary {
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    severity: row.severity,
    service: row.service,
    environment: row.environment,
    source: row.source,
    alertCount: row.alertCount,
    assigneeId: row.assigneeId,
    mergedIntoId: row.mergedIntoId,
    startedAt: row.startedAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
  };
}

function toAlertView(row: AlertRow): IncidentAlertView {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    status: row.status,
    title: row.title,
    severity: row.severity,
    service: row.service,
    environment: row.environment,
    occurrences: row.occurrences,
    labels: row.labels,
    annotations: row.annotations,
    links: row.links as Record<string, string | undefined>,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt?.toISOString() ?? null,
    lastSeenAt: row.lastSeenAt.toISOString(),
    correlation: { score: row.correlationScore, reason: row.correlationReason },
  };
}

function toTimelineEntry(row: IncidentEventRow): TimelineEntry {
  return {
    id: row.id,
    type: row.type,
    actor: { type: row.actorType, id: row.actorId },
    details: row.details,
    at: row.createdAt.toISOString(),
  };
}

export function encodeCursor(row: IncidentRow): string {
  return Buffer.from(`${row.startedAt.toISOString()}|${row.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { startedAt: Date; id: string } {
  const [startedAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(startedAt ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(date.getTime()))
    throw new ValidationFailed('The cursor is not valid');
  return { startedAt: date, id };
}

export class IncidentsService {
  private readonly incidents = new IncidentsRepository();
  private readonly alerts = new AlertsRepository();

  constructor(
    private readonly database: Database,
    private readonly queue: Queue<AuroraJobCatalog>,
    private readonly events: EventBus,
    private readonly logger: Logger,
    private readonly isMember: MembershipCheck,
  ) {}

  async list(
    principal: Principal,
    filter: Omit<IncidentListFilter, 'cursor'> & { cursor?: string },
  ): Promise<{ items: IncidentSummary[]; nextCursor: string | null }> {
    const rows = await this.incidents.list(this.database, principal.orgId, {
      ...filter,
      limit: filter.limit + 1,
      cursor: filter.cursor ? decodeCursor(filter.cursor) : undefined,
    });
    const page = rows.slice(0, filter.limit);
    const last = page.at(-1);
    return { items: page.map(toSummary), nextCursor: rows.length > filter.limit && last ? encodeCursor(last) : null };
  }

  async get(principal: Principal, id: string): Promise<IncidentDetail> {
    const row = await this.require(principal.orgId, id);
    const [alerts, events] = await Promise.all([
      this.alerts.listForIncidents(this.database, principal.orgId, [id]),
      this.incidents.events(this.database, principal.orgId, id),
    ]);
    return { ...toSummary(row), alerts: alerts.map(toAlertView), timeline: events.map(toTimelineEntry) };
  }

  async update(
    principal: Principal,
    id: string,
    changes: { status?: Exclude<IncidentStatus, 'merged'>; severity?: Severity; assigneeId?: string | null },
  ): Promise<IncidentSummary> {
    if (changes.assigneeId && !(await this.isMember(principal.orgId, changes.assigneeId))) {
      throw new ValidationFailed('The assignee must be a member of this organization');
    }
    await this.database.transaction(async (transaction) => {
      const row = await this.incidents.findForUpdate(transaction, principal.orgId, id);
      if (!row) throw new NotFound('Incident not found');
      if (row.status === 'merged') throw new Conflict('This incident was merged into another; change that one instead');
      const timeline = [];
      if (changes.status && changes.status !== row.status) {
        timeline.push({ type: 'status.changed', details: { from: row.status, to: changes.status } });
      }
      if (changes.severity && changes.severity !== row.severity) {
        timeline.push({ type: 'severity.changed', details: { from: row.severity, to: changes.severity } });
      }
      if (changes.assigneeId !== undefined && changes.assigneeId !== row.assigneeId) {
        timeline.push({ type: 'assignee.changed', details: { from: row.assigneeId, to: changes.assigneeId } });
      }
      await this.incidents.update(transaction, principal.orgId, id, {
        status: changes.status,
        severity: changes.severity,
        assigneeId: changes.assigneeId,
        resolvedAt: changes.status === undefined ? undefined : changes.status === 'resolved' ? new Date() : null,
      });
      await this.incidents.insertEvents(
        transaction,
        principal.orgId,
        timeline.map((entry) => ({ incidentId: id, actorType: 'user', actorId: principal.userId, ...entry })),
      );
      transaction.afterCommit(() => this.announce(principal.orgId, 'incident.updated', { incidentId: id }));
    });
    return toSummary(await this.require(principal.orgId, id));
  }

  /** Moves every alert of `sourceId` into `targetId`; `sourceId` becomes `merged`. */
  async merge(principal: Principal, targetId: string, sourceId: string): Promise<IncidentSummary> {
    if (targetId === sourceId) throw new ValidationFailed('An incident cannot be merged into itself');
    await this.database.transaction(async (transaction) => {
      // Lock both rows in a fixed order so two opposite merges cannot deadlock.
      const [first, second] = [targetId, sourceId].sort();
      const locked = new Map<string, IncidentRow | undefined>();
      for (const id of [first!, second!])
        locked.set(id, await this.incidents.findForUpdate(transaction, principal.orgId, id));
      const target = locked.get(targetId);
      const source = locked.get(sourceId);
      if (!target || !source) throw new NotFound('Incident not found');
      if (target.status === 'merged')
        throw new Conflict('The target incident was itself merged; merge into the one it went to');
      if (source.status === 'merged') throw new Conflict('That incident was already merged');
      const moved = await this.alerts.moveAlerts(
        transaction,
        principal.orgId,
        sourceId,
        targetId,
        `merged from incident ${sourceId}`,
      );
      const firstAlert = source.startedAt < target.startedAt ? source.startedAt : target.startedAt;
      await this.incidents.update(transaction, principal.orgId, sourceId, {
        status: 'merged',
        mergedIntoId: targetId,
        alertCount: 0,
      });
      await this.incidents.update(transaction, principal.orgId, targetId, {
        alertCount: target.alertCount + moved,
        startedAt: firstAlert,
        lastAlertAt: source.lastAlertAt > target.lastAlertAt ? source.lastAlertAt : target.lastAlertAt,
      });
      await this.incidents.insertEvents(transaction, principal.orgId, [
        {
          incidentId: targetId,
          type: 'incident.merged_in',
          actorType: 'user',
          actorId: principal.userId,
          details: { from: sourceId, alerts: moved },
        },
        {
          incidentId: sourceId,
          type: 'incident.merged_into',
          actorType: 'user',
          actorId: principal.userId,
          details: { into: targetId, alerts: moved },
        },
      ]);
      transaction.afterCommit(() => {
        this.announce(principal.orgId, 'incident.updated', { incidentId: targetId });
        this.announce(principal.orgId, 'incident.updated', { incidentId: sourceId, mergedInto: targetId });
      });
    });
    return toSummary(await this.require(principal.orgId, targetId));
  }

  /** Takes one alert out of an incident into a new incident of its own, which gets its own investigation. */
  async detach(principal: Principal, incidentId: string, alertId: string): Promise<IncidentSummary> {
    const newIncidentId = randomUUID();
    await this.database.transaction(async (transaction) => {
      const incident = await this.incidents.findForUpdate(transaction, principal.orgId, incidentId);
      if (!incident) throw new NotFound('Incident not found');
      const alert = await this.alerts.find(transaction, principal.orgId, alertId);
      if (!alert || alert.incidentId !== incidentId) throw new NotFound('That alert is not part of this incident');
      if (incident.alertCount <= 1)
        throw new Conflict("This is the incident's only alert; there is nothing to detach it from");
      const jobId = randomUUID();
      await this.incidents.insertIncidents(transaction, principal.orgId, [
        {
          id: newIncidentId,
          title: alert.title,
          severity: alert.severity,
          service: alert.service,
          environment: alert.environment,
          source: alert.source,
          groupKey: null,
          startedAt: alert.startsAt,
          lastAlertAt: alert.lastSeenAt,
          investigationJobId: jobId,
          alertCount: 1,
        },
      ]);
      await this.alerts.attachToIncidents(transaction, principal.orgId, [
        { alertId, incidentId: newIncidentId, score: 1, reason: `detached from incident ${incidentId}` },
      ]);
      await this.incidents.update(transaction, principal.orgId, incidentId, { alertCount: incident.alertCount - 1 });
      await this.queue.enqueue(
        'investigation.run',
        { orgId: principal.orgId, incidentId: newIncidentId, reason: 'detached alert' },
        { transaction, singletonKey: newIncidentId, id: jobId },
      );
      await this.incidents.insertEvents(transaction, principal.orgId, [
        {
          incidentId,
          type: 'alert.detached',
          actorType: 'user',
          actorId: principal.userId,
          details: { alertId, into: newIncidentId },
        },
        {
          incidentId: newIncidentId,
          type: 'incident.created',
          actorType: 'user',
          actorId: principal.userId,
          details: { detachedFrom: incidentId, alertId },
        },
        { incidentId: newIncidentId, type: 'investigation.queued', actorType: 'system', details: { jobId } },
      ]);
      transaction.afterCommit(() => {
        this.announce(principal.orgId, 'incident.updated', { incidentId });
        this.announce(principal.orgId, 'incident.created', {
          incidentId: newIncidentId,
          title: alert.title,
          severity: alert.severity,
          service: alert.service,
        });
      });
    });
    return toSummary(await this.require(principal.orgId, newIncidentId));
  }

  async settings(principal: Principal): Promise<IncidentSettings> {
    return this.incidents.settings(this.database, principal.orgId);
  }

  async saveSettings(principal: Principal, changes: Partial<IncidentSettings>): Promise<IncidentSettings> {
    const current = await this.incidents.settings(this.database, principal.orgId);
    const next = { ...defaultIncidentSettings, ...current, ...changes };
    await this.incidents.saveSettings(this.database, principal.orgId, next);
    return next;
  }

  /**
   * The investigations feature writes its progress (started, thoughts, finished) to the timeline through this. A
   * `status` moves the incident along (open → investigating → analyzed) but never back, nor out of resolved/merged.
   */
  async recordInvestigationEvents(
    orgId: string,
    incidentId: string,
    events: Array<{ type: string; details: Record<string, unknown> }>,
    options: { status?: 'investigating' | 'analyzed' } = {},
  ): Promise<void> {
    await this.database.transaction(async (transaction) => {
      await this.incidents.insertEvents(
        transaction,
        orgId,
        events.map((event) => ({ incidentId, type: event.type, actorType: 'system', details: event.details })),
      );
      if (!options.status) return;
      // Locked, so a concurrent merge or status change is seen and never overwritten.
      const row = await this.incidents.findForUpdate(transaction, orgId, incidentId);
      const from = options.status === 'investigating' ? ['open'] : ['open', 'investigating'];
      if (!row || !from.includes(row.status)) return;
      await this.incidents.update(transaction, orgId, incidentId, { status: options.status });
      await this.incidents.insertEvents(transaction, orgId, [
        {
          incidentId,
          type: 'status.changed',
          actorType: 'system',
          details: { from: row.status, to: options.status },
        },
      ]);
      transaction.afterCommit(() => this.announce(orgId, 'incident.updated', { incidentId }));
    });
  }

  private announce(orgId: string, type: string, data: Record<string, unknown>): void {
    this.events
      .publish({ type, orgId, data })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not publish a live event'));
  }

  private async require(orgId: string, id: string): Promise<IncidentRow> {
    const row = await this.incidents.find(this.database, orgId, id);
    if (!row) throw new NotFound('Incident not found');
    return row;
  }
}
