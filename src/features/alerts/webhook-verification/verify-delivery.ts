import type { AlertSource } from '../alert.model.js';
import { checkCredentials } from './credentials.js';
import {
  type GrafanaSignatureOptions,
  type SchemeResult,
  type SignedRequest,
  verifyAuroraSignature,
  verifyGrafanaSignature,
  verifyPagerDutySignature,
  verifySentrySignature,
} from './hmac-signatures.js';
import type { SnsFailure, SnsMessageVerifier } from './sns-signature.js';

/**
 * Authenticates one webhook delivery before anything is parsed or stored.
 *
 * | source                              | accepted                                                              |
 * |-------------------------------------|-----------------------------------------------------------------------|
 * | alertmanager, datadog, opsgenie     | Authorization: Bearer {secret} (or Basic with password = secret)      |
 * | grafana                             | Bearer/Basic, or the Grafana HMAC signature (+ timestamp)            |
 * | pagerduty                           | Bearer/Basic, or X-PagerDuty-Signature v1                             |
 * | sentry                              | Bearer/Basic, or Sentry-Hook-Signature                                |
 * | generic                             | Bearer/Basic, or X-Aurora-Signature + X-Aurora-Timestamp              |
 * | cloudwatch (SNS)                    | the SNS message signature AND Bearer/Basic                            |
 *
 * One valid method is enough for every source but CloudWatch. PagerDuty and Sentry always send their signature
 * header, keyed with a secret they generate; if the integration authenticates with a Bearer header instead (PagerDuty
 * custom headers), that vendor signature is not checked. A present but wrong signature is reported only when no
 * other method succeeded. For CloudWatch both are required: the SNS signature proves the message came from AWS,
 * and the secret (sent via `https://user:{secret}@host/…` as Basic, or a Bearer header) proves it was meant for
 * this integration, since anyone can point their own SNS topic at our URL.
 *
 * Failures carry a short machine reason and never the secret or an expected signature.
 */

export interface VerifyRequest {
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
  now: Date;
}

export interface VerifyOptions {
  /** Required for cloudwatch; one instance per process so its certificate cache is shared. */
  sns?: SnsMessageVerifier;
  grafana?: GrafanaSignatureOptions;
  /** Replay window for timestamped signatures (generic, Grafana), both directions. Default 300 seconds. */
  toleranceSeconds?: number;
}

export type VerificationFailure =
  | 'missing_secret'
  | 'missing_credentials'
  | 'bad_credentials'
  | 'bad_signature'
  | 'missing_timestamp'
  | 'bad_timestamp'
  | 'stale_timestamp'
  | 'sns_verifier_not_configured'
  | SnsFailure;

export type VerificationResult = { ok: true; method: string } | { ok: false; reason: VerificationFailure };

export const defaultToleranceSeconds = 300;

export async function verifyDelivery(
  source: AlertSource,
  request: VerifyRequest,
  secret: string,
  options: VerifyOptions = {},
): Promise<VerificationResult> {
  // An empty secret would make "Bearer " plus nothing a valid credential.
  if (typeof secret !== 'string' || secret.length === 0) return { ok: false, reason: 'missing_secret' };
  const credentials = checkCredentials(request.headers, secret);
  if (source === 'cloudwatch') return verifySns(request, credentials, options);
  if (credentials.state === 'valid') return { ok: true, method: credentials.method };

  const signature = vendorSignature(source, request, secret, options);
  if (signature.state === 'valid') return { ok: true, method: signature.method };
  if (signature.state === 'invalid') return { ok: false, reason: signature.reason };
  return { ok: false, reason: credentials.state === 'invalid' ? 'bad_credentials' : 'missing_credentials' };
}

function vendorSignature(
  source: Exclude<AlertSource, 'cloudwatch'>,
  request: SignedRequest,
  secret: string,
  options: VerifyOptions,
): SchemeResult {
  const tolerance = options.toleranceSeconds ?? defaultToleranceSeconds;
  switch (source) {
    case 'pagerduty':
      return verifyPagerDutySignature(request, secret);
    case 'sentry':
      return verifySentrySignature(request, secret);
    case 'grafana':
      return verifyGrafanaSignature(request, secret, options.grafana ?? {}, tolerance);
    case 'generic':
      return verifyAuroraSignature(request, secret, tolerance);
    case 'alertmanager':
    case 'datadog':
    case 'opsgenie':
      return { state: 'absent' };
  }
}

async function verifySns(
  request: VerifyRequest,
  credentials: ReturnType<typeof checkCredentials>,
  options: VerifyOptions,
): Promise<VerificationResult> {
  // Credentials first: they are cheap, and an unauthenticated caller must not make us fetch certificates.
  if (credentials.state === 'absent') return { ok: false, reason: 'missing_credentials' };
  if (credentials.state === 'invalid') return { ok: false, reason: 'bad_credentials' };
  if (!options.sns) return { ok: false, reason: 'sns_verifier_not_configured' };
  let message: unknown;
  try {
    message = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed_body' };
  }
  const result = await options.sns.verify(message, request.now);
  if (!result.ok) return result;
  return { ok: true, method: `sns-signature+${credentials.method}` };
}
