import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InvestigationNotification, NotificationsService } from '../../src/features/notifications/index.js';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
} from '../support/application.js';
import { SmtpTestServer, WebhookReceiverStandIn } from '../support/notification-endpoints-stand-in.js';
import { SlackStandIn } from '../support/slack-stand-in.js';

const botToken = `xoxb-${randomUUID()}`;
const webhookPath = `/services/T0001/B0001/${randomUUID().replace(/-/g, '')}`;
const publicUrl = 'https://aurora.example.com';

interface Delivery {
  id: string;
  channel: 'slack' | 'email' | 'webhook';
  event: string;
  incidentId: string | null;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
}

describe('notification delivery (Slack stand-in, real SMTP server, signed webhook receiver)', () => {
  let app: TestApplication;
  let slack: SlackStandIn;
  let smtp: SmtpTestServer;
  let receiver: WebhookReceiverStandIn;

  beforeAll(async () => {
    slack = await SlackStandIn.start({
      botToken,
      channels: { incidents: 'C0INCIDENTS', 'sre-oncall': 'C0ONCALL' },
      webhookPaths: [webhookPath],
    });
    smtp = await SmtpTestServer.start({ credentials: { user: 'aurora', password: 'smtp-password-for-tests' } });
    receiver = await WebhookReceiverStandIn.start();
    app = await startTestApplication({
      environment: {
        AURORA_OUTBOUND_ALLOWED_HOSTS: '127.0.0.1',
        NOTIFICATIONS_SLACK_API_URL: slack.apiUrl,
        NOTIFICATIONS_TIMEOUT_MS: '5000',
        AURORA_PUBLIC_URL: publicUrl,
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await slack?.stop();
    await smtp?.stop();
    await receiver?.stop();
  });

  function incident(overrides: Partial<InvestigationNotification['incident']> = {}) {
    return {
      id: randomUUID(),
      title: 'Checkout p99 latency above 2s',
      severity: 'critical',
      service: 'checkout',
      ...overrides,
    };
  }

  async function configure(org: TestOrganization, body: Record<string, unknown>) {
    const response = await api(app, 'PUT', '/api/v1/settings/notifications', { token: org.tokens.admin, body });
    expect(response.status, response.text).toBe(200);
    return response.body;
  }

  /** Waits until `count` deliveries of the org are settled (delivered or failed). */
  async function settled(org: TestOrganization, count: number, timeoutMs = 45_000): Promise<Delivery[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await api<{ items: Delivery[] }>(app, 'GET', '/api/v1/settings/notifications/deliveries', {
        token: org.tokens.admin,
      });
      const done = response.body.items.filter((item) => item.status !== 'pending');
      if (done.length >= count) return response.body.items;
      if (Date.now() > deadline) throw new Error(`deliveries not settled: ${JSON.stringify(response.body.items)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('posts to a Slack incoming webhook with Block Kit and a plain-text fallback', async () => {
    const org = await createTestOrganization(app);
    await configure(org, { slack: { mode: 'webhook', webhookUrl: `${slack.url}${webhookPath}` } });
    const subject = incident();
    const before = slack.webhookPosts.length;
    const { queued } = await app.services.notifications.notify(org.orgId, {
      type: 'investigation.finished',
      incident: subject,
      confidence: 'LIKELY',
      rootCause: 'Deploy checkout v2.14.0 at 02:58 exhausted the DB connection pool <@U123> & friends',
      summary: 'Latency rose 40s after the deploy [E1][E3].',
    });
    expect(queued).toBe(1);
    const [delivery] = await settled(org, 1);
    expect(delivery).toMatchObject({ channel: 'slack', status: 'delivered', attempts: 1, incidentId: subject.id });

    const post = slack.webhookPosts[before];
    expect(post?.contentType).toMatch(/^application\/json/);
    expect(post?.body.text).toContain('Root cause analysis ready: Checkout p99 latency above 2s');
    expect(post?.body.text).toContain('LIKELY');
    const blocks = JSON.stringify(post?.body.blocks);
    expect(blocks).toContain('"type":"header"');
    expect(blocks).toContain('*Severity*\\ncritical');
    expect(blocks).toContain('*Service*\\ncheckout');
    expect(blocks).toContain('*Confidence*\\nLIKELY');
    // Mentions and links in text from alerts are escaped, so a title cannot ping the channel.
    expect(blocks).toContain('&lt;@U123&gt; &amp; friends');
    expect(blocks).toContain(`<${publicUrl}/incidents/${subject.id}|Open the incident>`);
  });

  it('threads chat.postMessage updates per incident and honours a 429 Retry-After', async () => {
    const org = await createTestOrganization(app);
    await configure(org, { slack: { mode: 'bot', botToken, channel: '#incidents' } });
    const first = incident();
    const second = incident({ title: 'Payments error rate 12%', service: 'payments', severity: 'high' });

    await app.services.notifications.notify(org.orgId, { type: 'investigation.started', incident: first });
    await settled(org, 1);
    // Rate limited once: the job waits Retry-After and sends again in the same attempt.
    slack.answerNext({
      status: 429,
      headers: { 'retry-after': '1', 'content-type': 'application/json' },
      body: '{"ok":false,"error":"ratelimited"}',
    });
    await app.services.notifications.notify(org.orgId, {
      type: 'investigation.finished',
      incident: first,
      confidence: 'CONFIRMED',
      rootCause: 'Bad feature flag',
    });
    await settled(org, 2);
    // Started and finished raised back to back for another incident still make one thread, not two.
    await app.services.notifications.notify(org.orgId, { type: 'investigation.started', incident: second });
    await app.services.notifications.notify(org.orgId, {
      type: 'investigation.failed',
      incident: second,
      error: 'every telemetry source timed out',
    });
    const deliveries = await settled(org, 4);
    expect(deliveries.map((item) => item.status)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
    expect(deliveries.find((item) => item.event === 'investigation.finished')?.attempts).toBe(1);

    const firstPosts = slack.posts.filter(
      (post) => post.text?.includes('Checkout p99') && post.channelId === 'C0INCIDENTS',
    );
    const parent = firstPosts.find((post) => !post.threadTs);
    expect(parent?.text).toContain('Investigation started');
    const reply = firstPosts.find((post) => post.threadTs);
    expect(reply).toMatchObject({ threadTs: parent?.ts, replyBroadcast: true });
    expect(reply?.text).toContain('CONFIRMED');

    const secondPosts = slack.posts.filter((post) => post.text?.includes('Payments error rate'));
    expect(secondPosts).toHaveLength(2);
    expect(secondPosts.filter((post) => !post.threadTs)).toHaveLength(1);
    const secondParent = secondPosts.find((post) => !post.threadTs);
    expect(secondPosts.find((post) => post.threadTs)?.threadTs).toBe(secondParent?.ts);
    expect(JSON.stringify(secondPosts.map((post) => post.blocks))).toContain('every telemetry source timed out');
    expect(
      slack.requests
        .filter((request) => request.path === '/api/chat.postMessage')
        .every((request) => request.authorization === `Bearer ${botToken}`),
    ).toBe(true);
  });

  it('gives up at once on a permanent Slack error (channel_not_found), and logs and audits it', async () => {
    const org = await createTestOrganization(app);
    await configure(org, { slack: { mode: 'bot', botToken, channel: '#does-not-exist' } });
    const subject = incident();
    await app.services.notifications.notify(org.orgId, { type: 'investigation.started', incident: subject });
    const [delivery] = await settled(org, 1);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1 });
    expect(delivery?.lastError).toContain('channel_not_found');
    const audit = await app.platform.database.query<{
      action: string;
      outcome: string;
      target_id: string;
      details: { error: string };
    }>(
      `select action, outcome, target_id, details from audit_log where org_id = $1 and action = 'notification.failed'`,
      [org.orgId],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: 'failure', target_id: subject.id });
    expect(audit[0]?.details.error).toContain('channel_not_found');
  });

  it('sends email over SMTP with authentication, to every recipient, with the facts in subject and body', async () => {
    const org = await createTestOrganization(app);
    await configure(org, {
      email: {
        host: '127.0.0.1',
        port: smtp.port,
        security: 'none',
        user: 'aurora',
        password: 'smtp-password-for-tests',
        from: 'aurora@example.com',
        to: ['oncall@example.com', 'sre@example.com'],
        events: ['investigation.finished', 'investigation.failed'],
      },
    });
    const subject = incident({ title: 'Orders API 5xx burst' });
    // Not subscribed: started goes nowhere.
    expect(
      (await app.services.notifications.notify(org.orgId, { type: 'investigation.started', incident: subject })).queued,
    ).toBe(0);
    const before = smtp.messages.length;
    await app.services.notifications.notify(org.orgId, {
      type: 'investigation.finished',
      incident: subject,
      confidence: 'LIKELY',
      rootCause: 'Connection pool exhausted after deploy v2.14.0',
      summary: 'Errors began 40 s after the deploy.',
    });
    const [delivery] = await settled(org, 1);
    expect(delivery).toMatchObject({ channel: 'email', status: 'delivered' });
    const mail = smtp.messages[before];
    expect(mail).toBeDefined();
    expect(mail?.user).toBe('aurora');
    expect(mail?.from).toBe('aurora@example.com');
    expect(mail?.to).toEqual(['oncall@example.com', 'sre@example.com']);
    expect(mail?.headers.get('subject')).toBe(
      '[Aurora][critical] Root cause analysis ready (LIKELY): Orders API 5xx burst',
    );
    expect(mail?.headers.get('x-aurora-event')).toBe('investigation.finished');
    expect(mail?.headers.get('x-aurora-incident')).toBe(subject.id);
    expect(mail?.text).toContain('Severity: critical | Service: checkout | Status: analysed | Confidence: LIKELY');
    expect(mail?.text).toContain('Root cause: Connection pool exhausted after deploy v2.14.0');
    expect(mail?.text).toContain(`Open the incident: ${publicUrl}/incidents/${subject.id}`);
  });

  it('signs webhook bodies so a receiver can verify them, and retries after a 500', async () => {
    const org = await createTestOrganization(app);
    const saved = await configure(org, { webhook: { url: receiver.url } });
    receiver.signingSecret = saved.webhook.signingSecret;
    expect(receiver.signingSecret).toMatch(/^whsec_/);
    receiver.failures.push({ status: 500 });
    const requestsBefore = receiver.requests;
    const receivedBefore = receiver.received.length;
    const subject = incident();
    await app.services.notifications.notify(org.orgId, {
      type: 'investigation.failed',
      incident: subject,
      error: 'investigation timed out after 15 minutes',
    });
    const [delivery] = await settled(org, 1, 50_000);
    expect(delivery).toMatchObject({ channel: 'webhook', status: 'delivered', attempts: 2 });
    expect(receiver.requests - requestsBefore).toBe(2);
    const received = receiver.received[receivedBefore];
    expect(received?.signatureValid).toBe(true);
    expect(received?.headers['x-aurora-event']).toBe('investigation.failed');
    expect(received?.headers['x-aurora-delivery']).toBe(delivery?.id);
    expect(received?.json).toMatchObject({
      id: delivery?.id,
      type: 'investigation.failed',
      status: 'failed',
      error: 'investigation timed out after 15 minutes',
      incident: {
        id: subject.id,
        title: subject.title,
        severity: 'critical',
        service: 'checkout',
        url: `${publicUrl}/incidents/${subject.id}`,
      },
    });
  });

  it('settles a delivery as failed after its last attempt, logged and audited, without throwing', async () => {
    const org = await createTestOrganization(app);
    const saved = await configure(org, { webhook: { url: receiver.url } });
    receiver.signingSecret = saved.webhook.signingSecret;
    // The same service the worker runs, allowed two attempts, driven by hand (no job) so the test is quick.
    const service = new NotificationsService(
      {
        database: app.platform.database,
        secrets: app.platform.secrets,
        audit: app.platform.audit,
        queue: app.platform.queue,
        outbound: app.platform.outbound,
        logger: app.platform.logger,
      },
      { slackApiUrl: slack.apiUrl, timeoutMs: 5_000, maxAttempts: 2 },
    );
    const deliveryId = randomUUID();
    const subject = incident();
    await app.platform.database.query(
      `insert into notification_deliveries (id, org_id, channel, event_type, incident_id, message)
       values ($1, $2, 'webhook', 'investigation.started', $3, $4::jsonb)`,
      [
        deliveryId,
        org.orgId,
        subject.id,
        JSON.stringify({
          type: 'investigation.started',
          incident: { ...subject, url: null },
          occurredAt: new Date().toISOString(),
        }),
      ],
    );
    receiver.failures.push({ status: 503 }, { status: 502 });
    const signal = new AbortController().signal;
    await expect(service.deliver({ orgId: org.orgId, deliveryId }, { signal })).rejects.toThrow(/503/);
    await service.deliver({ orgId: org.orgId, deliveryId }, { signal });
    const [row] = await app.platform.database.query<{ status: string; attempts: number; last_error: string }>(
      'select status, attempts, last_error from notification_deliveries where id = $1',
      [deliveryId],
    );
    expect(row).toMatchObject({ status: 'failed', attempts: 2 });
    expect(row?.last_error).toContain('502');
    const audit = await app.platform.database.query<{ target_id: string; details: { attempts: number } }>(
      `select target_id, details from audit_log where org_id = $1 and action = 'notification.failed'`,
      [org.orgId],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ target_id: subject.id, details: { attempts: 2 } });
    // Settled: a stray third run sends nothing.
    const requests = receiver.requests;
    await service.deliver({ orgId: org.orgId, deliveryId }, { signal });
    expect(receiver.requests).toBe(requests);
  });

  it('queues inside the caller transaction: nothing is sent when it rolls back', async () => {
    const org = await createTestOrganization(app);
    const saved = await configure(org, { webhook: { url: receiver.url } });
    receiver.signingSecret = saved.webhook.signingSecret;
    const rolledBack = incident();
    await expect(
      app.platform.database.transaction(async (transaction) => {
        const { queued } = await app.services.notifications.notify(
          org.orgId,
          { type: 'investigation.started', incident: rolledBack },
          { transaction },
        );
        expect(queued).toBe(1);
        throw new Error('the investigation could not be created');
      }),
    ).rejects.toThrow('could not be created');
    const committed = incident();
    await app.platform.database.transaction(async (transaction) => {
      await app.services.notifications.notify(
        org.orgId,
        { type: 'investigation.started', incident: committed },
        { transaction },
      );
    });
    const deliveries = await settled(org, 1);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ incidentId: committed.id, status: 'delivered' });
    expect(receiver.received.some((item) => (item.json.incident as { id: string }).id === rolledBack.id)).toBe(false);
  });

  it('never fails the caller: a malformed notification or an unconfigured org queues nothing', async () => {
    const org = await createTestOrganization(app);
    const service = app.services.notifications;
    expect(await service.notify(org.orgId, { type: 'investigation.started', incident: incident() })).toEqual({
      queued: 0,
    });
    await configure(org, { webhook: { url: receiver.url } });
    expect(
      await service.notify(org.orgId, {
        type: 'investigation.started',
        incident: { id: 'not-a-uuid', title: 'x', severity: 'critical' },
      }),
    ).toEqual({ queued: 0 });
    // An org that does not exist (deleted meanwhile): logged, not thrown.
    expect(await service.notify(randomUUID(), { type: 'investigation.started', incident: incident() })).toEqual({
      queued: 0,
    });
  });
});
