import type { ChangeRecord, LogRecord, RootCauseCategory } from '../telemetry/index.js';
import { rootCauseCategories } from '../telemetry/index.js';
import type { InvestigationEntities, ServiceEntity } from './entities.js';
import type { EvidenceItem, Hypothesis, HypothesisFactors } from './investigation.model.js';
import {
  analyseSeries,
  badDirection,
  categoryHits,
  errorTemplate,
  maskServices,
  mentions,
  propagationPattern,
  type SeriesAnomaly,
} from './signals.js';

/**
 * Step 3: the deterministic hypothesis ranker. It scores each service as the root cause from five kinds of evidence
 * (the issue's list) and one structural rule:
 *
 * - change proximity: a change shortly before the onset, counted only as far as the changed service (or its
 *   callers' errors about it) shows trouble. A deploy on a healthy service is near-harmless, however close;
 * - topology distance: causes sit on the alerting service or downstream of it (what it calls);
 * - anomaly strength: how far its metrics left their own pre-incident baseline, in the bad direction;
 * - new error signatures: error templates absent before the incident. Steady noise is ignored, and errors that
 *   report another service's failure ("timeout calling payments") count for that service, not this one;
 * - similar past incidents (when a memory source is configured);
 * - explained away: a service whose trouble is explained by an unhealthy dependency with an earlier (or unknown)
 *   onset, and which has no intrinsic cause of its own, is a symptom, not a cause.
 *
 * Weights are fixed constants chosen from these principles, not fitted per scenario; docs/architecture.md lists them.
 */

export const rankerWeights = {
  change: 0.35,
  intrinsicTrouble: 0.25,
  blame: 0.25,
  onset: 0.1,
  alerted: 0.05,
  similar: 0.1,
  explainedPenalty: 0.6,
} as const;

/** Minutes: how fast a change's suspicion fades with its distance before the onset. */
const changeDecayMinutes = 45;
/** Logs and metrics before onset − this are the "before" the incident is compared with. */
const referenceGapMs = 60 * 60_000;

interface Signature {
  template: string;
  sample: string;
  level: LogRecord['level'];
  count: number;
  first: Date;
  mentioned: string[];
  propagated: boolean;
  categories: Partial<Record<RootCauseCategory, number>>;
  evidenceId: string;
}

export interface ServiceProfile {
  entity: ServiceEntity;
  alerted: boolean;
  alertEvidence: string[];
  anomalies: Array<SeriesAnomaly & { evidenceId: string }>;
  anomaly: number;
  /** Largest deviation in any direction (0..1): whether anything about the service moved at all. */
  movement: number;
  hasMetrics: boolean;
  onset: number | null;
  newSignatures: Signature[];
  recurringLines: number;
  intrinsicErrors: number;
  propagatedShare: number;
  kubernetes: { score: number; reasons: string[]; evidenceId: string | null };
  changes: Array<{ change: ChangeRecord; proximity: number; evidenceId: string }>;
  blame: number;
  blamedBy: Array<{ service: string; lines: number; evidenceId: string; sample: string; weight: number }>;
  similar: number;
  similarEvidence: string[];
  evidenceIds: Set<string>;
}

const levelWeight: Record<LogRecord['level'], number> = { debug: 0, info: 0, warn: 0.3, error: 1, fatal: 1.5 };

function saturate(value: number, scale: number): number {
  return 1 - Math.exp(-Math.max(0, value) / scale);
}

function kindWeight(kind: ChangeRecord['kind']): number {
  return kind === 'deploy' || kind === 'config' || kind === 'feature_flag' || kind === 'infra' ? 1 : 0.8;
}

/** 0..1: how close before the onset a change landed (changes after onset + 5 min cannot have caused it). */
export function changeProximity(changeTime: Date, onset: Date): number {
  const minutesBefore = (onset.getTime() - changeTime.getTime()) / 60_000;
  if (minutesBefore < -5) return 0;
  if (minutesBefore <= 0) return 1;
  return Math.exp(-minutesBefore / changeDecayMinutes);
}

const kubernetesTrouble: Array<[RegExp, number]> = [
  [/oomkill/i, 0.9],
  [/crashloopbackoff|backoff/i, 0.7],
  [/evict|nodenotready|node.*not ?ready|failedmount|failedattach/i, 0.8],
  [/unhealthy|failed|error|killing/i, 0.4],
  [/failedscheduling|insufficient/i, 0.5],
];

function kubernetesScore(item: EvidenceItem | undefined, window: { from: number; reference: number }) {
  if (item?.data?.port !== 'kubernetes') return { score: 0, reasons: [] as string[], evidenceId: null };
  const { pods, events } = item.data.workload;
  const reasons: string[] = [];
  let score = 0;
  for (const pod of pods) {
    const text = `${pod.reason ?? ''} ${pod.lastTerminationReason ?? ''} ${pod.phase}`;
    if (pod.restarts > 0 || /oom|crash|error|evict|pending|unknown|failed/i.test(text)) {
      const matched = kubernetesTrouble.find(([pattern]) => pattern.test(text));
      const value = Math.max(matched?.[1] ?? 0.3, pod.restarts >= 3 ? 0.6 : 0.3);
      score = Math.max(score, value);
      reasons.push(
        `pod ${pod.name} ${pod.phase}, ${pod.restarts} restarts${pod.lastTerminationReason ? `, last terminated ${pod.lastTerminationReason}` : ''}${pod.reason ? ` (${pod.reason})` : ''}`,
      );
    }
  }
  for (const event of events) {
    if (event.type.toLowerCase() !== 'warning' || event.time.getTime() < window.reference) continue;
    const text = `${event.reason} ${event.message}`;
    const matched = kubernetesTrouble.find(([pattern]) => pattern.test(text));
    score = Math.max(score, matched?.[1] ?? 0.3);
    reasons.push(`${event.reason}: ${event.message.slice(0, 160)}`);
  }
  return { score, reasons: [...new Set(reasons)].slice(0, 6), evidenceId: item.id };
}

/** Per-service features read from the evidence. Exported for tests and for a model loop that wants the same view. */
export function profileServices(
  entities: InvestigationEntities,
  evidence: EvidenceItem[],
): Map<string, ServiceProfile> {
  const onset = entities.onset;
  const reference = onset.getTime() - referenceGapMs;
  const names = entities.services.map((service) => service.name);
  const profiles = new Map<string, ServiceProfile>();
  const byService = (port: EvidenceItem['port'], service: string) =>
    evidence.find((item) => item.port === port && item.service === service && item.status === 'ok');

  for (const entity of entities.services) {
    const profile: ServiceProfile = {
      entity,
      alerted: entities.alertServices.includes(entity.name),
      alertEvidence: [],
      anomalies: [],
      anomaly: 0,
      movement: 0,
      hasMetrics: false,
      onset: null,
      newSignatures: [],
      recurringLines: 0,
      intrinsicErrors: 0,
      propagatedShare: 0,
      kubernetes: { score: 0, reasons: [], evidenceId: null },
      changes: [],
      blame: 0,
      blamedBy: [],
      similar: 0,
      similarEvidence: [],
      evidenceIds: new Set(),
    };

    const metrics = byService('metrics', entity.name);
    if (metrics?.data?.port === 'metrics') {
      profile.hasMetrics = metrics.data.series.some((series) => series.points.length >= 3);
      for (const series of metrics.data.series) {
        const anomaly = analyseSeries(series, reference);
        if (anomaly && anomaly.strength > 0) profile.anomalies.push({ ...anomaly, evidenceId: metrics.id });
        const moved = analyseSeries({ ...series, name: `${series.name}_any_direction` }, reference, true);
        profile.movement = Math.max(profile.movement, moved?.strength ?? 0);
      }
      profile.anomalies.sort((left, right) => right.strength - left.strength);
      profile.anomaly = profile.anomalies[0]?.strength ?? 0;
      const onsets = profile.anomalies
        .filter((anomaly) => anomaly.strength >= 0.3 && anomaly.onset !== null)
        .map((anomaly) => anomaly.onset as number);
      profile.onset = onsets.length > 0 ? Math.min(...onsets) : null;
      if (profile.anomaly > 0.2) profile.evidenceIds.add(metrics.id);
    }

    const logs = byService('logs', entity.name);
    if (logs?.data?.port === 'logs') {
      const seenBefore = new Set<string>();
      const after = new Map<string, Signature>();
      for (const line of logs.data.lines) {
        if (levelWeight[line.level] === 0) continue;
        // Service names are masked, so "TLS error calling inventory" and "… calling payments" are one signature.
        const template = errorTemplate(maskServices(line.message, names));
        if (line.time.getTime() < reference) {
          seenBefore.add(template);
          continue;
        }
        const mentioned = names.filter((name) => name !== entity.name && mentions(line.message, name));
        const existing = after.get(template);
        if (existing) {
          existing.count += 1;
          for (const name of mentioned) if (!existing.mentioned.includes(name)) existing.mentioned.push(name);
          continue;
        }
        after.set(template, {
          template,
          sample: line.message,
          level: line.level,
          count: 1,
          first: line.time,
          mentioned,
          propagated: mentioned.length > 0 || propagationPattern.test(line.message.toLowerCase()),
          categories: categoryHits(line.message),
          evidenceId: logs.id,
        });
      }
      let intrinsic = 0;
      let propagated = 0;
      for (const signature of after.values()) {
        if (seenBefore.has(signature.template)) {
          profile.recurringLines += signature.count;
          continue;
        }
        profile.newSignatures.push(signature);
        const weight = levelWeight[signature.level] * signature.count;
        if (signature.propagated) propagated += weight;
        else intrinsic += weight;
      }
      profile.newSignatures.sort(
        (left, right) => right.count * levelWeight[right.level] - left.count * levelWeight[left.level],
      );
      profile.intrinsicErrors = saturate(intrinsic, 4);
      profile.propagatedShare = intrinsic + propagated > 0 ? propagated / (intrinsic + propagated) : 0;
      const firstNew = profile.newSignatures
        .filter((signature) => levelWeight[signature.level] >= 1)
        .map((signature) => signature.first.getTime());
      if (firstNew.length > 0) {
        const errorOnset = Math.min(...firstNew);
        profile.onset = profile.onset === null ? errorOnset : Math.min(profile.onset, errorOnset);
      }
      if (profile.newSignatures.length > 0) profile.evidenceIds.add(logs.id);
    }

    profile.kubernetes = kubernetesScore(byService('kubernetes', entity.name), {
      from: entities.window.from.getTime(),
      reference,
    });
    if (profile.kubernetes.evidenceId && profile.kubernetes.score > 0)
      profile.evidenceIds.add(profile.kubernetes.evidenceId);
    profiles.set(entity.name, profile);
  }

  for (const item of evidence) {
    if (item.status !== 'ok' || !item.data) continue;
    if (item.data.port === 'changes') {
      for (const change of item.data.changes) {
        const profile = profiles.get(change.service);
        const proximity = changeProximity(change.time, onset);
        if (profile && proximity > 0) profile.changes.push({ change, proximity, evidenceId: item.id });
      }
    }
    if (item.data.port === 'alerts') {
      for (const alert of item.data.alerts) {
        const profile = alert.service ? profiles.get(alert.service) : undefined;
        if (profile && alert.status === 'firing') {
          profile.alerted = true;
          profile.alertEvidence.push(item.id);
        }
      }
    }
    if (item.data.port === 'similar_incidents') {
      for (const incident of item.data.incidents) {
        const profile = profiles.get(incident.service);
        if (profile && incident.similarity > profile.similar) {
          profile.similar = incident.similarity;
          profile.similarEvidence = [item.id];
        }
      }
    }
  }

  // Errors that name another service are blame for it ("x509 … payments-api:443", "timeout calling inventory").
  for (const profile of profiles.values()) {
    for (const signature of profile.newSignatures) {
      for (const named of signature.mentioned) {
        const target = profiles.get(named);
        if (!target) continue;
        const entry = target.blamedBy.find((blame) => blame.service === profile.entity.name);
        // The same failure against several targets points at something they share, so each gets a share.
        const lines = (signature.count * Math.max(levelWeight[signature.level], 0.3)) / signature.mentioned.length;
        if (entry) {
          entry.lines += lines;
          if (levelWeight[signature.level] > entry.weight)
            Object.assign(entry, { sample: signature.sample, weight: levelWeight[signature.level] });
        } else
          target.blamedBy.push({
            service: profile.entity.name,
            lines,
            evidenceId: signature.evidenceId,
            sample: signature.sample,
            weight: levelWeight[signature.level],
          });
      }
    }
  }
  for (const profile of profiles.values()) {
    const lines = profile.blamedBy.reduce((sum, entry) => sum + entry.lines, 0);
    // Several callers agreeing is stronger than one caller shouting.
    profile.blame = saturate(lines, 3) * Math.min(1, 0.7 + 0.15 * profile.blamedBy.length);
    for (const entry of profile.blamedBy) profile.evidenceIds.add(entry.evidenceId);
  }
  return profiles;
}

/** Own trouble that is not merely a report of a dependency's failure (its metrics move because its errors do). */
function intrinsicTrouble(profile: ServiceProfile): number {
  return Math.max(profile.intrinsicErrors, profile.kubernetes.score, profile.anomaly * (1 - profile.propagatedShare));
}

/**
 * Blame from callers, weighed by credibility: a service whose own telemetry did not move at all is probably being
 * blamed for the caller's problem (0.3×), and a service whose own errors pass the blame on is a relay (0.4×).
 */
function effectiveBlame(profile: ServiceProfile): number {
  const clean =
    profile.hasMetrics && profile.movement < 0.15 && profile.intrinsicErrors < 0.2 && profile.kubernetes.score < 0.3;
  return profile.blame * (clean ? 0.3 : 1) * (profile.propagatedShare > 0.5 ? 0.4 : 1);
}

/** Which kinds of failure the incident's new errors show, as shares of their weight (all services together). */
function incidentCategoryShares(profiles: Map<string, ServiceProfile>): Partial<Record<RootCauseCategory, number>> {
  const totals: Partial<Record<RootCauseCategory, number>> = {};
  let total = 0;
  for (const profile of profiles.values()) {
    for (const signature of profile.newSignatures) {
      const weight = signature.count * levelWeight[signature.level];
      total += weight;
      for (const category of Object.keys(signature.categories) as RootCauseCategory[]) {
        totals[category] = (totals[category] ?? 0) + weight;
      }
    }
  }
  if (total === 0) return {};
  return Object.fromEntries(Object.entries(totals).map(([category, weight]) => [category, (weight as number) / total]));
}

const specificCategories: RootCauseCategory[] = [
  'certificate',
  'data',
  'network',
  'resource_exhaustion',
  'capacity',
  'infrastructure',
];

/** The specific kind of failure a change's own description names ("NetworkPolicy", "migration", "certificate"), if any. */
function changeContentCategory(change: ChangeRecord): RootCauseCategory | null {
  const hits = categoryHits(change.summary);
  const best = specificCategories
    .map((category) => [category, hits[category] ?? 0] as const)
    .sort((left, right) => right[1] - left[1])[0];
  return best && best[1] > 0 ? best[0] : null;
}

/**
 * A change is suspicious in proportion to its proximity, corroborated by trouble on the changed service, by credible
 * blame from its callers, or by coherence: the incident's errors show the very kind of failure the change's
 * description names (a certificate rotation, then certificate errors elsewhere).
 */
function changeCause(
  profile: ServiceProfile,
  shares: Partial<Record<RootCauseCategory, number>>,
): { score: number; change: ServiceProfile['changes'][number] | null } {
  const own = Math.max(intrinsicTrouble(profile), effectiveBlame(profile));
  let best: ServiceProfile['changes'][number] | null = null;
  let score = 0;
  for (const entry of profile.changes) {
    const content = changeContentCategory(entry.change);
    const coherence = content ? (shares[content] ?? 0) : 0;
    const corroboration = 0.2 + 0.8 * Math.max(own, coherence);
    const value = entry.proximity * kindWeight(entry.change.kind) * corroboration;
    if (value > score) {
      score = value;
      best = entry;
    }
  }
  return { score, change: best };
}

/**
 * Causes sit on the alerting service or downstream of it. Its callers, and services that use one of the same
 * dependencies (a job writing into the database the alerting service reads), can cause it too, less often.
 */
function topologyWeight(entity: ServiceEntity, anyAlertMatched: boolean, sharesDependency: boolean): number {
  if (!anyAlertMatched) return 0.8;
  const distance = entity.dependencyDistance;
  if (distance !== null) return [1, 0.95, 0.85][distance] ?? 0.75;
  if (entity.callerDistance !== null || sharesDependency) return 0.6;
  return 0.35;
}

function dependencyClosure(service: string, graph: Array<[string, string]>): Set<string> {
  const seen = new Set<string>();
  const queue = [service];
  while (queue.length > 0) {
    const current = queue.shift() as string;
    for (const [from, to] of graph) {
      if (from === current && !seen.has(to) && to !== service) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  return seen;
}

/** Picks the category from what the evidence about this service says, the implicated change first. */
export function inferCategory(
  profile: ServiceProfile,
  implicated: ChangeRecord | null,
  callersTraffic: number,
): RootCauseCategory {
  if (implicated) {
    const content = changeContentCategory(implicated);
    if (content) return content;
    if (implicated.kind === 'deploy') return 'deploy';
    if (implicated.kind === 'config' || implicated.kind === 'feature_flag') return 'config';
    if (implicated.kind === 'scale') return 'capacity';
    return 'infrastructure';
  }
  const tally = Object.fromEntries(rootCauseCategories.map((category) => [category, 0])) as Record<
    RootCauseCategory,
    number
  >;
  const add = (text: string, weight: number) => {
    for (const [category, count] of Object.entries(categoryHits(text)) as Array<[RootCauseCategory, number]>) {
      tally[category] += count * weight;
    }
  };
  for (const signature of profile.newSignatures) add(signature.sample, levelWeight[signature.level] >= 1 ? 1 : 0.5);
  for (const entry of profile.blamedBy) add(entry.sample, 1);
  for (const reason of profile.kubernetes.reasons) add(reason, 1.5);
  for (const anomaly of profile.anomalies) {
    if (anomaly.strength < 0.4) continue;
    const name = anomaly.name.toLowerCase();
    if (/memory|heap|disk|inode|fd|file_descriptors|connections_in_use|pool/.test(name) && anomaly.direction === 'up') {
      tally.resource_exhaustion += 1.5 * anomaly.strength;
    }
    if (badDirection(name) === 'both' && anomaly.direction === 'up') tally.capacity += 2 * anomaly.strength;
    if (/cpu/.test(name) && anomaly.direction === 'up') tally.capacity += 0.5 * anomaly.strength;
    if (/dns|servfail/.test(name)) tally.network += 1.5 * anomaly.strength;
    if (/cert|tls/.test(name)) tally.certificate += 1.5 * anomaly.strength;
  }
  tally.capacity += 2 * callersTraffic;
  if (profile.entity.kind === 'external') tally.dependency += 1.5;
  // Deploy and config need a change to point at; without one their words are weak hints.
  tally.deploy *= 0.3;
  tally.config *= 0.3;
  const ranked = rootCauseCategories
    .map((category) => [category, tally[category]] as const)
    .sort((left, right) => right[1] - left[1]);
  const top = ranked[0];
  if (top && top[1] > 0) return top[0];
  return profile.alerted ? 'resource_exhaustion' : 'dependency';
}

export interface RankOptions {
  /** How many hypotheses to return (default 5). */
  limit?: number;
}

/** Step 3: ranked candidate causes, best first; each names its service, category, score, reasons and evidence. */
export function rankHypotheses(
  entities: InvestigationEntities,
  evidence: EvidenceItem[],
  options: RankOptions = {},
): Hypothesis[] {
  const profiles = profileServices(entities, evidence);
  const topology = evidence.find((item) => item.port === 'topology' && item.data?.port === 'topology');
  const edges = topology?.data?.port === 'topology' ? topology.data.graph.dependencies : [];
  const anyMatched = entities.alertServices.length > 0;
  const unwell = [...profiles.values()].filter(
    (profile) => Math.max(intrinsicTrouble(profile), profile.blame, profile.anomaly) >= 0.4,
  );
  const onsets = unwell.map((profile) => profile.onset).filter((value): value is number => value !== null);
  const earliest = onsets.length > 0 ? Math.min(...onsets) : null;
  const shares = incidentCategoryShares(profiles);
  const health = (profile: ServiceProfile) =>
    Math.max(intrinsicTrouble(profile), effectiveBlame(profile), changeCause(profile, shares).score);
  // Any visible trouble, relaying included: enough to believe a caller whose errors name this service.
  const troubled = (profile: ServiceProfile) =>
    Math.max(
      health(profile),
      profile.anomaly,
      profile.newSignatures.some((signature) => levelWeight[signature.level] >= 1) ? 0.6 : 0,
    );
  const downstream = new Set(
    entities.services.filter((service) => service.dependencyDistance !== null).map((service) => service.name),
  );

  const hypotheses: Array<Omit<Hypothesis, 'rank'>> = [];
  for (const profile of profiles.values()) {
    const name = profile.entity.name;
    const trouble = intrinsicTrouble(profile);
    const cause = changeCause(profile, shares);
    const blame = effectiveBlame(profile);
    const unhealthy = Math.max(trouble, blame, profile.anomaly);
    const onsetOrder =
      profile.onset === null || earliest === null
        ? unhealthy >= 0.4
          ? 0.5
          : 0
        : Math.max(0, 1 - (profile.onset - earliest) / (15 * 60_000));

    // Explained away. (a) Its own errors name another unhealthy service as the failing party, and it has no
    // intrinsic errors or Kubernetes trouble: a relay, even if it changed recently. (b) Nothing intrinsic and no
    // suspicious change, and an unhealthy dependency whose trouble started no later.
    let explainedBy: ServiceProfile | null = null;
    const intrinsic = profile.kubernetes.score >= 0.6 || profile.intrinsicErrors >= 0.6;
    const named = new Set(profile.newSignatures.flatMap((signature) => signature.mentioned));
    if (!intrinsic) {
      for (const other of [...named].map((service) => profiles.get(service))) {
        if (other && troubled(other) >= 0.45) {
          explainedBy = other;
          break;
        }
      }
    }
    if (!explainedBy && !intrinsic && cause.score < 0.3) {
      for (const dependency of dependencyClosure(name, edges)) {
        const other = profiles.get(dependency);
        if (!other) continue;
        const earlierOrUnknown =
          other.onset === null || profile.onset === null || other.onset <= profile.onset + 5 * 60_000;
        if (health(other) >= 0.45 && earlierOrUnknown) {
          explainedBy = other;
          break;
        }
      }
    }

    const callersTraffic = Math.max(
      0,
      ...[...profiles.values()]
        .filter((caller) => edges.some(([from, to]) => from === caller.entity.name && to === name))
        .flatMap((caller) =>
          caller.anomalies
            .filter((anomaly) => badDirection(anomaly.name) === 'both' && anomaly.direction === 'up')
            .map((anomaly) => anomaly.strength),
        ),
      ...profile.anomalies
        .filter((anomaly) => badDirection(anomaly.name) === 'both' && anomaly.direction === 'up')
        .map((anomaly) => anomaly.strength),
    );

    const factors: HypothesisFactors = {
      changeProximity: round(cause.score),
      topologyDistance: round(
        topologyWeight(
          profile.entity,
          anyMatched,
          edges.some(([from, to]) => from === name && downstream.has(to)),
        ),
      ),
      anomalyStrength: round(profile.anomaly),
      newErrorSignatures: round(profile.intrinsicErrors),
      blamedByNeighbours: round(blame),
      onsetOrder: round(onsetOrder),
      similarIncidents: round(profile.similar),
      explainedByDependency: explainedBy ? 1 : 0,
    };
    const weights = rankerWeights;
    const core =
      weights.change * cause.score +
      weights.intrinsicTrouble * trouble +
      weights.blame * blame +
      weights.onset * onsetOrder +
      weights.alerted * (profile.alerted ? 1 : 0);
    const score =
      factors.topologyDistance * core * (explainedBy ? 1 - weights.explainedPenalty : 1) +
      weights.similar * profile.similar;
    if (score <= 0) continue;

    const reasons: string[] = [];
    const cite = (ids: Iterable<string>) => `[${[...new Set(ids)].join(', ')}]`;
    if (cause.change && cause.score >= 0.1) {
      const minutes = Math.round((entities.onset.getTime() - cause.change.change.time.getTime()) / 60_000);
      reasons.push(
        `${cause.change.change.kind} "${cause.change.change.summary}" on ${name} ${minutes >= 0 ? `${minutes} min before` : `${-minutes} min after`} the onset ${cite([cause.change.evidenceId])}`,
      );
    }
    const lead = profile.newSignatures.find((signature) => !signature.propagated) ?? profile.newSignatures[0];
    if (lead && levelWeight[lead.level] >= 0.3) {
      reasons.push(
        `new ${lead.level} on ${name} (${lead.count}×): "${lead.sample.slice(0, 200)}" ${cite([lead.evidenceId])}`,
      );
    }
    for (const entry of profile.blamedBy.slice(0, 2)) {
      reasons.push(
        `${entry.service} reports errors naming ${name}: "${entry.sample.slice(0, 200)}" ${cite([entry.evidenceId])}`,
      );
    }
    if (profile.kubernetes.reasons.length > 0 && profile.kubernetes.evidenceId) {
      reasons.push(
        `Kubernetes: ${profile.kubernetes.reasons.slice(0, 2).join('; ')} ${cite([profile.kubernetes.evidenceId])}`,
      );
    }
    const anomaly = profile.anomalies[0];
    if (anomaly && anomaly.strength >= 0.3) {
      reasons.push(
        `${anomaly.name} on ${name} went from ${formatValue(anomaly.baseline)} to ${formatValue(anomaly.peak)} at ${new Date(anomaly.peakAt).toISOString()} ${cite([anomaly.evidenceId])}`,
      );
    }
    if (profile.similar > 0)
      reasons.push(`a similar past incident had its cause in ${name} ${cite(profile.similarEvidence)}`);
    if (explainedBy) {
      const ids = [...explainedBy.evidenceIds];
      reasons.push(
        `its trouble is explained by its dependency ${explainedBy.entity.name}${ids.length ? ` ${cite(ids)}` : ''}`,
      );
    }
    const evidenceIds = new Set<string>(profile.evidenceIds);
    if (cause.change && cause.score >= 0.1) evidenceIds.add(cause.change.evidenceId);
    for (const id of profile.alertEvidence) evidenceIds.add(id);
    for (const id of profile.similarEvidence) evidenceIds.add(id);
    if (evidenceIds.size === 0) continue;

    hypotheses.push({
      service: name,
      category: inferCategory(profile, cause.score >= 0.15 ? (cause.change?.change ?? null) : null, callersTraffic),
      score: round(score),
      factors,
      reasons,
      evidenceIds: [...evidenceIds].sort((left, right) => Number(left.slice(1)) - Number(right.slice(1))),
    });
  }
  return hypotheses
    .sort((left, right) => right.score - left.score || (left.service < right.service ? -1 : 1))
    .slice(0, options.limit ?? 5)
    .map((hypothesis, index) => ({ rank: index + 1, ...hypothesis }));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function formatValue(value: number): string {
  const magnitude = Math.abs(value);
  return magnitude >= 100 ? value.toFixed(0) : magnitude >= 1 ? value.toFixed(2) : value.toPrecision(3);
}
