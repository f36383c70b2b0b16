import { createHash } from 'node:crypto';
import { Counter, type Registry } from 'prom-client';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { RateLimiter, RateLimiterFactory } from '../../platform/cache/cache.js';
import { Forbidden, NotFound, Unauthenticated, UnsupportedMediaType, ValidationFailed } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger/logger.js';
import { type AlertSource, isAlertSource, type ParsedDelivery } from './alert.model.js';
import type { IntakeBatcher, IntakeOutcome } from './intake-batcher.js';
import type { IntegrationsService } from './integrations.service.js';
import { parsers } from './sources/index.js';
import { type VerifyOptions, verifyDelivery } from './webhook-verification/index.js';

export interface WebhookDelivery {
  source: string;
  integrationId: string;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
  ip?: string;
  requestId?: string;
}

export interface WebhookResult {
  accepted: number;
  duplicate: boolean;
  /** SNS only: the subscription was confirmed. */
  subscriptionConfirmed?: boolean;
}

export interface IntakeDependencies {
  integrations: IntegrationsService;
  batcher: IntakeBatcher;
  audit: AuditLog;
  rateLimiters: RateLimiterFactory;
  logger: Logger;
  registry: Registry;
  verifyOptions: VerifyOptions;
  /** Confirms an SNS subscription by fetching its SubscribeURL (already checked to be an SNS host). */
  confirmSubscription(subscribeUrl: string): Promise<void>;
  now?: () => Date;
}

const jsonContentTypes = /^(application\/([\w.+-]*\+)?json|text\/plain)$/i;

/** Verifies, parses and stores one webhook delivery; see docs/api.md "Webhooks" for the contract. */
export class IntakeService {
  private readonly rejected: Counter<'source' | 'reason'>;
  private readonly received: Counter<'source' | 'outcome'>;
  private readonly rejectionAudit: RateLimiter;

  constructor(private readonly dependencies: IntakeDependencies) {
    this.rejected = new Counter({
      name: 'aurora_webhook_rejected_total',
      help: 'Webhook deliveries rejected before anything was stored, by source and reason',
      labelNames: ['source', 'reason'] as const,
      registers: [dependencies.registry],
    });
    this.received = new Counter({
      name: 'aurora_alerts_received_total',
      help: 'Alerts in accepted webhook deliveries, by source; outcome=duplicate for replayed deliveries',
      labelNames: ['source', 'outcome'] as const,
      registers: [dependencies.registry],
    });
    // A flood of bad requests must not flood the audit log: a few rows per integration per minute, the rest counted.
    this.rejectionAudit = dependencies.rateLimiters.create('webhook-rejection-audit', {
      points: 10,
      durationSeconds: 60,
    });
  }

  async handle(delivery: WebhookDelivery): Promise<WebhookResult> {
    const { integrations, batcher } = this.dependencies;
    const now = this.dependencies.now?.() ?? new Date();
    if (!isAlertSource(delivery.source)) {
      throw new ValidationFailed(
        `Unknown source "${delivery.source}"; expected one of ${Object.keys(parsers).join(', ')}`,
      );
    }
    const source: AlertSource = delivery.source;
    const contentType = (delivery.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (!jsonContentTypes.test(contentType)) {
      this.rejected.inc({ source, reason: 'unsupported_media_type' });
      throw new UnsupportedMediaType(
        `Send the alert payload as application/json (got "${contentType || 'no content type'}")`,
      );
    }

    const integration = /^[0-9a-f-]{36}$/i.test(delivery.integrationId)
      ? await integrations.resolveForDelivery(delivery.integrationId.toLowerCase())
      : undefined;
    if (!integration || integration.row.source !== source) {
      await this.reject(source, 'unknown_integration', delivery);
    }
    const { row, secret } = integration!;
    const verification = await verifyDelivery(
      source,
      { headers: delivery.headers, rawBody: delivery.rawBody, now },
      secret,
      this.dependencies.verifyOptions,
    );
    if (!verification.ok) await this.reject(source, verification.reason, delivery, row.orgId, row.id);
    if (!row.enabled) {
      this.rejected.inc({ source, reason: 'integration_disabled' });
      throw new Forbidden('This integration is disabled; enable it in Aurora to accept its alerts');
    }

    let body: unknown;
    try {
      body = JSON.parse(delivery.rawBody.toString('utf8'));
    } catch (error) {
      throw new ValidationFailed(`The body is not valid JSON: ${(error as Error).message}`);
    }
    const parsed: ParsedDelivery = parsers[source](body, {
      receivedAt: now,
      mapping: row.mapping ?? undefined,
      hookResource: delivery.headers['sentry-hook-resource'],
    });

    if (parsed.subscriptionConfirmation) {
      await this.dependencies.confirmSubscription(parsed.subscriptionConfirmation.subscribeUrl);
      this.dependencies.logger.info(
        { integrationId: row.id, topicArn: parsed.subscriptionConfirmation.topicArn },
        'SNS subscription confirmed',
      );
      return { accepted: 0, duplicate: false, subscriptionConfirmed: true };
    }

    const deliveryKeys = [`body:${createHash('sha256').update(delivery.rawBody).digest('hex')}`];
    const explicitId =
      parsed.deliveryId ?? delivery.headers['x-aurora-delivery'] ?? delivery.headers['idempotency-key'];
    if (explicitId) deliveryKeys.push(`id:${explicitId.slice(0, 200)}`);

    const outcome: IntakeOutcome = await batcher.submit({
      orgId: row.orgId,
      integrationId: row.id,
      deliveryKeys,
      alerts: parsed.alerts,
      receivedAt: now,
      payload: { contentType, body: delivery.rawBody },
    });
    this.received.inc({ source, outcome: outcome.duplicate ? 'duplicate' : 'stored' }, parsed.alerts.length);
    return outcome;
  }

  /** The webhook body an alert's latest state came from, exactly as the source sent it. */
  async storedPayload(
    orgId: string,
    alertId: string,
  ): Promise<{ contentType: string; body: Buffer; receivedAt: Date }> {
    const payload = await this.dependencies.batcher.storedPayload(orgId, alertId);
    if (!payload) throw new NotFound('No stored payload for this alert');
    return payload;
  }

  /** Forgets delivery keys older than the replay window and delivery bodies no alert uses (a scheduled job). */
  async pruneDeliveries(): Promise<{ keys: number; payloads: number }> {
    return this.dependencies.batcher.pruneDeliveries();
  }

  private async reject(
    source: AlertSource,
    reason: string,
    delivery: WebhookDelivery,
    orgId?: string,
    integrationId?: string,
  ): Promise<never> {
    this.rejected.inc({ source, reason });
    // Rejections for an unknown integration belong to no org; they are budgeted per address instead.
    const budgetKey = integrationId ?? `address:${delivery.ip ?? 'unknown'}`;
    const budget = await this.rejectionAudit.consume(budgetKey).catch(() => ({ allowed: false }));
    if (budget.allowed) {
      await this.dependencies.audit
        .record({
          orgId: orgId ?? null,
          actor: { type: 'anonymous' },
          action: 'webhook.rejected',
          outcome: 'denied',
          targetType: 'integration',
          targetId: integrationId,
          requestId: delivery.requestId,
          ip: delivery.ip,
          details: { source, reason },
        })
        .catch((error: unknown) => this.dependencies.logger.warn({ err: error }, 'could not audit a rejected webhook'));
    }
    throw new Unauthenticated(
      reason === 'unknown_integration'
        ? 'Unknown integration or wrong credentials'
        : `The webhook is not authenticated (${reason}); send the integration secret as "Authorization: Bearer <secret>" or sign the payload`,
      { reason },
    );
  }
}

export type { IntakeOutcome };
