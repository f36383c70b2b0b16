import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAlertFixture } from '../../../../test/fixtures/alerts/load-fixture.js';
import { SnsMessageVerifier } from './sns-signature.js';
import { verifyDelivery } from './verify-delivery.js';

/**
 * A throwaway PKI built for this file with node:crypto keys and the openssl CLI (Node has no X.509 writer):
 * root → leaf, root → intermediate → leaf, and an unrelated root that signs a rogue leaf.
 */
interface Pki {
  rootPem: string;
  leafPem: string;
  leafKey: string;
  intermediatePem: string;
  chainedLeafPem: string;
  chainedLeafKey: string;
  rogueLeafPem: string;
  rogueLeafKey: string;
  aiaLeafPem: string;
  aiaLeafKey: string;
  strayAiaLeafPem: string;
  strayAiaLeafKey: string;
  intermediateDer: Buffer;
}

let workDirectory: string;
let pki: Pki;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: workDirectory, stdio: 'pipe' });
}

function writeKey(name: string): string {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  writeFileSync(join(workDirectory, `${name}.key`), privateKey);
  return privateKey;
}

function makeRoot(name: string, commonName: string): void {
  writeKey(name);
  openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-days',
    '30',
    '-sha256',
    '-subj',
    `/CN=${commonName}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
}

function issue(name: string, commonName: string, issuer: string, serial: string, extensions: string): string {
  const key = writeKey(name);
  writeFileSync(join(workDirectory, `${name}.ext`), extensions);
  openssl('req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${commonName}`);
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${issuer}.pem`,
    '-CAkey',
    `${issuer}.key`,
    '-set_serial',
    serial,
    '-days',
    '10',
    '-sha256',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`,
  );
  return key;
}

const read = (name: string) => readFileSync(join(workDirectory, `${name}.pem`), 'utf8');

beforeAll(() => {
  workDirectory = mkdtempSync(join(tmpdir(), 'aurora-sns-pki-'));
  makeRoot('root', 'Aurora Test Root CA');
  makeRoot('rogue-root', 'Somebody Else Root CA');
  const leafKey = issue('leaf', 'sns.amazonaws.com', 'root', '2', 'basicConstraints=CA:FALSE\n');
  issue(
    'intermediate',
    'Aurora Test Intermediate CA',
    'root',
    '3',
    'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n',
  );
  const chainedLeafKey = issue('chained-leaf', 'sns.amazonaws.com', 'intermediate', '4', 'basicConstraints=CA:FALSE\n');
  const rogueLeafKey = issue('rogue-leaf', 'sns.amazonaws.com', 'rogue-root', '5', 'basicConstraints=CA:FALSE\n');
  // As AWS issues them: the leaf alone, naming its intermediate's location in Authority Information Access.
  const aiaLeafKey = issue(
    'aia-leaf',
    'sns.amazonaws.com',
    'intermediate',
    '6',
    `basicConstraints=CA:FALSE\nauthorityInfoAccess=caIssuers;URI:${issuerUrl}\n`,
  );
  const strayAiaLeafKey = issue(
    'stray-aia-leaf',
    'sns.amazonaws.com',
    'intermediate',
    '7',
    'basicConstraints=CA:FALSE\nauthorityInfoAccess=caIssuers;URI:http://attacker.example/intermediate.cer\n',
  );
  openssl('x509', '-in', 'intermediate.pem', '-outform', 'DER', '-out', 'intermediate.der');
  pki = {
    rootPem: read('root'),
    leafPem: read('leaf'),
    leafKey,
    intermediatePem: read('intermediate'),
    chainedLeafPem: read('chained-leaf'),
    chainedLeafKey,
    rogueLeafPem: read('rogue-leaf'),
    rogueLeafKey,
    aiaLeafPem: read('aia-leaf'),
    aiaLeafKey,
    strayAiaLeafPem: read('stray-aia-leaf'),
    strayAiaLeafKey,
    intermediateDer: readFileSync(join(workDirectory, 'intermediate.der')),
  };
  now = new Date(Date.now() + 60_000);
}, 60_000);

afterAll(() => {
  rmSync(workDirectory, { recursive: true, force: true });
});

const secret = 'cw-integration-secret-3f1c';
const issuerUrl = 'http://crt.r2m01.amazontrust.com/r2m01.cer';
const certificateUrl =
  'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-60eadc530605d63b8e62a523676ef735.pem';
// Set after the certificates exist: they are valid from the moment openssl wrote them.
let now: Date;

/** The string to sign exactly as the AWS documentation lists it, written out independently of the code under test. */
function stringToSign(message: Record<string, string>): string {
  const order =
    message.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return order
    .filter((name) => message[name] !== undefined)
    .map((name) => `${name}\n${message[name]}\n`)
    .join('');
}

function signed(
  fixture: string,
  options: { key?: string; version?: '1' | '2'; url?: string; change?: (message: Record<string, string>) => void } = {},
): Record<string, string> {
  const message = structuredClone(loadAlertFixture(fixture)) as Record<string, string>;
  message.SignatureVersion = options.version ?? '2';
  message.SigningCertURL = options.url ?? certificateUrl;
  options.change?.(message);
  const algorithm = message.SignatureVersion === '1' ? 'sha1' : 'sha256';
  message.Signature = sign(algorithm, Buffer.from(stringToSign(message), 'utf8'), options.key ?? pki.leafKey).toString(
    'base64',
  );
  return message;
}

function fetcher(pemByUrl: Record<string, string>) {
  const calls: string[] = [];
  return {
    calls,
    fetchCertificate: async (url: string) => {
      calls.push(url);
      const pem = pemByUrl[url];
      if (pem === undefined) throw new Error(`no certificate at ${url}`);
      return pem;
    },
  };
}

function request(body: unknown, authorization: string | null = `Bearer ${secret}`, at?: Date) {
  return {
    headers: { authorization: authorization ?? undefined, 'content-type': 'text/plain; charset=UTF-8' },
    rawBody: Buffer.from(JSON.stringify(body)),
    now: at ?? now,
  };
}

function verifierFor(
  pemByUrl: Record<string, string>,
  extra: Partial<ConstructorParameters<typeof SnsMessageVerifier>[0]> = {},
) {
  const source = fetcher(pemByUrl);
  const verifier = new SnsMessageVerifier({
    fetchCertificate: source.fetchCertificate,
    trustedRoots: [pki.rootPem],
    ...extra,
  });
  return { verifier, calls: source.calls };
}

describe('SNS signature verification (cloudwatch)', () => {
  it.each(['1', '2'] as const)(
    'accepts a Notification signed with SignatureVersion %s plus the Bearer secret',
    async (version) => {
      const { verifier } = verifierFor({ [certificateUrl]: pki.leafPem });
      const result = await verifyDelivery('cloudwatch', request(signed('cloudwatch-alarm.json', { version })), secret, {
        sns: verifier,
      });
      expect(result).toEqual({ ok: true, method: 'sns-signature+bearer' });
    },
  );

  it('accepts Basic credentials from an https://user:secret@host subscription URL', async () => {
    const { verifier } = verifierFor({ [certificateUrl]: pki.leafPem });
    const basic = `Basic ${Buffer.from(`aurora:${secret}`).toString('base64')}`;
    const result = await verifyDelivery('cloudwatch', request(signed('cloudwatch-ok.json'), basic), secret, {
      sns: verifier,
    });
    expect(result).toEqual({ ok: true, method: 'sns-signature+basic' });
  });

  it('verifies a Notification without a Subject', async () => {
    const { verifier } = verifierFor({ [certificateUrl]: pki.leafPem });
    const message = signed('cloudwatch-insufficient-data.json');
    expect(message.Subject).toBeUndefined();
    expect(await verifyDelivery('cloudwatch', request(message), secret, { sns: verifier })).toMatchObject({ ok: true });
  });

  it('requires the integration secret as well as the SNS signature, before fetching anything', async () => {
    const { verifier, calls } = verifierFor({ [certificateUrl]: pki.leafPem });
    const message = signed('cloudwatch-alarm.json');
    expect(await verifyDelivery('cloudwatch', request(message, null), secret, { sns: verifier })).toEqual({
      ok: false,
      reason: 'missing_credentials',
    });
    expect(await verifyDelivery('cloudwatch', request(message, 'Bearer wrong'), secret, { sns: verifier })).toEqual({
      ok: false,
      reason: 'bad_credentials',
    });
    const wrongBasic = `Basic ${Buffer.from('aurora:wrong').toString('base64')}`;
    expect(await verifyDelivery('cloudwatch', request(message, wrongBasic), secret, { sns: verifier })).toEqual({
      ok: false,
      reason: 'bad_credentials',
    });
    expect(calls).toEqual([]);
  });

  it('rejects a tampered message', async () => {
    const { verifier } = verifierFor({ [certificateUrl]: pki.leafPem });
    const message = signed('cloudwatch-alarm.json');
    message.Message = message.Message!.replace('"ALARM"', '"OK"');
    expect(await verifyDelivery('cloudwatch', request(message), secret, { sns: verifier })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    const resigned = signed('cloudwatch-alarm.json', { key: pki.rogueLeafKey });
    expect(await verifyDelivery('cloudwatch', request(resigned), secret, { sns: verifier })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('rejects a Notification signed as version 1 but labelled version 2', async () => {
    const { verifier } = verifierFor({ [certificateUrl]: pki.leafPem });
    const message = signed('cloudwatch-alarm.json', { version: '1' });
    message.SignatureVersion = '2';
    expect(await verifier.verify(message, now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it.each([
    'http://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem',
    'https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-x.pem',
    'https://evil.example/sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem',
    'https://s3.amazonaws.com/my-bucket/SimpleNotificationService-x.pem',
    'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.txt',
    'https://attacker@sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem',
    'https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-x.pem',
    'not a url',
  ])('refuses the certificate URL %s without fetching it', async (url) => {
    const { verifier, calls } = verifierFor({ [url]: pki.leafPem });
    const result = await verifyDelivery('cloudwatch', request(signed('cloudwatch-alarm.json', { url })), secret, {
      sns: verifier,
    });
    expect(result).toEqual({ ok: false, reason: 'untrusted_certificate_host' });
    expect(calls).toEqual([]);
  });

  it('accepts the China partition host', async () => {
    const url = 'https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem';
    const { verifier } = verifierFor({ [url]: pki.leafPem });
    expect(await verifier.verify(signed('cloudwatch-alarm.json', { url }), now)).toMatchObject({ ok: true });
  });

  it('rejects a certificate that does not chain to the injected root', async () => {
    const { verifier } = verifierFor({ [certificateUrl]: pki.rogueLeafPem });
    const message = signed('cloudwatch-alarm.json', { key: pki.rogueLeafKey });
    expect(await verifyDelivery('cloudwatch', request(message), secret, { sns: verifier })).toEqual({
      ok: false,
      reason: 'untrusted_certificate',
    });
    const withDefaultRoots = new SnsMessageVerifier({ fetchCertificate: async () => pki.leafPem });
    expect(await withDefaultRoots.verify(signed('cloudwatch-alarm.json'), now)).toEqual({
      ok: false,
      reason: 'untrusted_certificate',
    });
  });

  it('builds the chain through an intermediate from the bundle or from the options, but never trusts it alone', async () => {
    const message = signed('cloudwatch-alarm.json', { key: pki.chainedLeafKey });
    const bundled = verifierFor({ [certificateUrl]: `${pki.chainedLeafPem}\n${pki.intermediatePem}` });
    expect(await bundled.verifier.verify(message, now)).toMatchObject({ ok: true });
    const configured = verifierFor({ [certificateUrl]: pki.chainedLeafPem }, { intermediates: [pki.intermediatePem] });
    expect(await configured.verifier.verify(message, now)).toMatchObject({ ok: true });
    const missing = verifierFor({ [certificateUrl]: pki.chainedLeafPem });
    expect(await missing.verifier.verify(message, now)).toEqual({ ok: false, reason: 'untrusted_certificate' });
    const intermediateOnly = verifierFor(
      { [certificateUrl]: pki.chainedLeafPem },
      { intermediates: [pki.intermediatePem], trustedRoots: [pki.rogueLeafPem] },
    );
    expect(await intermediateOnly.verifier.verify(message, now)).toEqual({
      ok: false,
      reason: 'untrusted_certificate',
    });
  });

  it('completes the chain from the leaf AIA issuer URL, only on an allowed host and only to a trusted root', async () => {
    const fetched: string[] = [];
    const fetchIssuerCertificate = async (url: string) => {
      fetched.push(url);
      if (url !== issuerUrl && url !== 'http://attacker.example/intermediate.cer') throw new Error(`nothing at ${url}`);
      return pki.intermediateDer;
    };
    const aia = verifierFor({ [certificateUrl]: pki.aiaLeafPem }, { fetchIssuerCertificate });
    expect(await aia.verifier.verify(signed('cloudwatch-alarm.json', { key: pki.aiaLeafKey }), now)).toMatchObject({
      ok: true,
    });
    expect(fetched).toEqual([issuerUrl]);

    // The leaf points its issuer at a host that is not Amazon's: nothing is fetched, the chain stays incomplete.
    const strayUrl = certificateUrl.replace('.pem', '-stray.pem');
    const stray = verifierFor({ [strayUrl]: pki.strayAiaLeafPem }, { fetchIssuerCertificate });
    const strayMessage = signed('cloudwatch-alarm.json', { key: pki.strayAiaLeafKey, url: strayUrl });
    expect(await stray.verifier.verify(strayMessage, now)).toEqual({ ok: false, reason: 'untrusted_certificate' });
    expect(fetched).toEqual([issuerUrl]);

    // A fetched intermediate is not a trust anchor: without the right root the chain is refused.
    const wrongRoot = verifierFor(
      { [certificateUrl]: pki.aiaLeafPem },
      { fetchIssuerCertificate, trustedRoots: [pki.rogueLeafPem] },
    );
    expect(await wrongRoot.verifier.verify(signed('cloudwatch-alarm.json', { key: pki.aiaLeafKey }), now)).toEqual({
      ok: false,
      reason: 'untrusted_certificate',
    });
  });

  it('rejects a certificate outside its validity period', async () => {
    const { verifier } = verifierFor({ [certificateUrl]: pki.leafPem });
    const nextYear = new Date(now.getTime() + 365 * 86_400_000);
    const result = await verifyDelivery(
      'cloudwatch',
      request(signed('cloudwatch-alarm.json'), undefined, nextYear),
      secret,
      {
        sns: verifier,
      },
    );
    expect(result).toEqual({ ok: false, reason: 'certificate_expired' });
    const lastYear = new Date(now.getTime() - 365 * 86_400_000);
    expect(await verifier.verify(signed('cloudwatch-alarm.json'), lastYear)).toEqual({
      ok: false,
      reason: 'certificate_expired',
    });
  });

  it('verifies SubscriptionConfirmation and UnsubscribeConfirmation over their own field list', async () => {
    const { verifier } = verifierFor({ [certificateUrl]: pki.leafPem });
    const confirmation = signed('cloudwatch-subscription-confirmation.json', { version: '1' });
    expect(await verifyDelivery('cloudwatch', request(confirmation), secret, { sns: verifier })).toEqual({
      ok: true,
      method: 'sns-signature+bearer',
    });
    const forged = {
      ...confirmation,
      SubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=forged',
    };
    expect(await verifier.verify(forged, now)).toEqual({ ok: false, reason: 'bad_signature' });
    const tokenless: Record<string, string> = { ...confirmation };
    delete tokenless.Token;
    expect(await verifier.verify(tokenless, now)).toEqual({ ok: false, reason: 'missing_signature_fields' });
    const unsubscribe = signed('cloudwatch-unsubscribe-confirmation.json');
    expect(await verifier.verify(unsubscribe, now)).toMatchObject({ ok: true, type: 'UnsubscribeConfirmation' });
  });

  it('caches a verified certificate per URL and retries a failed fetch', async () => {
    const { verifier, calls } = verifierFor({ [certificateUrl]: pki.leafPem });
    await Promise.all([
      verifier.verify(signed('cloudwatch-alarm.json'), now),
      verifier.verify(signed('cloudwatch-ok.json'), now),
    ]);
    expect(await verifier.verify(signed('cloudwatch-metric-math.json'), now)).toMatchObject({ ok: true });
    expect(calls).toEqual([certificateUrl]);

    let attempts = 0;
    const flaky = new SnsMessageVerifier({
      trustedRoots: [pki.rootPem],
      fetchCertificate: async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('timeout');
        return pki.leafPem;
      },
    });
    expect(await flaky.verify(signed('cloudwatch-alarm.json'), now)).toEqual({
      ok: false,
      reason: 'certificate_unavailable',
    });
    expect(await flaky.verify(signed('cloudwatch-alarm.json'), now)).toMatchObject({ ok: true });
    expect(attempts).toBe(2);
  });

  it('rejects unknown signature versions, missing fields, unexpected topics and malformed bodies', async () => {
    const { verifier } = verifierFor({ [certificateUrl]: pki.leafPem });
    expect(await verifier.verify({ ...signed('cloudwatch-alarm.json'), SignatureVersion: '3' }, now)).toEqual({
      ok: false,
      reason: 'unsupported_signature_version',
    });
    const unsigned: Record<string, string> = { ...signed('cloudwatch-alarm.json') };
    delete unsigned.Signature;
    expect(await verifier.verify(unsigned, now)).toEqual({ ok: false, reason: 'missing_signature_fields' });
    expect(await verifier.verify([], now)).toEqual({ ok: false, reason: 'malformed_body' });
    const pinned = verifierFor(
      { [certificateUrl]: pki.leafPem },
      { allowedTopicArns: ['arn:aws:sns:us-east-1:1:other'] },
    );
    expect(await pinned.verifier.verify(signed('cloudwatch-alarm.json'), now)).toEqual({
      ok: false,
      reason: 'unexpected_topic',
    });
    const garbage = { headers: { authorization: `Bearer ${secret}` }, rawBody: Buffer.from('{nope'), now };
    expect(await verifyDelivery('cloudwatch', garbage, secret, { sns: verifier })).toEqual({
      ok: false,
      reason: 'malformed_body',
    });
    expect(await verifyDelivery('cloudwatch', request(signed('cloudwatch-alarm.json')), secret)).toEqual({
      ok: false,
      reason: 'sns_verifier_not_configured',
    });
  });
});
