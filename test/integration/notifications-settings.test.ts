import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretRedactor } from '../../src/platform/logger/secret-redactor.js';
import {
  api,
  createTestOrganization,
  startTestApplication,
  type TestApplication,
  type TestOrganization,
  tablesContaining,
} from '../support/application.js';
import { capturingLogger } from '../support/logger.js';
import { SmtpTestServer, WebhookReceiverStandIn } from '../support/notification-endpoints-stand-in.js';
import { SlackStandIn } from '../support/slack-stand-in.js';

const settingsPath = '/api/v1/settings/notifications';

describe('notification settings', () => {
  let app: TestApplication;
  let slack: SlackStandIn;
  let smtp: SmtpTestServer;
  let receiver: WebhookReceiverStandIn;
  let capture: ReturnType<typeof capturingLogger>;
  let org: TestOrganization;
  const botToken = `xoxb-${randomBytes(12).toString('hex')}`;
  const webhookSecretPath = `/services/T0002/B0002/${randomBytes(12).toString('hex')}`;
  const smtpPassword = `smtp-${randomBytes(12).toString('hex')}`;

  beforeAll(async () => {
    slack = await SlackStandIn.start({ botToken, channels: { alerts: 'C0ALERTS' }, webhookPaths: [webhookSecretPath] });
    smtp = await SmtpTestServer.start({ credentials: { user: 'mailer', password: smtpPassword } });
    receiver = await WebhookReceiverStandIn.start();
    const redactor = new SecretRedactor();
    capture = capturingLogger(redactor);
    app = await startTestApplication({
      logger: capture.logger,
      redactor,
      environment: {
        LOG_LEVEL: 'trace',
        AURORA_OUTBOUND_ALLOWED_HOSTS: '127.0.0.1',
        NOTIFICATIONS_SLACK_API_URL: slack.apiUrl,
        NOTIFICATIONS_TIMEOUT_MS: '3000',
      },
    });
    org = await createTestOrganization(app);
  });
  afterAll(async () => {
    await app?.close();
    await slack?.stop();
    await smtp?.stop();
    await receiver?.stop();
  });

  it('starts empty, and only admins may read or change it', async () => {
    const fresh = await createTestOrganization(app);
    const read = await api(app, 'GET', settingsPath, { token: fresh.tokens.admin });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ slack: null, email: null, webhook: null });
    for (const role of ['editor', 'viewer'] as const) {
      expect((await api(app, 'GET', settingsPath, { token: fresh.tokens[role] })).status).toBe(403);
      expect((await api(app, 'PUT', settingsPath, { token: fresh.tokens[role], body: {} })).status).toBe(403);
      expect((await api(app, 'POST', `${settingsPath}/test`, { token: fresh.tokens[role] })).status).toBe(403);
    }
    expect((await api(app, 'POST', `${settingsPath}/test`, { token: fresh.tokens.admin })).body).toEqual({
      results: [],
    });
  });

  it('stores credentials in the secret store only: never in responses, database rows or logs', async () => {
    const slackWebhookUrl = `${slack.url}${webhookSecretPath}`;
    const saved = await api(app, 'PUT', settingsPath, {
      token: org.tokens.admin,
      body: {
        slack: { mode: 'webhook', webhookUrl: slackWebhookUrl },
        email: {
          host: '127.0.0.1',
          port: smtp.port,
          security: 'none',
          user: 'mailer',
          password: smtpPassword,
          from: 'aurora@example.com',
          to: ['oncall@example.com'],
        },
        webhook: { url: receiver.url, events: ['investigation.finished'] },
      },
    });
    expect(saved.status, saved.text).toBe(200);
    const signingSecret = saved.body.webhook.signingSecret as string;
    expect(signingSecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    receiver.signingSecret = signingSecret;
    expect(saved.body.slack).toMatchObject({ mode: 'webhook', webhookUrlConfigured: true, botTokenConfigured: false });
    expect(saved.body.email).toMatchObject({
      host: '127.0.0.1',
      port: smtp.port,
      passwordConfigured: true,
      user: 'mailer',
    });
    expect(saved.body.webhook).toMatchObject({
      url: receiver.url,
      signingSecretConfigured: true,
      events: ['investigation.finished'],
      enabled: true,
    });

    const read = await api(app, 'GET', settingsPath, { token: org.tokens.admin });
    expect(read.body.webhook.signingSecret).toBeUndefined();

    // The test send reaches all three, so every credential is read and used once.
    const tested = await api(app, 'POST', `${settingsPath}/test`, { token: org.tokens.admin });
    expect(tested.status).toBe(200);
    expect(tested.body.results).toEqual([
      { channel: 'slack', ok: true },
      { channel: 'email', ok: true },
      { channel: 'webhook', ok: true },
    ]);
    expect(slack.webhookPosts.at(-1)?.body.text).toContain('Test notification');
    expect(smtp.messages.at(-1)?.user).toBe('mailer');
    expect(receiver.received.at(-1)).toMatchObject({ signatureValid: true, json: { type: 'notification.test' } });

    // Switching Slack to a bot token keeps the token secret too.
    const bot = await api(app, 'PUT', settingsPath, {
      token: org.tokens.admin,
      body: { slack: { mode: 'bot', botToken, channel: '#alerts' } },
    });
    expect(bot.body.slack).toMatchObject({
      mode: 'bot',
      channel: '#alerts',
      botTokenConfigured: true,
      webhookUrlConfigured: false,
    });
    expect(bot.body.email.passwordConfigured).toBe(true); // untouched
    const botTest = await api(app, 'POST', `${settingsPath}/test`, { token: org.tokens.admin });
    expect(botTest.body.results[0]).toEqual({ channel: 'slack', ok: true });
    expect(slack.posts.at(-1)).toMatchObject({ channelId: 'C0ALERTS' });

    const secrets = [slackWebhookUrl, webhookSecretPath, botToken, smtpPassword, signingSecret];
    for (const secret of secrets) {
      expect({ secret, tables: await tablesContaining(app, secret) }).toEqual({ secret, tables: [] });
      expect(capture.text()).not.toContain(secret);
      for (const response of [read, tested, bot, botTest]) expect(response.text).not.toContain(secret);
    }
    // The scan can find things: the channel rows hold the references.
    const [row] = await app.platform.database.query<{ secret_reference: string }>(
      `select secret_reference from notification_channels where org_id = $1 and kind = 'email'`,
      [org.orgId],
    );
    expect(await tablesContaining(app, row?.secret_reference ?? 'missing')).toContain('public.notification_channels');
    expect(saved.text).not.toContain(smtpPassword);
  });

  it('keeps stored secrets when a channel is saved without them, and removes them with the channel', async () => {
    const own = await createTestOrganization(app);
    const first = await api(app, 'PUT', settingsPath, {
      token: own.tokens.admin,
      body: { webhook: { url: receiver.url } },
    });
    const secret = first.body.webhook.signingSecret as string;
    const again = await api(app, 'PUT', settingsPath, {
      token: own.tokens.admin,
      body: { webhook: { url: `${receiver.url}?v=2`, enabled: false } },
    });
    expect(again.body.webhook).toMatchObject({
      url: `${receiver.url}?v=2`,
      enabled: false,
      signingSecretConfigured: true,
    });
    expect(again.body.webhook.signingSecret).toBeUndefined();
    const rotated = await api(app, 'PUT', settingsPath, {
      token: own.tokens.admin,
      body: { webhook: { url: receiver.url, rotateSecret: true } },
    });
    expect(rotated.body.webhook.signingSecret).toMatch(/^whsec_/);
    expect(rotated.body.webhook.signingSecret).not.toBe(secret);

    // Slack in bot mode needs a token the first time.
    const missing = await api(app, 'PUT', settingsPath, {
      token: own.tokens.admin,
      body: { slack: { mode: 'bot', channel: '#alerts' } },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.detail).toContain('slack.botToken');

    const [row] = await app.platform.database.query<{ secret_reference: string }>(
      `select secret_reference from notification_channels where org_id = $1 and kind = 'webhook'`,
      [own.orgId],
    );
    const removed = await api(app, 'PUT', settingsPath, { token: own.tokens.admin, body: { webhook: null } });
    expect(removed.body.webhook).toBeNull();
    await expect(
      app.platform.secrets.get({ orgId: own.orgId, actor: { type: 'system' } }, row?.secret_reference as string),
    ).rejects.toThrow(/not found/i);
    const audit = await app.platform.database.query<{ action: string }>(
      `select action from audit_log where org_id = $1 and action like 'notifications.%' order by id`,
      [own.orgId],
    );
    expect(audit.map((entry) => entry.action)).toEqual([
      'notifications.settings_updated',
      'notifications.settings_updated',
      'notifications.settings_updated',
      'notifications.settings_updated',
    ]);
  });

  it('refuses private, link-local and loopback destinations not explicitly allowed (SSRF)', async () => {
    const own = await createTestOrganization(app);
    const attempts: Array<Record<string, unknown>> = [
      { webhook: { url: 'http://169.254.169.254/latest/meta-data/' } },
      { webhook: { url: 'http://10.0.0.7/hook' } },
      { webhook: { url: 'http://localhost:8080/hook' } },
      { webhook: { url: 'file:///etc/passwd' } },
      { slack: { mode: 'webhook', webhookUrl: 'http://192.168.1.20/services/x' } },
      { slack: { mode: 'webhook', webhookUrl: 'https://user:pass@hooks.slack.com/services/x' } },
      { email: { host: '169.254.169.254', security: 'none', from: 'a@example.com', to: ['b@example.com'] } },
      { email: { host: 'localhost', security: 'none', from: 'a@example.com', to: ['b@example.com'] } },
      { email: { host: '10.1.2.3', security: 'none', from: 'a@example.com', to: ['b@example.com'] } },
    ];
    for (const body of attempts) {
      const response = await api(app, 'PUT', settingsPath, { token: own.tokens.admin, body });
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
    }
    expect((await api(app, 'GET', settingsPath, { token: own.tokens.admin })).body).toEqual({
      slack: null,
      email: null,
      webhook: null,
    });
  });

  it('reports each channel’s own error from the test send', async () => {
    const own = await createTestOrganization(app);
    const plainOnly = await SmtpTestServer.start({ smtp: { disabledCommands: ['STARTTLS'] } });
    try {
      const saved = await api(app, 'PUT', settingsPath, {
        token: own.tokens.admin,
        body: {
          slack: { mode: 'bot', botToken, channel: '#no-such-channel' },
          // STARTTLS required, but this server does not offer it: the mail must not go out in plain text.
          email: {
            host: '127.0.0.1',
            port: plainOnly.port,
            security: 'starttls',
            from: 'aurora@example.com',
            to: ['oncall@example.com'],
          },
          webhook: { url: 'http://127.0.0.1:1/closed' },
        },
      });
      expect(saved.status, saved.text).toBe(200);
      const tested = await api(app, 'POST', `${settingsPath}/test`, { token: own.tokens.admin });
      expect(tested.status).toBe(200);
      const [slackResult, emailResult, webhookResult] = tested.body.results;
      expect(slackResult).toMatchObject({ channel: 'slack', ok: false });
      expect(slackResult.error).toContain('channel_not_found');
      expect(emailResult).toMatchObject({ channel: 'email', ok: false });
      expect(emailResult.error).toMatch(/STARTTLS/i);
      expect(plainOnly.messages).toHaveLength(0);
      expect(webhookResult).toMatchObject({ channel: 'webhook', ok: false });
      expect(webhookResult.error).toMatch(/^webhook: /i);

      // A wrong SMTP password is the server's 535, reported as such.
      await api(app, 'PUT', settingsPath, {
        token: own.tokens.admin,
        body: {
          slack: null,
          webhook: null,
          email: {
            host: '127.0.0.1',
            port: smtp.port,
            security: 'none',
            user: 'mailer',
            password: 'wrong-password',
            from: 'aurora@example.com',
            to: ['oncall@example.com'],
          },
        },
      });
      const wrong = await api(app, 'POST', `${settingsPath}/test`, { token: own.tokens.admin });
      expect(wrong.body.results).toHaveLength(1);
      expect(wrong.body.results[0].error).toMatch(/535/);

      // STARTTLS offered with a certificate that does not verify (smtp-server's built-in one): refused, not sent.
      const before = smtp.messages.length;
      await api(app, 'PUT', settingsPath, {
        token: own.tokens.admin,
        body: {
          email: {
            host: '127.0.0.1',
            port: smtp.port,
            security: 'starttls',
            from: 'aurora@example.com',
            to: ['oncall@example.com'],
          },
        },
      });
      const unverified = await api(app, 'POST', `${settingsPath}/test`, { token: own.tokens.admin });
      expect(unverified.body.results[0]).toMatchObject({ channel: 'email', ok: false });
      expect(unverified.body.results[0].error).toMatch(/certificate/i);
      expect(smtp.messages.length).toBe(before);
    } finally {
      await plainOnly.stop();
    }
  });

  it('keeps each org to its own settings and deliveries', async () => {
    const other = await createTestOrganization(app, 'other');
    await app.services.notifications.notify(org.orgId, {
      type: 'investigation.finished',
      incident: { id: randomUUID(), title: 'Org A incident', severity: 'high', service: 'api' },
    });
    const settings = await api(app, 'GET', settingsPath, { token: other.tokens.admin });
    expect(settings.body).toEqual({ slack: null, email: null, webhook: null });
    const deliveries = await api(app, 'GET', `${settingsPath}/deliveries`, { token: other.tokens.admin });
    expect(deliveries.body).toEqual({ items: [] });
    expect((await api(app, 'POST', `${settingsPath}/test`, { token: other.tokens.admin })).body).toEqual({
      results: [],
    });
    const own = await api(app, 'GET', `${settingsPath}/deliveries`, { token: org.tokens.admin });
    expect(own.body.items.length).toBeGreaterThan(0);
  });
});
