import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { alertFixtureText } from '../../../../test/fixtures/alerts/load-fixture.js';
import type { AlertSource } from '../alert.model.js';
import { constantTimeEqual } from './constant-time.js';
import { signAuroraPayload } from './hmac-signatures.js';
import { type VerifyRequest, verifyDelivery } from './verify-delivery.js';

const secret = 'whsec_4f9d2c61b8a04e7f9a3c';
const now = new Date('2024-05-14T12:30:00.000Z');
const nowSeconds = Math.floor(now.getTime() / 1000);

/** Written out here rather than imported, so the tests do not check the code against itself. */
function hmacHex(key: string, data: string | Buffer): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

function request(body: string, headers: Record<string, string | undefined> = {}, at = now): VerifyRequest {
  return { headers, rawBody: Buffer.from(body, 'utf8'), now: at };
}

const bodies: Record<AlertSource, string> = {
  alertmanager: alertFixtureText('alertmanager-firing.json'),
  grafana: alertFixtureText('grafana-firing.json'),
  datadog: alertFixtureText('datadog-recommended-triggered.json'),
  pagerduty: alertFixtureText('pagerduty-incident-triggered.json'),
  opsgenie: alertFixtureText('opsgenie-create.json'),
  sentry: alertFixtureText('sentry-event-alert.json'),
  cloudwatch: alertFixtureText('cloudwatch-alarm.json'),
  generic: alertFixtureText('generic-single.json'),
};

const bearerSources = ['alertmanager', 'grafana', 'datadog', 'pagerduty', 'opsgenie', 'sentry', 'generic'] as const;

describe('Authorization header', () => {
  it.each(bearerSources)('accepts Bearer {secret} for %s', async (source) => {
    const result = await verifyDelivery(source, request(bodies[source], { authorization: `Bearer ${secret}` }), secret);
    expect(result).toEqual({ ok: true, method: 'bearer' });
  });

  it.each(bearerSources)('accepts Basic with the secret as password for %s', async (source) => {
    const authorization = `Basic ${Buffer.from(`alertmanager:${secret}`).toString('base64')}`;
    expect(await verifyDelivery(source, request(bodies[source], { authorization }), secret)).toEqual({
      ok: true,
      method: 'basic',
    });
  });

  it.each([
    [`Bearer ${secret}x`],
    [`Bearer ${secret.slice(0, -1)}`],
    ['Bearer '],
    [`bearer  ${secret} extra`],
    [`Token ${secret}`],
    [`Basic ${Buffer.from(secret).toString('base64')}`],
    [`Basic ${Buffer.from(`${secret}:x`).toString('base64')}`],
    [`Bearer ${'a'.repeat(20_000)}`],
  ])('rejects %j as bad_credentials', async (authorization) => {
    expect(await verifyDelivery('alertmanager', request(bodies.alertmanager, { authorization }), secret)).toEqual({
      ok: false,
      reason: 'bad_credentials',
    });
  });

  it('is case-insensitive about the scheme and reports missing credentials', async () => {
    expect(await verifyDelivery('datadog', request('{}', { authorization: `bearer ${secret}` }), secret)).toMatchObject(
      {
        ok: true,
      },
    );
    expect(await verifyDelivery('opsgenie', request('{}'), secret)).toEqual({
      ok: false,
      reason: 'missing_credentials',
    });
  });

  it('never accepts anything for an empty secret', async () => {
    expect(await verifyDelivery('alertmanager', request('{}', { authorization: 'Bearer ' }), '')).toEqual({
      ok: false,
      reason: 'missing_secret',
    });
  });

  it('ignores other sources’ signature headers', async () => {
    const timestamp = String(nowSeconds);
    const headers = {
      'x-aurora-signature': `sha256=${hmacHex(secret, `${timestamp}.${bodies.alertmanager}`)}`,
      'x-aurora-timestamp': timestamp,
      'x-pagerduty-signature': `v1=${hmacHex(secret, bodies.alertmanager)}`,
    };
    expect(await verifyDelivery('alertmanager', request(bodies.alertmanager, headers), secret)).toEqual({
      ok: false,
      reason: 'missing_credentials',
    });
  });

  it('compares in constant time over equal-length digests', () => {
    expect(constantTimeEqual('a', 'a')).toBe(true);
    expect(constantTimeEqual('a', 'a'.repeat(1_000))).toBe(false);
    expect(constantTimeEqual(Buffer.from('x'), 'x')).toBe(true);
  });
});

describe('PagerDuty X-PagerDuty-Signature', () => {
  const body = bodies.pagerduty;

  it('accepts a v1 HMAC-SHA256 of the raw body', async () => {
    const headers = { 'x-pagerduty-signature': `v1=${hmacHex(secret, body)}` };
    expect(await verifyDelivery('pagerduty', request(body, headers), secret)).toEqual({
      ok: true,
      method: 'pagerduty-signature',
    });
  });

  it('accepts any one of several comma-separated signatures (secret rotation)', async () => {
    const headers = {
      'x-pagerduty-signature': `v1=${hmacHex('old-secret', body)},v1=${hmacHex(secret, body)}, v2=${'0'.repeat(64)}`,
    };
    expect(await verifyDelivery('pagerduty', request(body, headers), secret)).toMatchObject({ ok: true });
  });

  it.each([
    ['a wrong secret', `v1=${hmacHex('wrong', bodies.pagerduty)}`, bodies.pagerduty],
    ['a tampered body', `v1=${hmacHex(secret, bodies.pagerduty)}`, bodies.pagerduty.replace('triggered', 'resolved')],
    ['another version', `v0=${hmacHex(secret, bodies.pagerduty)}`, bodies.pagerduty],
    ['a bare hex digest', hmacHex(secret, bodies.pagerduty), bodies.pagerduty],
  ])('rejects %s', async (_case, signature, sentBody) => {
    const result = await verifyDelivery('pagerduty', request(sentBody, { 'x-pagerduty-signature': signature }), secret);
    expect(result).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('lets a PagerDuty custom Authorization header stand in for the signature', async () => {
    const headers = { authorization: `Bearer ${secret}`, 'x-pagerduty-signature': `v1=${hmacHex('pd-own', body)}` };
    expect(await verifyDelivery('pagerduty', request(body, headers), secret)).toEqual({ ok: true, method: 'bearer' });
  });
});

describe('Sentry Sentry-Hook-Signature', () => {
  const body = JSON.stringify(JSON.parse(bodies.sentry));

  it('accepts a hex HMAC-SHA256 of the body keyed with the client secret', async () => {
    const headers = { 'sentry-hook-signature': hmacHex(secret, body), 'sentry-hook-resource': 'event_alert' };
    expect(await verifyDelivery('sentry', request(body, headers), secret)).toEqual({
      ok: true,
      method: 'sentry-signature',
    });
  });

  it('accepts a re-formatted body whose compact JSON was signed, as Sentry’s documented check does', async () => {
    const pretty = JSON.stringify(JSON.parse(body), null, 2);
    const headers = { 'sentry-hook-signature': hmacHex(secret, body) };
    expect(await verifyDelivery('sentry', request(pretty, headers), secret)).toMatchObject({ ok: true });
  });

  it('rejects a wrong secret and a tampered body', async () => {
    expect(
      await verifyDelivery('sentry', request(body, { 'sentry-hook-signature': hmacHex('wrong', body) }), secret),
    ).toEqual({ ok: false, reason: 'bad_signature' });
    const tampered = body.replace('"level":"error"', '"level":"info"');
    expect(tampered).not.toBe(body);
    expect(
      await verifyDelivery('sentry', request(tampered, { 'sentry-hook-signature': hmacHex(secret, body) }), secret),
    ).toEqual({ ok: false, reason: 'bad_signature' });
  });
});

describe('Grafana HMAC signature', () => {
  const body = bodies.grafana;
  const timestamp = String(nowSeconds);

  it('accepts HMAC(timestamp:body) with the timestamp header', async () => {
    const headers = {
      'x-grafana-alerting-signature': hmacHex(secret, `${timestamp}:${body}`),
      'x-grafana-alerting-signature-timestamp': timestamp,
    };
    expect(await verifyDelivery('grafana', request(body, headers), secret)).toEqual({
      ok: true,
      method: 'grafana-signature',
    });
  });

  it('accepts HMAC(body) when no timestamp header is configured, unless a timestamp is required', async () => {
    const headers = { 'x-grafana-alerting-signature': hmacHex(secret, body) };
    expect(await verifyDelivery('grafana', request(body, headers), secret)).toMatchObject({ ok: true });
    expect(
      await verifyDelivery('grafana', request(body, headers), secret, { grafana: { requireTimestamp: true } }),
    ).toEqual({ ok: false, reason: 'missing_timestamp' });
  });

  it('accepts the older X-Grafana-Alert-Signature name and configured header names', async () => {
    expect(
      await verifyDelivery('grafana', request(body, { 'x-grafana-alert-signature': hmacHex(secret, body) }), secret),
    ).toMatchObject({ ok: true });
    const headers = { 'x-hook-sig': hmacHex(secret, `${timestamp}:${body}`), 'x-hook-ts': timestamp };
    const options = { grafana: { signatureHeader: 'X-Hook-Sig', timestampHeader: 'X-Hook-Ts' } };
    expect(await verifyDelivery('grafana', request(body, headers), secret, options)).toMatchObject({ ok: true });
  });

  it('rejects stale timestamps, a wrong secret, a tampered body and a swapped timestamp', async () => {
    const stale = String(nowSeconds - 301);
    expect(
      await verifyDelivery(
        'grafana',
        request(body, {
          'x-grafana-alerting-signature': hmacHex(secret, `${stale}:${body}`),
          'x-grafana-alerting-signature-timestamp': stale,
        }),
        secret,
      ),
    ).toEqual({ ok: false, reason: 'stale_timestamp' });
    const signedHeaders = (key: string, signedBody: string, signedTimestamp = timestamp) => ({
      'x-grafana-alerting-signature': hmacHex(key, `${signedTimestamp}:${signedBody}`),
      'x-grafana-alerting-signature-timestamp': timestamp,
    });
    for (const headers of [
      signedHeaders('wrong', body),
      signedHeaders(secret, body.replace('firing', 'resolved')),
      signedHeaders(secret, body, String(nowSeconds - 10)),
    ]) {
      expect(await verifyDelivery('grafana', request(body, headers), secret)).toEqual({
        ok: false,
        reason: 'bad_signature',
      });
    }
  });
});

describe('generic X-Aurora-Signature', () => {
  const body = bodies.generic;

  function headersAt(timestamp: number, key = secret, signedBody = body) {
    return {
      'x-aurora-signature': `sha256=${hmacHex(key, `${timestamp}.${signedBody}`)}`,
      'x-aurora-timestamp': String(timestamp),
    };
  }

  it('accepts sha256=HMAC(timestamp + "." + raw body) and exports the same signer', async () => {
    expect(await verifyDelivery('generic', request(body, headersAt(nowSeconds)), secret)).toEqual({
      ok: true,
      method: 'aurora-signature',
    });
    expect(signAuroraPayload(secret, String(nowSeconds), body)).toBe(hmacHex(secret, `${nowSeconds}.${body}`));
  });

  it.each([
    [-300, true],
    [300, true],
    [-301, false],
    [301, false],
    [-86_400, false],
    [86_400, false],
  ])('treats a timestamp %i s from now as inside the window: %s', async (offset, accepted) => {
    const result = await verifyDelivery('generic', request(body, headersAt(nowSeconds + offset)), secret);
    expect(result).toEqual(
      accepted ? { ok: true, method: 'aurora-signature' } : { ok: false, reason: 'stale_timestamp' },
    );
  });

  it('honours a configured window', async () => {
    const result = await verifyDelivery('generic', request(body, headersAt(nowSeconds - 120)), secret, {
      toleranceSeconds: 60,
    });
    expect(result).toEqual({ ok: false, reason: 'stale_timestamp' });
  });

  it('rejects a wrong secret, a tampered body, a replayed signature with a new timestamp and bad headers', async () => {
    const cases: [Record<string, string | undefined>, string][] = [
      [headersAt(nowSeconds, 'wrong'), 'bad_signature'],
      [headersAt(nowSeconds, secret, `${body} `), 'bad_signature'],
      [{ ...headersAt(nowSeconds - 100), 'x-aurora-timestamp': String(nowSeconds) }, 'bad_signature'],
      [{ ...headersAt(nowSeconds), 'x-aurora-signature': hmacHex(secret, `${nowSeconds}.${body}`) }, 'bad_signature'],
      [{ ...headersAt(nowSeconds), 'x-aurora-timestamp': undefined }, 'missing_timestamp'],
      [{ ...headersAt(nowSeconds), 'x-aurora-timestamp': '2024-05-14T12:30:00Z' }, 'bad_timestamp'],
      [{ ...headersAt(nowSeconds), 'x-aurora-timestamp': `${nowSeconds}000` }, 'bad_timestamp'],
    ];
    for (const [headers, reason] of cases) {
      expect(await verifyDelivery('generic', request(body, headers), secret)).toEqual({ ok: false, reason });
    }
  });

  it('never echoes the secret or the expected signature in a failure', async () => {
    const expected = hmacHex(secret, `${nowSeconds}.${body}`);
    const results = await Promise.all([
      verifyDelivery('generic', request(`${body}x`, headersAt(nowSeconds)), secret),
      verifyDelivery('pagerduty', request(body, { 'x-pagerduty-signature': 'v1=00' }), secret),
      verifyDelivery('alertmanager', request(body, { authorization: 'Bearer nope' }), secret),
    ]);
    for (const result of results) {
      const text = JSON.stringify(result);
      expect(result.ok).toBe(false);
      expect(text).not.toContain(secret);
      expect(text).not.toContain(expected);
      expect(text.length).toBeLessThan(80);
    }
  });
});
