import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { Database } from '../../platform/database/database.js';
import { NotFound, ValidationFailed } from '../../platform/errors.js';
import { type EventBus, systemOrgId } from '../../platform/events/event-bus.js';
import type { Logger } from '../../platform/logger/logger.js';
import type { SecretAccess, SecretStore } from '../../platform/secrets/secret-store.js';
import { auditActor, generateToken, type Principal, principalAudit, type RequestMetadata } from '../accounts/index.js';
import type { AlertSource, GenericFieldMapping } from './alert.model.js';
import { type IntegrationRow, IntegrationsRepository } from './integrations.repository.js';

export interface IntegrationView {
  id: string;
  source: AlertSource;
  name: string;
  /** The webhook path to configure in the monitoring tool (prefix it with Aurora's public URL). */
  url: string;
  enabled: boolean;
  mapping: GenericFieldMapping | null;
  createdAt: string;
  updatedAt: string;
  lastReceivedAt: string | null;
}

/** An integration as intake needs it: the row and its secret, cached briefly so each webhook is not a vault read. */
export interface ResolvedIntegration {
  row: IntegrationRow;
  secret: string;
}

export const webhookSecretPrefix = 'whsec_';
const cacheTtlMs = 30_000;
const invalidationEvent = 'integration.changed';

export function webhookPath(source: string, id: string): string {
  return `/hooks/${source}/${id}`;
}

function secretAccess(principal: Principal, purpose: string, metadata: RequestMetadata): SecretAccess {
  return { orgId: principal.orgId, actor: auditActor(principal), purpose, requestId: metadata.requestId };
}

function toView(row: IntegrationRow): IntegrationView {
  return {
    id: row.id,
    source: row.source as AlertSource,
    name: row.name,
    url: webhookPath(row.source, row.id),
    enabled: row.enabled,
    mapping: row.mapping ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    lastReceivedAt: row.lastReceivedAt?.toISOString() ?? null,
  };
}

export class IntegrationsService {
  private readonly repository = new IntegrationsRepository();
  private readonly cache = new Map<string, { value: ResolvedIntegration | undefined; expiresAt: number }>();

  constructor(
    private readonly database: Database,
    private readonly secrets: SecretStore,
    private readonly audit: AuditLog,
    private readonly events: EventBus,
    private readonly logger: Logger,
  ) {
    // Another process rotated, disabled or deleted an integration: forget our copy at once, not in 30 s.
    events.subscribe(systemOrgId, (event) => {
      if (event.type !== invalidationEvent) return;
      const integrationId = (event.data as { integrationId?: unknown } | undefined)?.integrationId;
      if (typeof integrationId === 'string') this.cache.delete(integrationId);
    });
  }

  async create(
    principal: Principal,
    input: { source: AlertSource; name: string; mapping?: GenericFieldMapping },
    metadata: RequestMetadata = {},
  ): Promise<{ integration: IntegrationView; secret: string }> {
    if (input.mapping && input.source !== 'generic') {
      throw new ValidationFailed('A field mapping applies only to the generic source');
    }
    const id = randomUUID();
    const secret = generateToken(webhookSecretPrefix);
    const access = secretAccess(principal, 'integration.create', metadata);
    const secretReference = await this.secrets.put(access, `integrations/${id}`, { secret });
    try {
      await this.database.transaction(async (transaction) => {
        await this.repository.insert(transaction, {
          id,
          orgId: principal.orgId,
          source: input.source,
          name: input.name.trim(),
          secretReference,
          mapping: input.mapping ?? null,
          createdBy: principal.userId,
        });
        await this.audit.record(
          principalAudit(principal, metadata, {
            action: 'integration.created',
            targetType: 'integration',
            targetId: id,
            details: { source: input.source, name: input.name },
          }),
          transaction,
        );
      });
    } catch (error) {
      // Do not leave an orphaned secret behind when the row could not be written.
      await this.secrets.delete(access, secretReference).catch(() => undefined);
      throw error;
    }
    return { integration: toView(await this.require(principal.orgId, id)), secret };
  }

  async list(principal: Principal): Promise<IntegrationView[]> {
    return (await this.repository.list(this.database, principal.orgId)).map(toView);
  }

  async get(principal: Principal, id: string): Promise<IntegrationView> {
    return toView(await this.require(principal.orgId, id));
  }

  async update(
    principal: Principal,
    id: string,
    changes: { name?: string; enabled?: boolean; mapping?: GenericFieldMapping | null },
    metadata: RequestMetadata = {},
  ): Promise<IntegrationView> {
    const row = await this.require(principal.orgId, id);
    if (changes.mapping && row.source !== 'generic') {
      throw new ValidationFailed('A field mapping applies only to the generic source');
    }
    await this.database.transaction(async (transaction) => {
      await this.repository.update(transaction, principal.orgId, id, {
        name: changes.name?.trim(),
        enabled: changes.enabled,
        mapping: changes.mapping === undefined ? undefined : changes.mapping,
      });
      await this.audit.record(
        principalAudit(principal, metadata, {
          action: 'integration.updated',
          targetType: 'integration',
          targetId: id,
          details: { changed: Object.keys(changes) },
        }),
        transaction,
      );
    });
    await this.invalidate(id);
    return toView(await this.require(principal.orgId, id));
  }

  /** A new secret replaces the old one at once; the old one stops working (in every process within seconds). */
  async rotateSecret(principal: Principal, id: string, metadata: RequestMetadata = {}): Promise<{ secret: string }> {
    const row = await this.require(principal.orgId, id);
    const secret = generateToken(webhookSecretPrefix);
    const access = secretAccess(principal, 'integration.rotate', metadata);
    const reference = await this.secrets.put(access, `integrations/${id}`, { secret });
    await this.database.transaction(async (transaction) => {
      if (reference !== row.secretReference) {
        await this.repository.update(transaction, principal.orgId, id, { secretReference: reference });
      }
      await this.audit.record(
        principalAudit(principal, metadata, {
          action: 'integration.secret_rotated',
          targetType: 'integration',
          targetId: id,
        }),
        transaction,
      );
    });
    await this.invalidate(id);
    return { secret };
  }

  async delete(principal: Principal, id: string, metadata: RequestMetadata = {}): Promise<void> {
    const row = await this.require(principal.orgId, id);
    await this.database.transaction(async (transaction) => {
      await this.repository.delete(transaction, principal.orgId, id);
      await this.audit.record(
        principalAudit(principal, metadata, {
          action: 'integration.deleted',
          targetType: 'integration',
          targetId: id,
          details: { source: row.source, name: row.name },
        }),
        transaction,
      );
    });
    await this.secrets.delete(secretAccess(principal, 'integration.delete', metadata), row.secretReference);
    await this.invalidate(id);
  }

  /** The integration a webhook names, with its secret; undefined when there is none. Cached for 30 s. */
  async resolveForDelivery(id: string): Promise<ResolvedIntegration | undefined> {
    const cached = this.cache.get(id);
    if (cached && cached.expiresAt > Date.now()) return cached.value;
    const row = await this.repository.findById(this.database, id);
    let value: ResolvedIntegration | undefined;
    if (row) {
      try {
        const data = await this.secrets.get(
          { orgId: row.orgId, actor: { type: 'webhook', id: row.id }, purpose: 'webhook.verify' },
          row.secretReference,
        );
        if (typeof data.secret === 'string') value = { row, secret: data.secret };
        else this.logger.error({ integrationId: id }, 'integration secret has no "secret" field; rotate it');
      } catch (error) {
        // A secret deleted out of band leaves the integration unusable, and callers see the same 401 as for an
        // unknown integration. An unreachable secret store is different: that propagates as 503.
        if (!(error instanceof NotFound)) throw error;
        this.logger.error({ integrationId: id }, 'integration secret is missing from the secret store; rotate it');
      }
    }
    this.cache.set(id, { value, expiresAt: Date.now() + cacheTtlMs });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value as string);
    return value;
  }

  async touchReceived(executor: Parameters<IntegrationsRepository['touchReceived']>[0], ids: string[], at: Date) {
    await this.repository.touchReceived(executor, ids, at);
  }

  private async invalidate(id: string): Promise<void> {
    this.cache.delete(id);
    await this.events
      .publish({ type: invalidationEvent, orgId: systemOrgId, data: { integrationId: id } })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not announce an integration change'));
  }

  private async require(orgId: string, id: string): Promise<IntegrationRow> {
    const row = await this.repository.find(this.database, orgId, id);
    if (!row) throw new NotFound('Integration not found');
    return row;
  }
}
