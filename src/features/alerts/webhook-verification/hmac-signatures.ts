import { constantTimeEqual, hmacSha256Hex } from './constant-time.js';

/**
 * The vendors' HMAC signature schemes, each keyed with the integration's secret. A scheme returns `absent` when the
 * request carries no signature for it, so the caller can fall back to the Authorization header.
 */

export type SchemeResult =
  | { state: 'absent' }
  | { state: 'valid'; method: string }
  | { state: 'invalid'; reason: 'bad_signature' | 'missing_timestamp' | 'bad_timestamp' | 'stale_timestamp' };

export interface SignedRequest {
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
  now: Date;
}

const maxSignatureHeaderLength = 4_096;

/**
 * PagerDuty v3: `X-PagerDuty-Signature: v1=<hex HMAC-SHA256(secret, raw body)>[,v1=<hex>…]`. Several signatures
 * appear during a secret rotation; any one matching is enough; versions other than v1 are ignored.
 * https://developer.pagerduty.com/docs/webhooks/webhook-signatures/
 */
export function verifyPagerDutySignature(request: SignedRequest, secret: string): SchemeResult {
  const header = request.headers['x-pagerduty-signature'];
  if (header === undefined || header.trim() === '') return { state: 'absent' };
  if (header.length > maxSignatureHeaderLength) return { state: 'invalid', reason: 'bad_signature' };
  const expected = `v1=${hmacSha256Hex(secret, request.rawBody)}`;
  let matched = false;
  for (const candidate of header.split(',')) {
    const signature = candidate.trim();
    // Compare every candidate, so timing does not reveal which one matched.
    if (signature.startsWith('v1=') && constantTimeEqual(signature.toLowerCase(), expected)) matched = true;
  }
  return matched ? { state: 'valid', method: 'pagerduty-signature' } : { state: 'invalid', reason: 'bad_signature' };
}

/**
 * Sentry integration platform: `Sentry-Hook-Signature: <hex HMAC-SHA256(client secret, body)>`. Sentry signs the
 * JSON it sends; its documented check re-serialises the parsed body (`JSON.stringify(request.body)`), so a body that
 * a proxy re-formatted is accepted when its compact re-serialisation matches. `Sentry-Hook-Timestamp` is not signed
 * and not checked. https://docs.sentry.io/organization/integrations/integration-platform/webhooks/
 */
export function verifySentrySignature(request: SignedRequest, secret: string): SchemeResult {
  const header = request.headers['sentry-hook-signature']?.trim();
  if (!header) return { state: 'absent' };
  if (header.length > maxSignatureHeaderLength) return { state: 'invalid', reason: 'bad_signature' };
  const provided = header.toLowerCase();
  if (constantTimeEqual(provided, hmacSha256Hex(secret, request.rawBody))) {
    return { state: 'valid', method: 'sentry-signature' };
  }
  const compact = compactJson(request.rawBody);
  if (compact !== null && constantTimeEqual(provided, hmacSha256Hex(secret, compact))) {
    return { state: 'valid', method: 'sentry-signature' };
  }
  return { state: 'invalid', reason: 'bad_signature' };
}

export interface GrafanaSignatureOptions {
  /** Header holding the signature (Grafana's "Header" setting); default X-Grafana-Alerting-Signature. */
  signatureHeader?: string;
  /** Header holding the Unix-seconds timestamp (Grafana's "Timestamp Header"; it has no default name). */
  timestampHeader?: string;
  /** Reject signatures without a timestamp (no replay protection otherwise). Default false. */
  requireTimestamp?: boolean;
}

export const defaultGrafanaSignatureHeaders = ['x-grafana-alerting-signature', 'x-grafana-alert-signature'] as const;
export const defaultGrafanaTimestampHeader = 'x-grafana-alerting-signature-timestamp';

/**
 * Grafana webhook contact point HMAC: hex HMAC-SHA256(secret, `{timestamp}:{body}`) when a timestamp header is
 * configured, else HMAC-SHA256(secret, body). The default signature header is `X-Grafana-Alerting-Signature`
 * (docs; older grafana/alerting code used `X-Grafana-Alert-Signature`, also accepted when no header is configured).
 * The timestamp header has no default in Grafana; we read `X-Grafana-Alerting-Signature-Timestamp` (the name in
 * Grafana's provisioning examples) unless configured otherwise, and reject timestamps outside the tolerance.
 * https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/
 */
export function verifyGrafanaSignature(
  request: SignedRequest,
  secret: string,
  options: GrafanaSignatureOptions,
  toleranceSeconds: number,
): SchemeResult {
  const headerNames = options.signatureHeader
    ? [options.signatureHeader.toLowerCase()]
    : defaultGrafanaSignatureHeaders;
  const header = headerNames.map((name) => request.headers[name]?.trim()).find((value) => value);
  if (!header) return { state: 'absent' };
  if (header.length > maxSignatureHeaderLength) return { state: 'invalid', reason: 'bad_signature' };
  const timestamp = request.headers[(options.timestampHeader ?? defaultGrafanaTimestampHeader).toLowerCase()]?.trim();
  let expected: string;
  if (timestamp) {
    const problem = checkTimestamp(timestamp, request.now, toleranceSeconds);
    if (problem !== null) return { state: 'invalid', reason: problem };
    expected = hmacSha256Hex(secret, `${timestamp}:`, request.rawBody);
  } else {
    if (options.requireTimestamp) return { state: 'invalid', reason: 'missing_timestamp' };
    expected = hmacSha256Hex(secret, request.rawBody);
  }
  return constantTimeEqual(header.toLowerCase(), expected)
    ? { state: 'valid', method: 'grafana-signature' }
    : { state: 'invalid', reason: 'bad_signature' };
}

/**
 * Aurora's own scheme for the generic source: `X-Aurora-Signature: sha256=<hex HMAC-SHA256(secret,
 * `{timestamp}.{raw body}`)>` with `X-Aurora-Timestamp: <unix seconds>`, accepted within ±tolerance (default 300 s)
 * of our clock, both directions, edges inclusive.
 */
export function verifyAuroraSignature(request: SignedRequest, secret: string, toleranceSeconds: number): SchemeResult {
  const header = request.headers['x-aurora-signature']?.trim();
  if (!header) return { state: 'absent' };
  if (header.length > maxSignatureHeaderLength) return { state: 'invalid', reason: 'bad_signature' };
  const timestamp = request.headers['x-aurora-timestamp']?.trim();
  if (!timestamp) return { state: 'invalid', reason: 'missing_timestamp' };
  const problem = checkTimestamp(timestamp, request.now, toleranceSeconds);
  if (problem !== null) return { state: 'invalid', reason: problem };
  const expected = `sha256=${signAuroraPayload(secret, timestamp, request.rawBody)}`;
  return constantTimeEqual(header.toLowerCase(), expected)
    ? { state: 'valid', method: 'aurora-signature' }
    : { state: 'invalid', reason: 'bad_signature' };
}

/** The hex HMAC a generic sender puts after `sha256=` (exported for senders, docs and tests). */
export function signAuroraPayload(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return hmacSha256Hex(secret, `${timestamp}.`, rawBody);
}

function checkTimestamp(
  timestamp: string,
  now: Date,
  toleranceSeconds: number,
): 'bad_timestamp' | 'stale_timestamp' | null {
  if (!/^\d{1,12}$/.test(timestamp)) return 'bad_timestamp';
  const skew = Math.abs(now.getTime() / 1000 - Number(timestamp));
  return skew <= toleranceSeconds ? null : 'stale_timestamp';
}

function compactJson(rawBody: Buffer): string | null {
  try {
    const compact = JSON.stringify(JSON.parse(rawBody.toString('utf8')));
    return compact === rawBody.toString('utf8') ? null : compact;
  } catch {
    return null;
  }
}
