import type { InvestigationEntities } from './entities.js';
import { changeProximity } from './hypothesis-ranker.js';
import type { EvidenceItem } from './investigation.model.js';
import { analyseSeries } from './signals.js';

/**
 * The naive baseline the issue asks the ranker to beat: each service scored by change proximity plus metric anomaly
 * plus its share of the error-log lines, with no topology, no notion of "new" errors and no explaining-away.
 * Reported beside the ranker in every eval run.
 */
export function rankBaseline(
  entities: InvestigationEntities,
  evidence: EvidenceItem[],
): Array<{ service: string; score: number }> {
  const reference = entities.onset.getTime() - 60 * 60_000;
  const errorCounts = new Map<string, number>();
  const scores = new Map<string, number>(entities.services.map((service) => [service.name, 0]));
  for (const item of evidence) {
    if (item.status !== 'ok' || !item.data) continue;
    const data = item.data;
    if (data.port === 'changes') {
      for (const change of data.changes) {
        if (!scores.has(change.service)) continue;
        const proximity = changeProximity(change.time, entities.onset);
        scores.set(change.service, Math.max(scores.get(change.service) ?? 0, proximity));
      }
    }
  }
  const withChange = new Map(scores);
  for (const item of evidence) {
    if (item.status !== 'ok' || !item.data || !item.service) continue;
    const data = item.data;
    if (data.port === 'metrics') {
      const strongest = Math.max(0, ...data.series.map((series) => analyseSeries(series, reference)?.strength ?? 0));
      withChange.set(item.service, (withChange.get(item.service) ?? 0) + strongest);
    }
    if (data.port === 'logs') {
      errorCounts.set(
        item.service,
        data.lines.filter((line) => line.level === 'error' || line.level === 'fatal').length,
      );
    }
  }
  const mostErrors = Math.max(1, ...errorCounts.values());
  for (const [service, count] of errorCounts) {
    withChange.set(service, (withChange.get(service) ?? 0) + count / mostErrors);
  }
  return [...withChange.entries()]
    .map(([service, score]) => ({ service, score: Math.round(score * 1000) / 1000 }))
    .filter((entry) => entry.score > 0)
    .sort((left, right) => right.score - left.score || (left.service < right.service ? -1 : 1));
}
