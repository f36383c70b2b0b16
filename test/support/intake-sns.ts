import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStringToSign, SnsMessageVerifier } from '../../src/features/alerts/webhook-verification/index.js';

/**
 * Lets a test deliver CloudWatch alarms through SNS signature verification for real: a throwaway self-signed
 * certificate (made with the openssl CLI, as sns-signature.test.ts does; Node has no X.509 writer) is the only trust
 * root of an SnsMessageVerifier, whose certificate fetcher serves it for one SNS-looking URL. Pass `verifier` as
 * `serviceOverrides.sns`, and `sign` each envelope just before sending it.
 */
export interface SnsTestSigner {
  verifier: SnsMessageVerifier;
  certificateUrl: string;
  /**
   * Signs an envelope in place (SignatureVersion 2) the way SNS does, and returns true. Returns false, leaving it
   * unsigned, when SNS could not have signed it either: not an object, an unknown `Type`, or a field of the string to
   * sign missing or not a string. The verifier answers such a body with 401.
   */
  sign(envelope: unknown): boolean;
}

const messageTypes = new Set(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']);

export function createSnsTestSigner(): SnsTestSigner {
  const directory = mkdtempSync(join(tmpdir(), 'aurora-intake-sns-'));
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  writeFileSync(join(directory, 'leaf.key'), privateKey);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-new',
      '-key',
      'leaf.key',
      '-out',
      'leaf.pem',
      '-days',
      '2',
      '-sha256',
      '-subj',
      '/CN=sns.amazonaws.com',
    ],
    { cwd: directory, stdio: 'pipe' },
  );
  const certificate = readFileSync(join(directory, 'leaf.pem'), 'utf8');
  rmSync(directory, { recursive: true, force: true });

  const certificateUrl =
    'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-aurora-intake-fuzz-0123456789abcdef.pem';
  const verifier = new SnsMessageVerifier({
    fetchCertificate: async (url) => {
      if (url !== certificateUrl) throw new Error(`no certificate at ${url}`);
      return certificate;
    },
    trustedRoots: [certificate],
  });
  return {
    verifier,
    certificateUrl,
    sign(envelope) {
      if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) return false;
      const fields = envelope as Record<string, unknown>;
      if (typeof fields.Type !== 'string' || !messageTypes.has(fields.Type)) return false;
      const stringToSign = buildStringToSign(fields, fields.Type);
      if (stringToSign === null) return false;
      const signature = sign('sha256', Buffer.from(stringToSign, 'utf8'), privateKey).toString('base64');
      for (const [name, value] of [
        ['SignatureVersion', '2'],
        ['SigningCertURL', certificateUrl],
        ['Signature', signature],
      ]) {
        Object.defineProperty(fields, name as string, { value, enumerable: true, writable: true, configurable: true });
      }
      return true;
    },
  };
}
