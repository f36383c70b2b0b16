import { bigserial, index, integer, pgTable, real, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** An org's model configuration, overriding the environment's. The API key lives in the secret store. */
export const llmSettings = pgTable('llm_settings', {
  orgId: uuid('org_id').primaryKey(),
  provider: text('provider').notNull(),
  baseUrl: text('base_url'),
  model: text('model').notNull(),
  rcaModel: text('rca_model'),
  summaryModel: text('summary_model'),
  apiKeyReference: text('api_key_reference'),
  updatedBy: uuid('updated_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One row per model call: tokens and estimated cost, by org, user, chat session and run. */
export const llmUsage = pgTable(
  'llm_usage',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: uuid('org_id').notNull(),
    userId: uuid('user_id'),
    sessionId: uuid('session_id'),
    runId: uuid('run_id'),
    role: text('role').notNull(),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    inputTokens: integer('input_tokens').notNull(),
    outputTokens: integer('output_tokens').notNull(),
    costUsd: real('cost_usd').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('llm_usage_org_created_idx').on(table.orgId, table.createdAt),
    index('llm_usage_org_user_idx').on(table.orgId, table.userId, table.createdAt),
  ],
);
