import { z } from 'zod';
import { llmProviders } from '../../config/config.js';
import type { LlmModels } from '../../platform/llm/llm-models.js';
import type { UsageLedger } from '../../platform/llm/usage-ledger.js';
import { type AuroraApp, auditActor, principalOf } from '../accounts/index.js';

const settingsView = z.object({
  provider: z.enum(llmProviders).nullable(),
  baseUrl: z.string().nullable(),
  model: z.string().nullable(),
  rcaModel: z.string().nullable(),
  summaryModel: z.string().nullable(),
  hasApiKey: z.boolean().describe('whether a key is stored; the key itself is never returned'),
  source: z.enum(['organization', 'environment', 'none']),
});

const modelName = z.string().trim().min(1).max(200);

const totals = { calls: z.number(), inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number() };

export function registerLlmRoutes(app: AuroraApp, models: LlmModels, usage: UsageLedger): void {
  app.get(
    '/api/v1/settings/llm',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['agent'],
        summary: "The org's effective model settings (its own, else the environment's), without the API key",
        response: { 200: settingsView },
      },
    },
    async (request) => models.view(principalOf(request).orgId),
  );

  app.put(
    '/api/v1/settings/llm',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['agent'],
        summary:
          "Override the environment's model settings for this org. The key goes to the secret store (omit it to keep the stored one, null to remove it).",
        body: z.object({
          provider: z.enum(llmProviders),
          baseUrl: z.url().max(2_000).nullable().optional(),
          apiKey: z.string().min(1).max(4_000).nullable().optional(),
          model: modelName,
          rcaModel: modelName.nullable().optional(),
          summaryModel: modelName.nullable().optional(),
        }),
        response: { 200: settingsView },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return models.save(
        {
          orgId: principal.orgId,
          userId: principal.userId,
          actor: auditActor(principal),
          requestId: request.id,
          ip: request.ip,
        },
        request.body,
      );
    },
  );

  app.post(
    '/api/v1/settings/llm/test',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['agent'],
        summary: "One tiny call with the org's chat model: success, or the provider's error",
        response: {
          200: z.object({
            ok: z.boolean(),
            provider: z.string().nullable(),
            model: z.string().nullable(),
            latencyMs: z.number(),
            error: z.string().optional(),
          }),
        },
      },
    },
    async (request) => models.test(principalOf(request).orgId),
  );

  app.get(
    '/api/v1/usage',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['agent'],
        summary: 'Model tokens and estimated cost in this org, by user, chat session and model (default: last 30 days)',
        querystring: z.object({
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
        }),
        response: {
          200: z.object({
            from: z.string(),
            to: z.string(),
            totals: z.object(totals),
            byUser: z.array(z.object({ userId: z.uuid().nullable(), ...totals })),
            bySession: z.array(z.object({ sessionId: z.uuid(), ...totals })),
            byModel: z.array(z.object({ provider: z.string(), model: z.string(), priced: z.boolean(), ...totals })),
            currentUserCostUsd: z.number(),
          }),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const to = request.query.to ? new Date(request.query.to) : new Date(Date.now() + 1_000);
      const from = request.query.from ? new Date(request.query.from) : new Date(to.getTime() - 30 * 24 * 3600 * 1000);
      return usage.report(principal.orgId, principal.userId, { from, to });
    },
  );
}
