import type { LanguageModelV3 } from '@ai-sdk/provider';
import { eq } from 'drizzle-orm';
import type { Config, LlmProviderName } from '../../config/config.js';
import type { AuditActor, AuditLog } from '../audit/audit-log.js';
import type { Database } from '../database/database.js';
import { ValidationFailed } from '../errors.js';
import { type EventBus, systemOrgId } from '../events/event-bus.js';
import { assertOutboundUrl, type OutboundPolicy } from '../http-client/outbound-policy.js';
import type { Logger, SecretRedactor } from '../logger/logger.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { llmSettings } from './llm.schema.js';
import { createProviderModel } from './provider-factory.js';
import { LlmCallFailed, resilientModel } from './resilient-model.js';

export type ModelRole = 'chat' | 'rca' | 'summary';

/** What GET /api/v1/settings/llm shows: the effective configuration, never the key. */
export interface LlmSettingsView {
  provider: LlmProviderName | null;
  baseUrl: string | null;
  model: string | null;
  rcaModel: string | null;
  summaryModel: string | null;
  hasApiKey: boolean;
  /** Where the effective settings come from. */
  source: 'organization' | 'environment' | 'none';
}

export interface LlmSettingsInput {
  provider: LlmProviderName;
  baseUrl?: string | null;
  /** Omitted keeps the stored key; null removes it. */
  apiKey?: string | null;
  model: string;
  rcaModel?: string | null;
  summaryModel?: string | null;
}

export interface ResolvedModel {
  model: LanguageModelV3;
  provider: string;
  modelId: string;
  role: ModelRole;
}

/** Tests and benchmarks put a scripted model here; undefined falls through to the configured provider. */
export type LanguageModelOverride = (request: { orgId: string; role: ModelRole }) => LanguageModelV3 | undefined;

export const noModelMessage =
  'No language model is configured. Set LLM_PROVIDER and LLM_MODEL (plus LLM_API_KEY or LLM_BASE_URL as the provider needs) in the environment, or have an org admin call PUT /api/v1/settings/llm.';

export class LlmNotConfigured extends Error {
  readonly code = 'llm_not_configured';
  constructor() {
    super(noModelMessage);
    this.name = 'LlmNotConfigured';
  }
}

interface EffectiveSettings {
  source: 'organization' | 'environment';
  provider: LlmProviderName;
  baseUrl?: string;
  apiKey?: string;
  models: Record<ModelRole, string | undefined>;
  /** Org admins' URLs go through the SSRF guard; the operator's environment is trusted. */
  userSupplied: boolean;
}

const settingsTtlMs = 30_000;
const invalidationEvent = 'llm.settings.changed';
const secretName = 'llm/api-key';

export interface LlmModelsDependencies {
  config: Config;
  database: Database;
  secrets: SecretStore;
  audit: AuditLog;
  events: EventBus;
  logger: Logger;
  redactor: SecretRedactor;
  outbound: { policy: OutboundPolicy; fetch: typeof fetch };
  override?: LanguageModelOverride;
}

/**
 * The model registry: which model each role (chat, rca, summary) uses in an org, built on the Vercel AI SDK.
 * An org's own settings (PUT /api/v1/settings/llm) win over the environment's. Every model it hands out
 * retries 429/5xx with backoff and jitter and times out stalled calls.
 */
export class LlmModels {
  private readonly cache = new Map<string, { value: EffectiveSettings | undefined; expiresAt: number }>();
  private readonly unsubscribe: () => void;

  constructor(private readonly dependencies: LlmModelsDependencies) {
    this.unsubscribe = dependencies.events.subscribe(systemOrgId, (event) => {
      if (event.type === invalidationEvent) this.cache.delete(String((event.data as { orgId?: string }).orgId));
    });
    dependencies.redactor.remember(dependencies.config.llm.apiKey);
  }

  close(): void {
    this.unsubscribe();
  }

  async view(orgId: string): Promise<LlmSettingsView> {
    const [row] = await this.dependencies.database.db
      .select()
      .from(llmSettings)
      .where(eq(llmSettings.orgId, orgId))
      .limit(1);
    if (row) {
      return {
        provider: row.provider as LlmProviderName,
        baseUrl: row.baseUrl,
        model: row.model,
        rcaModel: row.rcaModel,
        summaryModel: row.summaryModel,
        hasApiKey: row.apiKeyReference !== null,
        source: 'organization',
      };
    }
    const { llm } = this.dependencies.config;
    if (!llm.provider || !llm.models.chat) {
      return {
        provider: llm.provider ?? null,
        baseUrl: null,
        model: llm.models.chat ?? null,
        rcaModel: null,
        summaryModel: null,
        hasApiKey: false,
        source: 'none',
      };
    }
    return {
      provider: llm.provider,
      baseUrl: llm.baseUrl ?? null,
      model: llm.models.chat,
      rcaModel: llm.models.rca ?? null,
      summaryModel: llm.models.summary ?? null,
      hasApiKey: llm.apiKey !== undefined,
      source: 'environment',
    };
  }

  async save(
    access: { orgId: string; userId?: string; actor: AuditActor; requestId?: string; ip?: string },
    input: LlmSettingsInput,
  ): Promise<LlmSettingsView> {
    const { database, secrets, audit, outbound } = this.dependencies;
    const baseUrl = input.baseUrl ? assertOutboundUrl(input.baseUrl, outbound.policy, 'baseUrl').toString() : null;
    if (input.provider === 'openai-compatible' && !baseUrl) {
      throw new ValidationFailed('baseUrl is required for the openai-compatible provider', { field: 'baseUrl' });
    }
    const [current] = await database.db.select().from(llmSettings).where(eq(llmSettings.orgId, access.orgId)).limit(1);
    const secretAccess = {
      orgId: access.orgId,
      actor: access.actor,
      purpose: 'llm.settings',
      requestId: access.requestId,
    };
    let apiKeyReference = current?.apiKeyReference ?? null;
    if (typeof input.apiKey === 'string') {
      apiKeyReference = await secrets.put(secretAccess, secretName, { apiKey: input.apiKey });
    } else if (input.apiKey === null && apiKeyReference) {
      await secrets.delete(secretAccess, apiKeyReference);
      apiKeyReference = null;
    }
    const values = {
      provider: input.provider,
      baseUrl: baseUrl?.replace(/\/+$/, '') ?? null,
      model: input.model,
      rcaModel: input.rcaModel ?? null,
      summaryModel: input.summaryModel ?? null,
      apiKeyReference,
      updatedBy: access.userId ?? null,
      updatedAt: new Date(),
    };
    await database.transaction(async (transaction) => {
      await transaction.db
        .insert(llmSettings)
        .values({ orgId: access.orgId, ...values })
        .onConflictDoUpdate({ target: llmSettings.orgId, set: values });
      await audit.record(
        {
          orgId: access.orgId,
          actor: access.actor,
          action: 'llm.settings.updated',
          targetType: 'llm_settings',
          targetId: access.orgId,
          requestId: access.requestId,
          ip: access.ip,
          details: {
            provider: input.provider,
            baseUrl: values.baseUrl,
            model: input.model,
            apiKey: typeof input.apiKey === 'string' ? 'replaced' : input.apiKey === null ? 'removed' : 'kept',
          },
        },
        transaction,
      );
    });
    await this.invalidate(access.orgId);
    return this.view(access.orgId);
  }

  /** The model for `role` in the org; throws LlmNotConfigured when there is none. */
  async resolve(orgId: string, role: ModelRole): Promise<ResolvedModel> {
    const { config } = this.dependencies;
    const scripted = this.dependencies.override?.({ orgId, role });
    const settings = scripted ? undefined : await this.effective(orgId);
    let inner: LanguageModelV3;
    let scrubbed: string | undefined;
    if (scripted) {
      inner = scripted;
    } else {
      const modelId = settings?.models[role];
      if (!settings || !modelId) throw new LlmNotConfigured();
      scrubbed = settings.apiKey;
      inner = await createProviderModel(
        {
          provider: settings.provider,
          baseUrl: settings.baseUrl,
          apiKey: settings.apiKey,
          fetch: settings.userSupplied ? this.dependencies.outbound.fetch : globalThis.fetch,
        },
        modelId,
      );
    }
    const model = resilientModel(inner, {
      maxRetries: config.llm.maxRetries,
      timeoutMs: config.llm.timeoutMs,
      scrub: (text) => (scrubbed ? text.split(scrubbed).join('[REDACTED]') : text),
    });
    return { model, provider: settings?.provider ?? inner.provider, modelId: inner.modelId, role };
  }

  /** One tiny call with the org's chat model: `ok`, or the provider's error (never the key). */
  async test(
    orgId: string,
  ): Promise<{ ok: boolean; provider: string | null; model: string | null; latencyMs: number; error?: string }> {
    const started = performance.now();
    let resolved: ResolvedModel | undefined;
    try {
      resolved = await this.resolve(orgId, 'chat');
      const { generateText } = await import('ai');
      await generateText({
        model: resolved.model,
        prompt: 'Reply with the single word OK.',
        maxOutputTokens: 16,
        maxRetries: 0,
        abortSignal: AbortSignal.timeout(Math.min(this.dependencies.config.llm.timeoutMs, 30_000)),
      });
      return {
        ok: true,
        provider: resolved.provider,
        model: resolved.modelId,
        latencyMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        provider: resolved?.provider ?? null,
        model: resolved?.modelId ?? null,
        latencyMs: Math.round(performance.now() - started),
        error: this.dependencies.redactor.redact(message),
      };
    }
  }

  private async invalidate(orgId: string): Promise<void> {
    this.cache.delete(orgId);
    await this.dependencies.events
      .publish({ type: invalidationEvent, orgId: systemOrgId, data: { orgId } })
      .catch((error: unknown) =>
        this.dependencies.logger.warn({ err: error }, 'could not announce an LLM settings change'),
      );
  }

  // Cached briefly so a chat message does not read (and audit) the secret every time.
  private async effective(orgId: string): Promise<EffectiveSettings | undefined> {
    const cached = this.cache.get(orgId);
    if (cached && cached.expiresAt > Date.now()) return cached.value;
    const value = await this.load(orgId);
    this.cache.set(orgId, { value, expiresAt: Date.now() + settingsTtlMs });
    return value;
  }

  private async load(orgId: string): Promise<EffectiveSettings | undefined> {
    const { database, secrets, config } = this.dependencies;
    const [row] = await database.db.select().from(llmSettings).where(eq(llmSettings.orgId, orgId)).limit(1);
    if (row) {
      let apiKey: string | undefined;
      if (row.apiKeyReference) {
        const data = await secrets.get({ orgId, actor: { type: 'system' }, purpose: 'llm.call' }, row.apiKeyReference);
        apiKey = data.apiKey;
      }
      return {
        source: 'organization',
        provider: row.provider as LlmProviderName,
        baseUrl: row.baseUrl ?? undefined,
        apiKey,
        models: { chat: row.model, rca: row.rcaModel ?? row.model, summary: row.summaryModel ?? row.model },
        userSupplied: true,
      };
    }
    const { llm } = config;
    if (!llm.provider) return undefined;
    return {
      source: 'environment',
      provider: llm.provider,
      baseUrl: llm.baseUrl,
      apiKey: llm.apiKey,
      models: { chat: llm.models.chat, rca: llm.models.rca, summary: llm.models.summary },
      userSupplied: false,
    };
  }
}

export { LlmCallFailed };
