import { verify as verifySignature, X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { defaultSnsHostPattern, isSnsHostUrl } from './sns-hosts.js';

/**
 * Amazon SNS message signatures, as AWS documents them:
 * https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html
 *
 * 1. `SignatureVersion` 1 is SHA1withRSA, 2 is SHA256withRSA; anything else is rejected.
 * 2. `SigningCertURL` must be `https:` on `sns.<region>.amazonaws.com[.cn]` (port 443, no credentials) and end in
 *    `.pem`; this is checked before anything is fetched.
 * 3. The certificate is fetched through the injected fetcher, must chain (signature by signature, with
 *    X509Certificate.checkIssued/verify) to a trusted root, and every certificate in the chain must be valid at the
 *    delivery's time. Chain-verified certificates are cached per URL (bounded, with a TTL).
 * 4. The string to sign is `Name\nValue\n` for each field, in this order:
 *    - Notification: Message, MessageId, Subject (only if present), Timestamp, TopicArn, Type
 *    - SubscriptionConfirmation and UnsubscribeConfirmation: Message, MessageId, SubscribeURL, Timestamp, Token,
 *      TopicArn, Type
 *    and `Signature` is its base64 RSA signature by the certificate's key.
 *
 * Trust anchors default to Node's bundled Mozilla roots. SNS certificate files usually hold only the leaf, signed by
 * an Amazon intermediate (e.g. "Amazon RSA 2048 M01"). Pass intermediates in `intermediates`, or give
 * `fetchIssuerCertificate`: the leaf's Authority Information Access "CA Issuers" URL (on an allowed host, by default
 * `*.amazontrust.com`) is then fetched to complete the chain, which must still end at a trusted root.
 */

export interface SnsVerifierOptions {
  fetchCertificate(url: string): Promise<string>;
  /** PEM trust anchors (each string may hold several certificates). Default: Node's bundled root store. */
  trustedRoots?: string[];
  /** PEM intermediate CA certificates, used to build a path to a trusted root. They are not trusted on their own. */
  intermediates?: string[];
  /** Fetches an issuer certificate (DER or PEM) named by a certificate's AIA "CA Issuers" URL. */
  fetchIssuerCertificate?(url: string): Promise<Buffer>;
  /** Hostname pattern for AIA issuer URLs. Default `*.amazontrust.com`. */
  allowedIssuerHost?: RegExp;
  /** Hostname pattern for SigningCertURL. Default `^sns\.[a-z0-9-]{3,}\.amazonaws\.com(\.cn)?$`. */
  allowedCertificateHost?: RegExp;
  /** When set, messages from any other topic are rejected (`unexpected_topic`). */
  allowedTopicArns?: string[];
  /** Certificates kept in the cache (default 32) and for how long (default 24 hours). */
  cacheSize?: number;
  cacheTtlMs?: number;
}

export type SnsFailure =
  | 'malformed_body'
  | 'unsupported_signature_version'
  | 'missing_signature_fields'
  | 'untrusted_certificate_host'
  | 'unexpected_topic'
  | 'certificate_unavailable'
  | 'untrusted_certificate'
  | 'certificate_expired'
  | 'bad_signature';

export type SnsVerification =
  | { ok: true; type: string; topicArn: string; messageId: string }
  | { ok: false; reason: SnsFailure };

const notificationFields = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const confirmationFields = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const;
const messageTypes = new Set(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']);
const maxCertificateBytes = 65_536;
const maxChainLength = 6;
const defaultIssuerHostPattern = /^([a-z0-9-]+\.)*amazontrust\.com$/;

interface CachedCertificate {
  chain: X509Certificate[];
  expiresAt: number;
}

class CertificateError extends Error {
  constructor(readonly reason: 'certificate_unavailable' | 'untrusted_certificate') {
    super(reason);
  }
}

export class SnsMessageVerifier {
  readonly #options: SnsVerifierOptions;
  readonly #cache = new Map<string, CachedCertificate>();
  readonly #inFlight = new Map<string, Promise<X509Certificate[]>>();
  #roots: X509Certificate[] | undefined;
  #intermediates: X509Certificate[] | undefined;

  constructor(options: SnsVerifierOptions) {
    this.#options = options;
  }

  async verify(message: unknown, now: Date): Promise<SnsVerification> {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      return { ok: false, reason: 'malformed_body' };
    }
    const fields = message as Record<string, unknown>;
    const type = fields.Type;
    if (typeof type !== 'string' || !messageTypes.has(type)) return { ok: false, reason: 'malformed_body' };
    const version = fields.SignatureVersion;
    const algorithm = version === '1' ? 'sha1' : version === '2' ? 'sha256' : null;
    if (algorithm === null) return { ok: false, reason: 'unsupported_signature_version' };
    const signature = fields.Signature;
    const certificateUrl = fields.SigningCertURL;
    if (typeof signature !== 'string' || typeof certificateUrl !== 'string') {
      return { ok: false, reason: 'missing_signature_fields' };
    }
    if (!isCertificateUrl(certificateUrl, this.#options.allowedCertificateHost ?? defaultSnsHostPattern)) {
      return { ok: false, reason: 'untrusted_certificate_host' };
    }
    const stringToSign = buildStringToSign(fields, type);
    if (stringToSign === null) return { ok: false, reason: 'missing_signature_fields' };
    const topicArn = fields.TopicArn as string;
    if (this.#options.allowedTopicArns && !this.#options.allowedTopicArns.includes(topicArn)) {
      return { ok: false, reason: 'unexpected_topic' };
    }

    let chain: X509Certificate[];
    try {
      chain = await this.#certificateChain(certificateUrl);
    } catch (error) {
      return { ok: false, reason: error instanceof CertificateError ? error.reason : 'certificate_unavailable' };
    }
    if (!chain.every((certificate) => isValidAt(certificate, now))) return { ok: false, reason: 'certificate_expired' };
    const leaf = chain[0] as X509Certificate;
    let valid = false;
    try {
      valid = verifySignature(
        algorithm,
        Buffer.from(stringToSign, 'utf8'),
        leaf.publicKey,
        Buffer.from(signature, 'base64'),
      );
    } catch {
      valid = false;
    }
    if (!valid) return { ok: false, reason: 'bad_signature' };
    return { ok: true, type, topicArn, messageId: fields.MessageId as string };
  }

  async #certificateChain(url: string): Promise<X509Certificate[]> {
    const cached = this.#cache.get(url);
    if (cached && cached.expiresAt > Date.now()) return cached.chain;
    const pending = this.#inFlight.get(url);
    if (pending) return pending;
    const loading = this.#load(url).finally(() => this.#inFlight.delete(url));
    this.#inFlight.set(url, loading);
    return loading;
  }

  async #load(url: string): Promise<X509Certificate[]> {
    let pem: string;
    try {
      pem = await this.#options.fetchCertificate(url);
    } catch {
      throw new CertificateError('certificate_unavailable');
    }
    if (typeof pem !== 'string' || pem.length > maxCertificateBytes)
      throw new CertificateError('certificate_unavailable');
    const bundle = parseCertificates(pem);
    const leaf = bundle[0];
    if (!leaf) throw new CertificateError('certificate_unavailable');
    const candidates = [...bundle.slice(1), ...this.#intermediateCertificates()];
    let chain = buildChain(leaf, candidates, this.#rootCertificates());
    // Complete the chain from AIA issuer URLs (leaf → intermediate → …), at most two hops.
    let subject = leaf;
    for (let hop = 0; chain === null && hop < 2; hop += 1) {
      const issuer = await this.#fetchIssuer(subject);
      if (!issuer) break;
      candidates.push(issuer);
      chain = buildChain(leaf, candidates, this.#rootCertificates());
      subject = issuer;
    }
    if (chain === null) throw new CertificateError('untrusted_certificate');
    this.#remember(url, chain);
    return chain;
  }

  async #fetchIssuer(certificate: X509Certificate): Promise<X509Certificate | undefined> {
    const fetchIssuer = this.#options.fetchIssuerCertificate;
    const url = /CA Issuers - URI:(\S+)/.exec(certificate.infoAccess ?? '')?.[1];
    if (!fetchIssuer || !url) return undefined;
    let host: string;
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
      host = parsed.hostname;
    } catch {
      return undefined;
    }
    if (!(this.#options.allowedIssuerHost ?? defaultIssuerHostPattern).test(host)) return undefined;
    try {
      const body = await fetchIssuer(url);
      if (body.length > maxCertificateBytes) return undefined;
      return new X509Certificate(body);
    } catch {
      return undefined;
    }
  }

  #remember(url: string, chain: X509Certificate[]): void {
    const capacity = this.#options.cacheSize ?? 32;
    if (capacity <= 0) return;
    this.#cache.delete(url);
    while (this.#cache.size >= capacity) {
      const oldest = this.#cache.keys().next().value;
      if (oldest === undefined) break;
      this.#cache.delete(oldest);
    }
    this.#cache.set(url, { chain, expiresAt: Date.now() + (this.#options.cacheTtlMs ?? 86_400_000) });
  }

  #rootCertificates(): X509Certificate[] {
    this.#roots ??= (this.#options.trustedRoots ?? [...rootCertificates]).flatMap(parseCertificates);
    return this.#roots;
  }

  #intermediateCertificates(): X509Certificate[] {
    this.#intermediates ??= (this.#options.intermediates ?? []).flatMap(parseCertificates);
    return this.#intermediates;
  }
}

export function buildStringToSign(fields: Record<string, unknown>, type: string): string | null {
  const names = type === 'Notification' ? notificationFields : confirmationFields;
  let text = '';
  for (const name of names) {
    const value = fields[name];
    if (name === 'Subject' && (value === undefined || value === null)) continue;
    if (typeof value !== 'string') return null;
    text += `${name}\n${value}\n`;
  }
  return text;
}

function isCertificateUrl(value: string, hostPattern: RegExp): boolean {
  if (!isSnsHostUrl(value, hostPattern)) return false;
  try {
    return new URL(value).pathname.endsWith('.pem');
  } catch {
    return false;
  }
}

function parseCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/g) ?? [];
  const certificates: X509Certificate[] = [];
  for (const block of blocks.slice(0, 200)) {
    try {
      certificates.push(new X509Certificate(block));
    } catch {
      // A malformed block cannot anchor or extend a chain; skipping it leaves the chain unbuilt if it mattered.
    }
  }
  return certificates;
}

/** Leaf first, ending at a certificate issued by (or equal to) a trust anchor; null when no such path exists. */
function buildChain(
  leaf: X509Certificate,
  candidates: X509Certificate[],
  roots: X509Certificate[],
): X509Certificate[] | null {
  const chain = [leaf];
  let current = leaf;
  for (let depth = 0; depth < maxChainLength; depth += 1) {
    if (roots.some((root) => root.fingerprint256 === current.fingerprint256)) return chain;
    const anchor = roots.find((root) => root.ca && issuedBy(current, root));
    if (anchor) return [...chain, anchor];
    const next = candidates.find(
      (candidate) =>
        candidate.ca &&
        !chain.some((link) => link.fingerprint256 === candidate.fingerprint256) &&
        issuedBy(current, candidate),
    );
    if (!next) return null;
    chain.push(next);
    current = next;
  }
  return null;
}

function issuedBy(certificate: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function isValidAt(certificate: X509Certificate, now: Date): boolean {
  const from = Date.parse(certificate.validFrom);
  const to = Date.parse(certificate.validTo);
  const time = now.getTime();
  return Number.isFinite(from) && Number.isFinite(to) && from <= time && time <= to;
}
