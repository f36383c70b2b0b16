import type { MetricSeries, RootCauseCategory } from '../telemetry/index.js';

/**
 * Pure signal extraction shared by the ranker, the baseline and the excerpts: error-message templates, metric anomaly
 * scores and the category lexicon. Nothing here knows about scenarios.
 */

/** A log message with its variable parts masked, so "timeout after 5012 ms" and "timeout after 4977 ms" are one signature. */
export function errorTemplate(message: string): string {
  return message
    .toLowerCase()
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')
    .replace(/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, '<ip>')
    .replace(/(?<![a-z0-9])[a-z_]*?[0-9a-f]{6,}(?![a-z0-9])/g, (match) => (/\d/.test(match) ? '<hex>' : match))
    .replace(/"[^"]*"|'[^']*'/g, '<str>')
    .replace(/\d+(\.\d+)?/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 160);
}

/** Whether higher is worse for a signal, from its name; traffic can be bad either way. */
export function badDirection(name: string): 'up' | 'down' | 'both' {
  const lower = name.toLowerCase();
  if (/success|availability|apdex|uptime|hit_ratio|hit_rate|free|available|ready_replicas|healthy/.test(lower))
    return 'down';
  if (/request|rps|qps|traffic|throughput|invocations|messages_in/.test(lower)) return 'both';
  return 'up';
}

export interface SeriesAnomaly {
  name: string;
  /** 0 (normal) to 1 (far outside its own baseline) in the bad direction. */
  strength: number;
  direction: 'up' | 'down';
  baseline: number;
  peak: number;
  peakAt: number;
  /** First point that left the baseline band, or null. */
  onset: number | null;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * Robust anomaly score of one series around an incident onset: the baseline is the series before `baselineEnd`
 * (median and MAD); the score is the largest later deviation in units of max(3·σ, 20% of the baseline), mapped to
 * 0..1 (1 deviation unit → 0, 5 → 1). Traffic drops count at 40%, being usually a symptom of a failing caller.
 */
export function analyseSeries(series: MetricSeries, baselineEnd: number, anyDirection = false): SeriesAnomaly | null {
  const points = series.points.filter(([, value]) => Number.isFinite(value));
  if (points.length < 3) return null;
  let baselinePoints = points.filter(([at]) => at < baselineEnd);
  let later = points.filter(([at]) => at >= baselineEnd);
  if (baselinePoints.length < 3 || later.length === 0) {
    const split = Math.max(1, Math.floor(points.length / 3));
    baselinePoints = points.slice(0, split);
    later = points.slice(split);
  }
  const values = baselinePoints.map(([, value]) => value);
  const center = median(values);
  const sigma = 1.4826 * median(values.map((value) => Math.abs(value - center)));
  const scale = Math.max(3 * sigma, 0.2 * Math.abs(center), 1e-9);
  const direction = anyDirection ? 'any' : badDirection(series.name);
  let best: { deviation: number; at: number; value: number; up: boolean } | null = null;
  let onset: number | null = null;
  for (const [at, value] of later) {
    const signed = (value - center) / scale;
    const up = signed >= 0;
    const weight =
      direction === 'any' ? 1 : direction === 'both' ? (up ? 1 : 0.4) : (direction === 'up') === up ? 1 : 0;
    const deviation = Math.abs(signed) * weight;
    if (deviation >= 2 && onset === null) onset = at;
    if (!best || deviation > best.deviation) best = { deviation, at, value, up };
  }
  if (!best) return null;
  return {
    name: series.name,
    strength: Math.min(1, Math.max(0, (best.deviation - 1) / 4)),
    direction: best.up ? 'up' : 'down',
    baseline: center,
    peak: best.value,
    peakAt: best.at,
    onset,
  };
}

/** Category signatures: words that, seen in errors, events or change summaries about a service, point to a kind of cause. */
export const categoryLexicon: Record<RootCauseCategory, RegExp[]> = {
  certificate: [
    /x509/,
    /certificate/,
    /\bcert(s)?\b/,
    /tls handshake|ssl handshake|handshake fail/,
    /unknown authority|self[- ]signed|ssl_error|certificate verify/,
  ],
  resource_exhaustion: [
    /oomkill|out of memory|outofmemory|heap space|memory limit|oom/,
    /no space left|disk full|disk usage|inode/,
    /too many open files|file descriptor/,
    /pool exhausted|connection pool|exhausted|thread pool/,
    /cpu throttl|memory pressure/,
  ],
  network: [
    /\bdns\b|no such host|nxdomain|could not resolve|name resolution|resolve host/,
    /connection reset|econnreset|broken pipe|i\/o timeout|etimedout|connection timed out/,
    /no route to host|network is unreachable|ehostunreach|enetunreach/,
    /packet loss|retransmit|\bmtu\b/,
    /networkpolicy|network policy|security group|firewall|\bacl\b|ingress rule|egress/,
  ],
  capacity: [
    /rate limit|too many requests|\b429\b/,
    /queue (is )?full|backlog|saturat|load shed/,
    /max(imum)? replicas|maxreplicas|autoscal|\bhpa\b/,
    /traffic (spike|surge)|surge|capacity|insufficient (cpu|memory)|failedscheduling/,
  ],
  data: [
    /migration|schema|column|constraint|violates/,
    /null value|deserializ|unmarshal|malformed|corrupt/,
    /parse error|unexpected token|invalid (record|payload|json|row|message)|poison/,
    /duplicate key|encoding|checksum mismatch/,
  ],
  infrastructure: [
    /nodenotready|node .{0,40}not ready|kernel|diskpressure|disk pressure/,
    /failedmount|failedattach|persistentvolume|\bvolume\b|\bebs\b/,
    /availability zone|\bzone\b|hypervisor|instance (retired|terminated|stopped)|host (down|unreachable)/,
    /evict|node lost|spot interruption|terraform/,
  ],
  dependency: [
    /provider|third[- ]party|vendor/,
    /upstream (returned|error)|(502|503|504) from|service unavailable|gateway timeout/,
    /status (5\d\d)|responded (5\d\d)/,
  ],
  deploy: [
    /\bversion\b|rollout|\bimage\b|release|\bbuild\b|regression/,
    /nullpointer|typeerror|undefined is not|panic|exception|stack ?trace|segfault|cannot read propert/,
  ],
  config: [
    /\bconfig(uration)?\b|feature flag|\bflag\b|env(ironment)? var|setting|misconfigur/,
    /invalid value|missing (key|setting|variable)|timeout (set|lowered|changed)/,
  ],
};

/** How strongly a text points at each category (one point per matching pattern). */
export function categoryHits(text: string): Partial<Record<RootCauseCategory, number>> {
  const lower = text.toLowerCase();
  const hits: Partial<Record<RootCauseCategory, number>> = {};
  for (const [category, patterns] of Object.entries(categoryLexicon) as Array<[RootCauseCategory, RegExp[]]>) {
    const count = patterns.filter((pattern) => pattern.test(lower)).length;
    if (count > 0) hits[category] = count;
  }
  return hits;
}

/** Words in an error that say the failure is someone else's (the service is reporting a dependency's trouble). */
export const propagationPattern =
  /upstream|downstream|calling|call to|request to|from [a-z0-9-]+:|timed? ?out (after|waiting|calling|connecting)|connection refused|unavailable|dial tcp|connect(ion)? (to|failed)|failed to (reach|connect|call)|circuit (breaker )?open|returned (5\d\d|error)|(502|503|504)/;

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces every known service name in a message with <svc>. */
export function maskServices(message: string, services: string[]): string {
  let masked = message;
  for (const service of [...services].sort((left, right) => right.length - left.length)) {
    masked = masked.replace(
      new RegExp(`(^|[^a-z0-9-])${escapeRegExp(service)}(?=$|[^a-z0-9-])`, 'gi'),
      (_match, before: string) => `${before}<svc>`,
    );
  }
  return masked;
}

/** Does `message` name `service` (as a word, a host name, or `service:port`)? */
export function mentions(message: string, service: string): boolean {
  return new RegExp(`(^|[^a-z0-9-])${escapeRegExp(service.toLowerCase())}($|[^a-z0-9-])`).test(message.toLowerCase());
}
