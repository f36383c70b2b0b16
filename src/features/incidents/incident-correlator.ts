import { randomUUID } from 'node:crypto';
import type { Executor } from '../../platform/database/database.js';
import type { AuroraEvent } from '../../platform/events/event-bus.js';
import type { AuroraJobCatalog } from '../../platform/queue/job-catalog.js';
import type { Queue } from '../../platform/queue/queue.js';
import type { AlertCorrelator, Severity, StoredAlert } from '../alerts/index.js';
import {
  bestIncident,
  type CorrelationCandidate,
  type CorrelationScorer,
  groupKeyScorer,
  serviceScorer,
  titleSimilarityScorer,
} from './correlation.js';
import { IncidentsRepository, type NewIncident, type NewIncidentEvent } from './incidents.repository.js';

const severityRank: Record<Severity, number> = { info: 0, warning: 1, high: 2, critical: 3 };

/** Extra scorers (e.g. topology, once the service graph exists) for an org. */
export type ScorerProvider = (orgId: string) => CorrelationScorer[];

/**
 * Turns alerts into incidents inside the intake transaction. New alerts join the best open incident or
 * start a new one, which gets exactly one `investigation.run` job committed with it; resolutions resolve
 * incidents left with nothing firing (when the org wants that).
 */
export class IncidentCorrelator implements AlertCorrelator {
  private readonly incidents = new IncidentsRepository();

  constructor(
    private readonly queue: Queue<AuroraJobCatalog>,
    private readonly extraScorers: ScorerProvider = () => [],
  ) {}

  async assign(transaction: Executor, orgId: string, fresh: StoredAlert[], now: Date): Promise<AuroraEvent[]> {
    const settings = await this.incidents.settings(transaction, orgId);
    const rules = {
      windowMinutes: settings.correlationWindowMinutes,
      threshold: settings.correlationThreshold,
      scorers: [
        groupKeyScorer,
        serviceScorer,
        titleSimilarityScorer(settings.titleSimilarityWeight),
        ...this.extraScorers(orgId),
      ],
    };
    const since = new Date(now.getTime() - settings.correlationWindowMinutes * 60_000);
    const candidates: CorrelationCandidate[] = await this.incidents.openCandidates(transaction, orgId, since);
    const created: NewIncident[] = [];
    const perIncident = new Map<
      string,
      { added: number; lastAlertAt: Date; severity: Severity; alertIds: string[]; reasons: Set<string> }
    >();

    for (const entry of fresh) {
      const { alert } = entry;
      const best = bestIncident(alert, candidates, rules, now);
      if (best) {
        best.candidate.lastAlertAt = entry.receivedAt;
        entry.incidentId = best.candidate.id;
        entry.correlation = best.match;
      } else {
        const incident: NewIncident = {
          id: randomUUID(),
          title: alert.title,
          severity: alert.severity,
          service: alert.service,
          environment: alert.environment,
          source: alert.source,
          groupKey: alert.groupKey,
          startedAt: alert.startsAt < entry.receivedAt ? alert.startsAt : entry.receivedAt,
          lastAlertAt: entry.receivedAt,
          investigationJobId: randomUUID(),
        };
        created.push(incident);
        candidates.unshift({ ...incident });
        entry.incidentId = incident.id;
        entry.correlation = { score: 1, reason: 'first alert of the incident' };
      }
      const aggregate = perIncident.get(entry.incidentId) ?? {
        added: 0,
        lastAlertAt: entry.receivedAt,
        severity: alert.severity,
        alertIds: [],
        reasons: new Set<string>(),
      };
      aggregate.added += 1;
      aggregate.alertIds.push(entry.id);
      aggregate.reasons.add(entry.correlation.reason);
      if (entry.receivedAt > aggregate.lastAlertAt) aggregate.lastAlertAt = entry.receivedAt;
      if (severityRank[alert.severity] > severityRank[aggregate.severity]) aggregate.severity = alert.severity;
      perIncident.set(entry.incidentId, aggregate);
    }

    await this.incidents.insertIncidents(transaction, orgId, created);
    await this.incidents.applyAttachments(
      transaction,
      orgId,
      [...perIncident].map(([incidentId, aggregate]) => ({ incidentId, ...aggregate })),
    );
    const timeline: NewIncidentEvent[] = [];
    for (const incident of created) {
      // One investigation per new incident, in this transaction: committed together or not at all.
      await this.queue.enqueue(
        'investigation.run',
        { orgId, incidentId: incident.id, reason: 'new incident' },
        { transaction, singletonKey: incident.id, id: incident.investigationJobId ?? undefined },
      );
      timeline.push({
        incidentId: incident.id,
        type: 'incident.created',
        actorType: 'system',
        details: { source: incident.source },
      });
      timeline.push({
        incidentId: incident.id,
        type: 'investigation.queued',
        actorType: 'system',
        details: { jobId: incident.investigationJobId },
      });
    }
    const createdIds = new Set(created.map((incident) => incident.id));
    for (const [incidentId, aggregate] of perIncident) {
      timeline.push({
        incidentId,
        type: 'alerts.attached',
        actorType: 'system',
        details: {
          count: aggregate.added,
          alertIds: aggregate.alertIds.slice(0, 20),
          reasons: createdIds.has(incidentId) ? undefined : [...aggregate.reasons],
        },
      });
    }
    await this.incidents.insertEvents(transaction, orgId, timeline);

    const events: AuroraEvent[] = created.map((incident) => ({
      type: 'incident.created',
      orgId,
      data: { incidentId: incident.id, title: incident.title, severity: incident.severity, service: incident.service },
    }));
    for (const incidentId of perIncident.keys()) {
      if (!createdIds.has(incidentId)) events.push({ type: 'incident.updated', orgId, data: { incidentId } });
    }
    return events;
  }

  async settle(transaction: Executor, orgId: string, stored: StoredAlert[], now: Date): Promise<AuroraEvent[]> {
    const repeated = [
      ...new Set(
        stored.filter((entry) => entry.change === 'repeated' && entry.incidentId).map((entry) => entry.incidentId!),
      ),
    ];
    await this.incidents.touch(transaction, orgId, repeated, now);

    const resolvedByIncident = new Map<string, number>();
    for (const entry of stored) {
      if (entry.change === 'resolved' && entry.incidentId) {
        resolvedByIncident.set(entry.incidentId, (resolvedByIncident.get(entry.incidentId) ?? 0) + 1);
      }
    }
    const timeline: NewIncidentEvent[] = [...resolvedByIncident].map(([incidentId, count]) => ({
      incidentId,
      type: 'alerts.resolved',
      actorType: 'system',
      details: { count },
    }));
    const settings = resolvedByIncident.size > 0 ? await this.incidents.settings(transaction, orgId) : undefined;
    const resolvedIncidents = settings?.resolveWhenAlertsResolve
      ? await this.incidents.resolveWithoutFiringAlerts(transaction, orgId, [...resolvedByIncident.keys()], now)
      : [];
    for (const incidentId of resolvedIncidents) {
      timeline.push({
        incidentId,
        type: 'status.changed',
        actorType: 'system',
        details: { to: 'resolved', reason: 'all alerts resolved' },
      });
    }
    await this.incidents.insertEvents(transaction, orgId, timeline);

    const resolved = new Set(resolvedIncidents);
    return [...new Set([...repeated, ...resolvedByIncident.keys()])].map((incidentId) => ({
      type: 'incident.updated',
      orgId,
      data: { incidentId, resolved: resolved.has(incidentId) },
    }));
  }
}
