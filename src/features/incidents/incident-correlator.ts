import { randomUUID } from 'node:crypto';
import type { Executor } from '../../platform/database/database.js';
import type { AuroraEvent } from '../../platform/events/event-bus.js';
import type { AuroraJobCatalog } from '../../platform/queue/job-catalog.js';
import type { Queue } from '../../platform/queue/queue.js';
import type { AlertCorrelator, CorrelationRound, Severity, StoredAlert } from '../alerts/index.js';
import {
  bestIncident,
  type CorrelationCandidate,
  type CorrelationScorer,
  groupKeyScorer,
  serviceScorer,
  titleSimilarityScorer,
} from './correlation.js';
import {
  type IncidentSettings,
  IncidentsRepository,
  type NewIncident,
  type NewIncidentEvent,
} from './incidents.repository.js';

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

  async open(transaction: Executor, orgId: string, now: Date): Promise<CorrelationRound> {
    const [settings, candidates] = await Promise.all([
      this.incidents.settings(transaction, orgId),
      this.incidents.openCandidates(transaction, orgId, now),
    ]);
    return new IncidentCorrelationRound(transaction, orgId, now, settings, candidates, this.incidents, this.queue, [
      groupKeyScorer,
      serviceScorer,
      titleSimilarityScorer(settings.titleSimilarityWeight),
      ...this.extraScorers(orgId),
    ]);
  }
}

class IncidentCorrelationRound implements CorrelationRound {
  constructor(
    private readonly transaction: Executor,
    private readonly orgId: string,
    private readonly now: Date,
    private readonly settings: IncidentSettings,
    /** Open incidents in the window, newest activity first; new incidents and attachments are added as they happen. */
    private readonly candidates: CorrelationCandidate[],
    private readonly incidents: IncidentsRepository,
    private readonly queue: Queue<AuroraJobCatalog>,
    private readonly scorers: CorrelationScorer[],
  ) {}

  assign(fresh: StoredAlert[]): { events: AuroraEvent[]; written: Promise<void> } {
    const { transaction, orgId, now, candidates } = this;
    const rules = {
      windowMinutes: this.settings.correlationWindowMinutes,
      threshold: this.settings.correlationThreshold,
      scorers: this.scorers,
    };
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

    const timeline: NewIncidentEvent[] = [];
    for (const incident of created) {
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
    const attachments = [...perIncident].map(([incidentId, aggregate]) => ({ incidentId, ...aggregate }));
    const written = (async () => {
      // New incidents must exist before their counts are updated; a storm's later batches create none, so the
      // writes below usually go out together with the caller's.
      if (created.length > 0) await this.incidents.insertIncidents(transaction, orgId, created);
      await Promise.all([
        this.incidents.applyAttachments(transaction, orgId, attachments),
        this.incidents.insertEvents(transaction, orgId, timeline),
        // One investigation per new incident, in this transaction: committed together or not at all.
        ...created.map((incident) =>
          this.queue.enqueue(
            'investigation.run',
            { orgId, incidentId: incident.id, reason: 'new incident' },
            { transaction, singletonKey: incident.id, id: incident.investigationJobId ?? undefined },
          ),
        ),
      ]);
    })();

    const events: AuroraEvent[] = created.map((incident) => ({
      type: 'incident.created',
      orgId,
      data: { incidentId: incident.id, title: incident.title, severity: incident.severity, service: incident.service },
    }));
    for (const incidentId of perIncident.keys()) {
      if (!createdIds.has(incidentId)) events.push({ type: 'incident.updated', orgId, data: { incidentId } });
    }
    return { events, written };
  }

  async settle(stored: StoredAlert[]): Promise<AuroraEvent[]> {
    const { transaction, orgId, now } = this;
    const repeated = [
      ...new Set(
        stored.filter((entry) => entry.change === 'repeated' && entry.incidentId).map((entry) => entry.incidentId!),
      ),
    ];
    const touched = this.incidents.touch(transaction, orgId, repeated, now);
    touched.catch(() => undefined); // awaited below; handled now in case resolving fails first

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
    const resolvedIncidents = this.settings.resolveWhenAlertsResolve
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
    await Promise.all([touched, this.incidents.insertEvents(transaction, orgId, timeline)]);

    const resolved = new Set(resolvedIncidents);
    return [...new Set([...repeated, ...resolvedByIncident.keys()])].map((incidentId) => ({
      type: 'incident.updated',
      orgId,
      data: { incidentId, resolved: resolved.has(incidentId) },
    }));
  }
}
