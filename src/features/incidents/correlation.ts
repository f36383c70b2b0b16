import type { NormalizedAlert } from '../alerts/index.js';

/** An open incident as correlation sees it. */
export interface CorrelationCandidate {
  id: string;
  title: string;
  service: string | null;
  environment: string | null;
  groupKey: string | null;
  lastAlertAt: Date;
}

export interface CorrelationMatch {
  score: number;
  reason: string;
}

/** One signal that an alert belongs to an incident. Scores are 0–1; the best scorer's verdict wins. */
export interface CorrelationScorer {
  readonly name: string;
  score(alert: NormalizedAlert, candidate: CorrelationCandidate): CorrelationMatch | undefined;
}

export const groupKeyScorer: CorrelationScorer = {
  name: 'group_key',
  score: (alert, candidate) =>
    alert.groupKey && alert.groupKey === candidate.groupKey
      ? { score: 1, reason: 'same Alertmanager group' }
      : undefined,
};

export const serviceScorer: CorrelationScorer = {
  name: 'service',
  score: (alert, candidate) =>
    alert.service && alert.service === candidate.service
      ? { score: 0.8, reason: `same service "${alert.service}"` }
      : undefined,
};

const stopWords = new Set(['the', 'and', 'for', 'with', 'from', 'high', 'low', 'is', 'on', 'in', 'of', 'to']);

function titleTokens(title: string): Set<string> {
  return new Set(
    title
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      // Numbers (pod suffixes, percentages) differ between otherwise identical alerts.
      .filter((token) => token.length >= 3 && !/^\d+$/.test(token) && !stopWords.has(token)),
  );
}

/** Jaccard similarity of the titles' word sets, 0–1. Titles of one significant word only match when identical. */
export function titleSimilarity(first: string, second: string): number {
  return tokenSimilarity(first, titleTokens(first), second, titleTokens(second));
}

function tokenSimilarity(first: string, a: Set<string>, second: string, b: Set<string>): number {
  if (a.size < 2 || b.size < 2) return first.trim().toLowerCase() === second.trim().toLowerCase() && a.size > 0 ? 1 : 0;
  let shared = 0;
  for (const token of a) if (b.has(token)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * Near-identical titles across services (one cause, many symptoms); weight 0.6 needs ≥ 84% similarity at 0.5.
 * Token sets are memoised for the scorer's life (one intake batch): a storm compares each alert with every open
 * incident, and re-splitting the same titles was a fifth of intake's CPU.
 */
export function titleSimilarityScorer(weight: number): CorrelationScorer {
  const tokens = new Map<string, Set<string>>();
  const tokensOf = (title: string) => {
    let set = tokens.get(title);
    if (!set) {
      set = titleTokens(title);
      tokens.set(title, set);
    }
    return set;
  };
  return {
    name: 'title_similarity',
    score(alert, candidate) {
      if (weight <= 0) return undefined;
      const similarity = tokenSimilarity(
        alert.title,
        tokensOf(alert.title),
        candidate.title,
        tokensOf(candidate.title),
      );
      return similarity > 0
        ? { score: similarity * weight, reason: `similar title (${Math.round(similarity * 100)}%)` }
        : undefined;
    },
  };
}

/** Hops between two services in the service graph; undefined when unknown or unconnected. */
export type TopologyDistance = (orgId: string, from: string, to: string) => number | undefined;

/**
 * Services a hop or two apart in the dependency graph fail together. Plugged in once service discovery
 * provides the graph; distances are looked up synchronously from a snapshot the caller keeps fresh.
 */
export function topologyScorer(orgId: string, distance: TopologyDistance): CorrelationScorer {
  return {
    name: 'topology',
    score(alert, candidate) {
      if (!alert.service || !candidate.service || alert.service === candidate.service) return undefined;
      const hops = distance(orgId, alert.service, candidate.service);
      if (hops === undefined || hops < 1 || hops > 2) return undefined;
      return {
        score: hops === 1 ? 0.7 : 0.5,
        reason: `"${alert.service}" is ${hops} hop(s) from "${candidate.service}"`,
      };
    },
  };
}

export interface CorrelationRules {
  windowMinutes: number;
  threshold: number;
  scorers: CorrelationScorer[];
}

/**
 * The open incident an alert should join, if any: within the window, never across environments,
 * scoring at least the threshold. Ties go to the most recently active incident.
 */
export function bestIncident(
  alert: NormalizedAlert,
  candidates: CorrelationCandidate[],
  rules: CorrelationRules,
  now: Date,
): { candidate: CorrelationCandidate; match: CorrelationMatch } | undefined {
  const windowStart = now.getTime() - rules.windowMinutes * 60_000;
  let best: { candidate: CorrelationCandidate; match: CorrelationMatch } | undefined;
  for (const candidate of candidates) {
    if (candidate.lastAlertAt.getTime() < windowStart) continue;
    if (alert.environment && candidate.environment && alert.environment !== candidate.environment) continue;
    for (const scorer of rules.scorers) {
      const match = scorer.score(alert, candidate);
      if (!match || match.score < rules.threshold) continue;
      if (
        !best ||
        match.score > best.match.score ||
        (match.score === best.match.score && candidate.lastAlertAt > best.candidate.lastAlertAt)
      ) {
        best = { candidate, match };
      }
    }
  }
  return best;
}
