import { describe, expect, it } from 'vitest';
import { retryAfterSeconds, retryableStatus } from './delivery-error.js';
import { KeyedSerializer } from './keyed-serializer.js';
import { emailSubject, escapeSlack, plainText, slackMessage, truncate, webhookBody } from './notification-message.js';
import type { NotificationMessage } from './notifications.schema.js';

const finished: NotificationMessage = {
  type: 'investigation.finished',
  incident: {
    id: '7b0f4d9e-2f7a-4c49-9b5e-0c1d2e3f4a5b',
    title: 'Checkout latency\r\nSubject: injected',
    severity: 'critical',
    service: 'checkout',
    url: 'https://aurora.example.com/incidents/7b0f4d9e-2f7a-4c49-9b5e-0c1d2e3f4a5b',
  },
  confidence: 'LIKELY',
  rootCause: 'Deploy v2.14 exhausted the pool',
  occurredAt: '2026-11-27T03:02:00.000Z',
};

describe('notification messages', () => {
  it('keeps subjects on one line, so a title cannot add headers', () => {
    expect(emailSubject(finished)).toBe(
      '[Aurora][critical] Root cause analysis ready (LIKELY): Checkout latency Subject: injected',
    );
  });

  it('puts the facts a responder needs in the plain text', () => {
    const text = plainText(finished);
    expect(text.split('\n')[1]).toBe('Severity: critical | Service: checkout | Status: analysed | Confidence: LIKELY');
    expect(text).toContain('Root cause: Deploy v2.14 exhausted the pool');
    expect(text).toContain(`Open the incident: ${finished.incident.url}`);
    const failed = plainText({
      ...finished,
      type: 'investigation.failed',
      confidence: undefined,
      rootCause: undefined,
      error: 'timed out',
    });
    expect(failed).toContain('Status: failed');
    expect(failed).toContain('Error: timed out');
    expect(failed).not.toContain('Confidence');
  });

  it('escapes Slack control characters and keeps Block Kit within its limits', () => {
    expect(escapeSlack('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
    const long = slackMessage({
      ...finished,
      incident: { ...finished.incident, title: 'x'.repeat(400) },
      rootCause: 'y '.repeat(3000),
    });
    const header = long.blocks[0] as { text: { text: string } };
    expect(header.text.text.length).toBeLessThanOrEqual(150);
    for (const block of long.blocks as Array<{ text?: { text: string } }>) {
      expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
    }
    expect(long.text.length).toBeLessThanOrEqual(300);
  });

  it('writes the webhook body as JSON with the delivery id and the event type', () => {
    const body = JSON.parse(webhookBody(finished, 'd1'));
    expect(body).toMatchObject({ id: 'd1', type: 'investigation.finished', status: 'analysed', confidence: 'LIKELY' });
    expect(body.error).toBeUndefined();
    expect(JSON.parse(webhookBody({ ...finished, test: true }, 'd2')).type).toBe('notification.test');
  });

  it('truncates on a word boundary', () => {
    expect(truncate('alpha beta gamma delta', 12)).toBe('alpha beta…');
    expect(truncate('short', 12)).toBe('short');
  });
});

describe('retry decisions', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterSeconds('7')).toBe(7);
    expect(retryAfterSeconds(new Date(Date.UTC(2026, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2026, 0, 1))).toBe(30);
    expect(retryAfterSeconds(null)).toBeUndefined();
    expect(retryAfterSeconds('soon')).toBeUndefined();
  });

  it('retries rate limits, timeouts and server errors only', () => {
    expect([408, 429, 500, 503].map(retryableStatus)).toEqual([true, true, true, true]);
    expect([400, 401, 403, 404, 410].map(retryableStatus)).toEqual([false, false, false, false, false]);
  });
});

describe('KeyedSerializer', () => {
  it('runs tasks of one key in order and other keys alongside', async () => {
    const serializer = new KeyedSerializer();
    const events: string[] = [];
    const task =
      (name: string, ms: number, fail = false) =>
      async () => {
        events.push(`${name}:start`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        events.push(`${name}:end`);
        if (fail) throw new Error(name);
      };
    const results = await Promise.allSettled([
      serializer.run('a', task('a1', 30, true)),
      serializer.run('a', task('a2', 1)),
      serializer.run('b', task('b1', 1)),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(events.indexOf('a2:start')).toBeGreaterThan(events.indexOf('a1:end'));
    expect(events.indexOf('b1:end')).toBeLessThan(events.indexOf('a1:end'));
  });
});
