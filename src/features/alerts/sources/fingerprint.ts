import { createHash } from 'node:crypto';
import type { AlertSource } from '../alert.model.js';
import { cleanLine } from './normalize.js';

/**
 * Fingerprints identify "the same alert" across deliveries, so dedup can update instead of insert. Every fingerprint
 * starts with `{source}:` so two sources never collide.
 *
 * - Native: the source's own identity, `{source}:{part}:{part}…` (Alertmanager/Grafana `fingerprint`, PagerDuty
 *   incident id, Datadog monitor id + group, Opsgenie alias, CloudWatch alarm ARN, Sentry issue id). A native id
 *   longer than 256 characters is hashed as below, so fingerprints stay index-friendly.
 * - Hashed: `{source}:sha256:{hex}` where hex is SHA-256 over the JSON array
 *   `[source, [[name, value], …]]` of the identifying fields, sorted by name, with absent fields left out. Each
 *   parser documents which fields it passes (e.g. Alertmanager without a fingerprint: every label; generic JSON
 *   without a mapped fingerprint: title, service, environment and every label).
 */

const maxNativeLength = 256;

export function nativeFingerprint(source: AlertSource, ...parts: string[]): string {
  const joined = parts.join(':');
  if (joined.length === 0 || joined.length > maxNativeLength) return hashedFingerprint(source, { id: joined });
  return `${source}:${joined}`;
}

export function hashedFingerprint(source: AlertSource, fields: Record<string, string | null | undefined>): string {
  const entries = Object.entries(fields)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
  const digest = createHash('sha256')
    .update(JSON.stringify([source, entries]))
    .digest('hex');
  return `${source}:sha256:${digest}`;
}

/** A native id when the payload has a usable one, else the hash of the given fields. */
export function fingerprintFrom(
  source: AlertSource,
  nativeId: unknown,
  fallbackFields: Record<string, string | null | undefined>,
): string {
  const id = cleanLine(nativeId, 1_024);
  return id === null ? hashedFingerprint(source, fallbackFields) : nativeFingerprint(source, id);
}
