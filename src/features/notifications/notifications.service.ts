import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditActor, AuditLog } from '../../platform/audit/audit-log.js';
import type { Database, Executor } from '../../platform/database/database.js';
import { NotFound, UpstreamUnavailable, ValidationFailed } from '../../platform/errors.js';
import type { OutboundFetch } from '../../platform/http-client/outbound-fetch.js';
import { assertOutboundUrl, type OutboundPolicy } from '../../platform/http-client/outbound-policy.js';
import type { Logger } from '../../platform/logger/logger.js';
import type { AuroraJobCatalog } from '../../platform/queue/job-catalog.js';
import type { Queue } from '../../platform/queue/queue.js';
import type { SecretAccess, SecretData, SecretStore } from '../../platform/secrets/secret-store.js';
import { auditActor, generateToken, type Principal, principalAudit, type RequestMetadata } from '../accounts/index.js';
import { DeliveryError, deliveryErrorFrom } from './delivery-error.js';
import { sendEmail } from './email.sender.js';
import { KeyedSerializer } from './keyed-serializer.js';
import { emailSubject, plainText, slackMessage, webhookBody } from './notification-message.js';
import {
  type DeliveryView,
  type EmailInput,
  type InvestigationNotification,
  investigationNotification,
  type SettingsInput,
  type SettingsView,
  type SlackInput,
  type TestResults,
  type WebhookInput,
} from './notification-settings.js';
import { type ChannelRow, NotificationsRepository } from './notifications.repository.js';
import {
  type ChannelKind,
  type ChannelSettings,
  channelKinds,
  type NotificationEventType,
  type NotificationMessage,
  notificationDefaultEvents,
} from './notifications.schema.js';
import { postSlackMessage, postSlackWebhook } from './slack.sender.js';
import { postSignedWebhook } from './webhook.sender.js';

export interface NotificationsDependencies {
  database: Database;
  secrets: SecretStore;
  audit: AuditLog;
  queue: Queue<AuroraJobCatalog>;
  outbound: { policy: OutboundPolicy; fetch: OutboundFetch };
  logger: Logger;
}

export interface NotificationsOptions {
  /** `AURORA_PUBLIC_URL`, for links to incidents. */
  publicUrl?: string;
  /** Slack Web API base (operator-trusted). */
  slackApiUrl: string;
  /** One send: an HTTP request or an SMTP conversation. */
  timeoutMs: number;
  /** Attempts before a delivery is given up (the job's retry limit + 1). */
  maxAttempts: number;
}

const signingSecretPrefix = 'whsec_';
const defaultPorts = { tls: 465, starttls: 587, none: 25 } as const;
/** A 429's Retry-After is honoured inside the job up to this long; longer waits go back to the queue's backoff. */
const maxInlineWaitSeconds = { job: 30, test: 5 } as const;

interface SendContext {
  orgId: string;
  deliveryId: string;
  signal: AbortSignal;
  /** Credentials read for this send, to be scrubbed from any error text. */
  secretValues: Set<string>;
  maxWaitSeconds: number;
  purpose: string;
}

/**
 * Investigation notifications per org: settings (credentials in the secret store), `notify` for the investigation
 * feature (one queued delivery per channel, never blocking or failing the caller), delivery with retries, and a
 * test send.
 */
export class NotificationsService {
  private readonly repository = new NotificationsRepository();
  private readonly threadLocks = new KeyedSerializer();

  constructor(
    private readonly dependencies: NotificationsDependencies,
    private readonly options: NotificationsOptions,
  ) {}

  // ---------------------------------------------------------------------------------------------- settings

  async settings(principal: Principal): Promise<SettingsView> {
    return this.view(await this.repository.channels(this.dependencies.database, principal.orgId));
  }

  async saveSettings(
    principal: Principal,
    input: SettingsInput,
    metadata: RequestMetadata = {},
  ): Promise<SettingsView> {
    const { database, secrets, audit } = this.dependencies;
    const orgId = principal.orgId;
    const existing = new Map((await this.repository.channels(database, orgId)).map((row) => [row.kind, row]));
    const access: SecretAccess = {
      orgId,
      actor: auditActor(principal),
      purpose: 'notifications.settings',
      requestId: metadata.requestId,
    };

    // Check everything before writing anything.
    const planned: Array<{ kind: ChannelKind; plan: ChannelPlan | null }> = [];
    for (const kind of channelKinds) {
      const value = input[kind];
      if (value === undefined) continue;
      planned.push({ kind, plan: value === null ? null : this.plan(kind, value, existing.get(kind)) });
    }

    const written: string[] = [];
    let signingSecret: string | undefined;
    for (const { kind, plan } of planned) {
      if (!plan) continue;
      if (plan.secret === 'remove') continue;
      if (plan.secret) {
        plan.reference = await secrets.put(access, `notifications/${kind}`, plan.secret);
        if (!existing.get(kind)?.secretReference) written.push(plan.reference);
        if (kind === 'webhook') signingSecret = plan.secret.signingSecret;
      }
    }

    const removedReferences: string[] = [];
    try {
      await database.transaction(async (transaction) => {
        for (const { kind, plan } of planned) {
          const before = existing.get(kind);
          if (!plan) {
            if (!before) continue;
            await this.repository.deleteChannel(transaction, orgId, kind);
            if (before.secretReference) removedReferences.push(before.secretReference);
            continue;
          }
          const reference = plan.secret === 'remove' ? null : (plan.reference ?? before?.secretReference ?? null);
          if (plan.secret === 'remove' && before?.secretReference) removedReferences.push(before.secretReference);
          await this.repository.upsertChannel(transaction, {
            id: before?.id ?? randomUUID(),
            orgId,
            kind,
            enabled: plan.enabled,
            events: plan.events,
            settings: plan.settings,
            secretReference: reference,
          });
        }
        await audit.record(
          principalAudit(principal, metadata, {
            action: 'notifications.settings_updated',
            targetType: 'notification_settings',
            targetId: orgId,
            details: {
              changed: planned.filter((entry) => entry.plan).map((entry) => entry.kind),
              removed: planned.filter((entry) => !entry.plan).map((entry) => entry.kind),
              ...(signingSecret ? { signingSecretIssued: true } : {}),
            },
          }),
          transaction,
        );
      });
    } catch (error) {
      // Secrets created for channels that were never saved would be orphans.
      for (const reference of written) await secrets.delete(access, reference).catch(() => undefined);
      throw error;
    }
    for (const reference of removedReferences) {
      await secrets
        .delete(access, reference)
        .catch((error) =>
          this.dependencies.logger.warn({ err: error, orgId }, 'could not delete a removed notification secret'),
        );
    }

    const view = this.view(await this.repository.channels(database, orgId));
    if (signingSecret && view.webhook) view.webhook.signingSecret = signingSecret;
    return view;
  }

  /** Validates one channel's input against what is stored; secrets omitted from the input are kept. */
  private plan(kind: ChannelKind, input: SlackInput | EmailInput | WebhookInput, before: ChannelRow | undefined) {
    const policy = this.dependencies.outbound.policy;
    const events: NotificationEventType[] = input.events ?? before?.events ?? [...notificationDefaultEvents];
    const enabled = input.enabled ?? true;
    const previous = before?.settings;
    const hasSecret = Boolean(before?.secretReference);

    if (kind === 'slack') {
      const slack = input as SlackInput;
      if (slack.mode === 'webhook') {
        let secret: SecretData | undefined;
        if (slack.webhookUrl !== undefined) {
          assertOutboundUrl(slack.webhookUrl, policy, 'slack.webhookUrl');
          secret = { webhookUrl: slack.webhookUrl };
        } else if (!(previous?.kind === 'slack' && previous.mode === 'webhook' && hasSecret)) {
          throw new ValidationFailed('slack.webhookUrl is required to set up Slack with an incoming webhook', {
            field: 'slack.webhookUrl',
          });
        }
        return plan({ kind: 'slack', mode: 'webhook' }, enabled, events, secret);
      }
      let secret: SecretData | undefined;
      if (slack.botToken !== undefined) secret = { botToken: slack.botToken };
      else if (!(previous?.kind === 'slack' && previous.mode === 'bot' && hasSecret)) {
        throw new ValidationFailed('slack.botToken is required to set up Slack with a bot token', {
          field: 'slack.botToken',
        });
      }
      return plan({ kind: 'slack', mode: 'bot', channel: slack.channel }, enabled, events, secret);
    }

    if (kind === 'email') {
      const email = input as EmailInput;
      const host = email.host.replace(/^\[|\]$/g, '');
      // The same shape and address checks as an HTTP URL; the resolved address is checked again at send time.
      assertOutboundUrl(`https://${host.includes(':') ? `[${host}]` : host}/`, policy, 'email.host');
      const user = email.user ?? null;
      if (email.password && !user) {
        throw new ValidationFailed('email.user is required with a password', { field: 'email.user' });
      }
      // No user means no authentication, so a stored password has no use left.
      let secret: SecretData | 'remove' | undefined;
      if (email.password === null || user === null) secret = hasSecret ? 'remove' : undefined;
      else if (email.password !== undefined) secret = { password: email.password };
      return plan(
        {
          kind: 'email',
          host,
          port: email.port ?? defaultPorts[email.security],
          security: email.security,
          user,
          from: email.from,
          to: [...new Set(email.to)],
        },
        enabled,
        events,
        secret,
      );
    }

    const webhook = input as WebhookInput;
    assertOutboundUrl(webhook.url, policy, 'webhook.url');
    const secret =
      webhook.rotateSecret || !hasSecret ? { signingSecret: generateToken(signingSecretPrefix) } : undefined;
    return plan({ kind: 'webhook', url: webhook.url }, enabled, events, secret);
  }

  private view(rows: ChannelRow[]): SettingsView {
    const view: SettingsView = { slack: null, email: null, webhook: null };
    for (const row of rows) {
      const common = { enabled: row.enabled, events: row.events, updatedAt: row.updatedAt.toISOString() };
      const settings = row.settings;
      const configured = Boolean(row.secretReference);
      if (settings.kind === 'slack') {
        view.slack = {
          mode: settings.mode,
          channel: settings.mode === 'bot' ? settings.channel : null,
          webhookUrlConfigured: settings.mode === 'webhook' && configured,
          botTokenConfigured: settings.mode === 'bot' && configured,
          ...common,
        };
      } else if (settings.kind === 'email') {
        view.email = {
          host: settings.host,
          port: settings.port,
          security: settings.security,
          user: settings.user,
          passwordConfigured: configured,
          from: settings.from,
          to: settings.to,
          ...common,
        };
      } else {
        view.webhook = { url: settings.url, signingSecretConfigured: configured, ...common };
      }
    }
    return view;
  }

  // ---------------------------------------------------------------------------------------------- notify

  /**
   * Queues the notification for every enabled channel that wants this event: one delivery row and one
   * `notification.deliver` job per channel. With `transaction`, both commit with the caller's transaction (and a
   * database error there is the caller's to handle, as the transaction is lost anyway); without it, any error is
   * logged and swallowed. Delivery happens in the worker, so this never waits on Slack or SMTP.
   */
  async notify(
    orgId: string,
    notification: InvestigationNotification,
    options: { transaction?: Executor } = {},
  ): Promise<{ queued: number }> {
    const { database, queue, logger } = this.dependencies;
    const parsed = investigationNotification.safeParse(notification);
    if (!parsed.success) {
      logger.warn({ orgId, issues: parsed.error.issues }, 'notification ignored: it does not match the schema');
      return { queued: 0 };
    }
    const input = parsed.data;
    const message: NotificationMessage = {
      type: input.type,
      incident: {
        id: input.incident.id,
        title: input.incident.title,
        severity: input.incident.severity,
        service: input.incident.service ?? null,
        url: input.incident.url ?? this.incidentUrl(input.incident.id),
      },
      ...(input.summary ? { summary: input.summary } : {}),
      ...(input.confidence ? { confidence: input.confidence } : {}),
      ...(input.rootCause ? { rootCause: input.rootCause } : {}),
      ...(input.error ? { error: input.error } : {}),
      occurredAt: new Date().toISOString(),
    };
    const enqueue = async (transaction: Executor) => {
      const channels = (await this.repository.channels(transaction, orgId)).filter(
        (channel) => channel.enabled && channel.events.includes(input.type),
      );
      const rows = channels.map((channel) => ({
        id: randomUUID(),
        orgId,
        channel: channel.kind,
        eventType: input.type,
        incidentId: input.incident.id,
        message,
      }));
      await this.repository.insertDeliveries(transaction, rows);
      for (const row of rows) {
        await queue.enqueue('notification.deliver', { orgId, deliveryId: row.id }, { transaction, id: row.id });
      }
      return rows.length;
    };
    if (options.transaction) return { queued: await enqueue(options.transaction) };
    try {
      return { queued: await database.transaction(enqueue) };
    } catch (error) {
      logger.warn({ err: error, orgId, incidentId: input.incident.id }, 'could not queue notifications');
      return { queued: 0 };
    }
  }

  private incidentUrl(incidentId: string): string | null {
    return this.options.publicUrl ? `${this.options.publicUrl}/incidents/${incidentId}` : null;
  }

  // ---------------------------------------------------------------------------------------------- delivery

  /**
   * The `notification.deliver` job. Throws only to ask the queue for another attempt; a delivery that cannot
   * succeed (a permanent provider error, or the last attempt) is recorded as failed, logged and audited.
   */
  async deliver(payload: { orgId: string; deliveryId: string }, context: { signal: AbortSignal }): Promise<void> {
    const { database, logger, audit } = this.dependencies;
    const { orgId, deliveryId } = payload;
    const delivery = await this.repository.delivery(database, orgId, deliveryId);
    if (delivery?.status !== 'pending') return; // gone with its org, or already settled
    const attempts = await this.repository.startAttempt(database, orgId, deliveryId);
    const channel = await this.repository.channel(database, orgId, delivery.channel);
    const log = logger.child({ orgId, deliveryId, channel: delivery.channel, event: delivery.eventType });
    if (!channel?.enabled) {
      await this.repository.finishAttempt(database, orgId, deliveryId, {
        status: 'failed',
        error: channel ? 'the channel was disabled before delivery' : 'the channel was removed before delivery',
      });
      log.info('notification dropped: its channel is no longer enabled');
      return;
    }

    const secretValues = new Set<string>();
    try {
      await this.send(channel, delivery.message, {
        orgId,
        deliveryId,
        signal: context.signal,
        secretValues,
        maxWaitSeconds: maxInlineWaitSeconds.job,
        purpose: 'notification.deliver',
      });
    } catch (error) {
      const failure = this.failureOf(error, channel.kind);
      const reason = scrub(failure.message, secretValues);
      const final = !failure.retryable || attempts >= this.options.maxAttempts;
      await this.repository.finishAttempt(database, orgId, deliveryId, {
        status: final ? 'failed' : 'pending',
        error: reason,
      });
      if (!final) {
        log.warn({ attempts, reason }, 'notification not delivered yet; the queue will retry');
        throw new Error(reason);
      }
      log.warn({ attempts, reason }, 'notification failed');
      await audit.record({
        orgId,
        actor: { type: 'system' },
        action: 'notification.failed',
        outcome: 'failure',
        targetType: 'incident',
        targetId: delivery.incidentId ?? undefined,
        details: { deliveryId, channel: channel.kind, event: delivery.eventType, attempts, error: reason },
      });
      return;
    }
    await this.repository.finishAttempt(database, orgId, deliveryId, { status: 'delivered', error: null });
    log.info({ attempts }, 'notification delivered');
  }

  /** Sends a test message to every configured channel at once and says, per channel, whether it arrived. */
  async sendTest(principal: Principal, metadata: RequestMetadata = {}): Promise<TestResults> {
    const channels = await this.repository.channels(this.dependencies.database, principal.orgId);
    const message: NotificationMessage = {
      type: 'investigation.finished',
      incident: {
        id: '00000000-0000-0000-0000-000000000000',
        title: 'Aurora test notification',
        severity: 'info',
        service: null,
        url: this.options.publicUrl ?? null,
      },
      occurredAt: new Date().toISOString(),
      test: true,
    };
    const ordered = [...channels].sort((a, b) => channelKinds.indexOf(a.kind) - channelKinds.indexOf(b.kind));
    const results = await Promise.all(
      ordered.map(async (channel) => {
        const secretValues = new Set<string>();
        try {
          await this.send(channel, message, {
            orgId: principal.orgId,
            deliveryId: randomUUID(),
            signal: AbortSignal.timeout(this.options.timeoutMs * 2),
            secretValues,
            maxWaitSeconds: maxInlineWaitSeconds.test,
            purpose: 'notification.test',
          });
          return { channel: channel.kind, ok: true };
        } catch (error) {
          return {
            channel: channel.kind,
            ok: false,
            error: scrub(this.failureOf(error, channel.kind).message, secretValues),
          };
        }
      }),
    );
    await this.dependencies.audit.record(
      principalAudit(principal, metadata, {
        action: 'notifications.test_sent',
        targetType: 'notification_settings',
        targetId: principal.orgId,
        outcome: results.every((result) => result.ok) ? 'success' : 'failure',
        details: { results },
      }),
    );
    return { results };
  }

  async deliveries(principal: Principal, limit: number): Promise<DeliveryView[]> {
    const rows = await this.repository.recentDeliveries(this.dependencies.database, principal.orgId, limit);
    return rows.map((row) => ({
      id: row.id,
      channel: row.channel,
      event: row.eventType,
      incidentId: row.incidentId,
      status: row.status,
      attempts: row.attempts,
      lastError: row.lastError,
      createdAt: row.createdAt.toISOString(),
      deliveredAt: row.deliveredAt?.toISOString() ?? null,
    }));
  }

  /** Settled deliveries older than `days` are removed (any org); returns how many. */
  async pruneDeliveries(days = 30): Promise<number> {
    return this.repository.pruneDeliveries(this.dependencies.database, new Date(Date.now() - days * 86_400_000));
  }

  private failureOf(error: unknown, kind: ChannelKind): DeliveryError {
    if (error instanceof NotFound) {
      return new DeliveryError(
        `the ${kind} credential is missing from the secret store; save the settings again`,
        false,
      );
    }
    if (error instanceof UpstreamUnavailable) return new DeliveryError(`secret store: ${error.message}`, true);
    return deliveryErrorFrom(error, kind);
  }

  private async send(channel: ChannelRow, message: NotificationMessage, context: SendContext): Promise<void> {
    const settings = channel.settings;
    const secret = channel.secretReference ? await this.secret(channel, context) : {};
    const signal = AbortSignal.any([context.signal, AbortSignal.timeout(this.options.timeoutMs)]);
    const { fetch, policy } = this.dependencies.outbound;

    if (settings.kind === 'slack') {
      const payload = slackMessage(message);
      if (settings.mode === 'webhook') {
        const webhookUrl = required(secret, 'webhookUrl', 'Slack webhook URL');
        return this.honourRetryAfter(() => postSlackWebhook(fetch, webhookUrl, payload, signal), context);
      }
      const botToken = required(secret, 'botToken', 'Slack bot token');
      const apiUrl = this.options.slackApiUrl;
      if (message.test) {
        await this.honourRetryAfter(
          () => postSlackMessage(apiUrl, botToken, { channel: settings.channel, ...payload }, signal),
          context,
        );
        return;
      }
      // The first message about an incident starts a thread; later ones reply in it. One poster per thread at a
      // time (in this process, and across processes on PostgreSQL), so two updates cannot start two threads.
      const incidentId = message.incident.id;
      const key = `notification-thread:${context.orgId}:${incidentId}:${settings.channel}`;
      await this.threadLocks.run(key, () =>
        this.dependencies.database.withAdvisoryLock(key, async () => {
          const { database } = this.dependencies;
          const thread = await this.repository.thread(database, context.orgId, incidentId, settings.channel);
          const posted = await this.honourRetryAfter(
            () =>
              postSlackMessage(
                apiUrl,
                botToken,
                {
                  channel: thread?.channelId ?? settings.channel,
                  threadTs: thread?.threadTs,
                  replyBroadcast: message.type !== 'investigation.started',
                  ...payload,
                },
                signal,
              ),
            context,
          );
          if (!thread) {
            await this.repository.insertThread(database, {
              id: randomUUID(),
              orgId: context.orgId,
              incidentId,
              channel: settings.channel,
              channelId: posted.channel,
              threadTs: posted.ts,
            });
          }
        }),
      );
      return;
    }

    if (settings.kind === 'email') {
      await sendEmail(
        { ...settings, password: secret.password ?? null },
        {
          subject: emailSubject(message),
          text: plainText(message),
          headers: {
            'X-Aurora-Event': message.test ? 'notification.test' : message.type,
            'X-Aurora-Incident': message.incident.id,
            'X-Aurora-Delivery': context.deliveryId,
          },
        },
        { policy, timeoutMs: this.options.timeoutMs, signal: context.signal },
      );
      return;
    }

    const signingSecret = required(secret, 'signingSecret', 'webhook signing secret');
    const body = webhookBody(message, context.deliveryId);
    await this.honourRetryAfter(
      () =>
        postSignedWebhook(
          fetch,
          {
            url: settings.url,
            signingSecret,
            body,
            eventType: message.test ? 'notification.test' : message.type,
            deliveryId: context.deliveryId,
          },
          signal,
        ),
      context,
    );
  }

  private async secret(channel: ChannelRow, context: SendContext): Promise<SecretData> {
    const data = await this.dependencies.secrets.get(
      { orgId: context.orgId, actor: systemActor, purpose: context.purpose },
      channel.secretReference as string,
    );
    for (const value of Object.values(data)) {
      context.secretValues.add(value);
      // The path of a Slack webhook URL is the credential; scrub it on its own too.
      if (/^https?:\/\//.test(value)) context.secretValues.add(new URL(value).pathname);
    }
    return data;
  }

  /** A provider's 429 with a short Retry-After is waited out here; anything longer goes back to the queue. */
  private async honourRetryAfter<T>(send: () => Promise<T>, context: SendContext): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        const wait = error instanceof DeliveryError ? error.retryAfterSeconds : undefined;
        if (wait === undefined || wait > context.maxWaitSeconds || attempt >= 2) throw error;
        await sleep(Math.max(wait * 1000, 250), undefined, { signal: context.signal });
      }
    }
  }
}

const systemActor: AuditActor = { type: 'system' };

interface ChannelPlan {
  settings: ChannelSettings;
  enabled: boolean;
  events: NotificationEventType[];
  /** New secret data to store, `remove` to drop the stored one, undefined to keep it. */
  secret: SecretData | 'remove' | undefined;
  reference?: string;
}

function plan(
  settings: ChannelSettings,
  enabled: boolean,
  events: NotificationEventType[],
  secret: SecretData | 'remove' | undefined,
): ChannelPlan {
  return { settings, enabled, events, secret };
}

function required(secret: SecretData, key: string, what: string): string {
  const value = secret[key];
  if (!value) throw new DeliveryError(`the ${what} is not configured`, false);
  return value;
}

/** Removes any credential that found its way into an error text (a URL echoed back by a proxy, say). */
function scrub(text: string, secrets: Set<string>): string {
  let result = text;
  for (const secret of secrets) if (secret.length >= 6) result = result.split(secret).join('[redacted]');
  return result;
}
