import { sql } from 'drizzle-orm';
import type { Cache } from '../cache/cache.js';
import type { Database } from '../database/database.js';
import { preparedStatements } from '../database/prepared-statements.js';
import type { Logger } from '../logger/logger.js';
import { llmUsage } from './llm.schema.js';
import type { PriceTable } from './prices.js';

export interface UsageEntry {
  orgId: string;
  userId?: string | null;
  sessionId?: string | null;
  runId?: string | null;
  role: string;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
}

export interface UsageTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface UsageReport {
  from: string;
  to: string;
  totals: UsageTotals;
  byUser: Array<UsageTotals & { userId: string | null }>;
  bySession: Array<UsageTotals & { sessionId: string }>;
  byModel: Array<UsageTotals & { provider: string; model: string; priced: boolean }>;
  /** The caller's own estimated cost, all time, in this org (cached 5 minutes as `api_cost:{userId}`). */
  currentUserCostUsd: number;
}

// One row per model call (every chat answer writes at least one).
const statements = preparedStatements((db) => ({
  insert: db
    .insert(llmUsage)
    .values({
      orgId: sql.placeholder('orgId'),
      userId: sql.placeholder('userId'),
      sessionId: sql.placeholder('sessionId'),
      runId: sql.placeholder('runId'),
      role: sql.placeholder('role'),
      provider: sql.placeholder('provider'),
      model: sql.placeholder('model'),
      inputTokens: sql.placeholder('inputTokens'),
      outputTokens: sql.placeholder('outputTokens'),
      costUsd: sql.placeholder('costUsd'),
    })
    .prepare('llm_usage_insert'),
}));

const costTtlSeconds = 300;
const costKey = (userId: string) => `api_cost:${userId}`;

type TotalsRow = { calls: number; input_tokens: number; output_tokens: number; cost_usd: number };
const totals = (row: TotalsRow | undefined): UsageTotals => ({
  calls: Number(row?.calls ?? 0),
  inputTokens: Number(row?.input_tokens ?? 0),
  outputTokens: Number(row?.output_tokens ?? 0),
  costUsd: Number(row?.cost_usd ?? 0),
});
const sums = `count(*)::int as calls, coalesce(sum(input_tokens), 0)::int as input_tokens,
  coalesce(sum(output_tokens), 0)::int as output_tokens, coalesce(sum(cost_usd), 0)::float8 as cost_usd`;

/** Tokens and estimated cost of every model call, per org, user and session. */
export class UsageLedger {
  constructor(
    private readonly database: Database,
    private readonly cache: Cache,
    readonly prices: PriceTable,
    private readonly logger: Logger,
  ) {}

  async record(entry: UsageEntry): Promise<{ costUsd: number }> {
    const costUsd = this.prices.costUsd(entry.model, entry.inputTokens, entry.outputTokens);
    await statements(this.database).insert.execute({
      orgId: entry.orgId,
      userId: entry.userId ?? null,
      sessionId: entry.sessionId ?? null,
      runId: entry.runId ?? null,
      role: entry.role,
      provider: entry.provider,
      model: entry.model,
      inputTokens: entry.inputTokens,
      outputTokens: entry.outputTokens,
      costUsd,
    });
    // The cached figure is recomputed on its next read rather than patched, so concurrent calls cannot race it.
    if (entry.userId) {
      await this.cache
        .delete(costKey(entry.userId))
        .catch((error: unknown) => this.logger.warn({ err: error }, 'could not drop a cached user cost'));
    }
    return { costUsd };
  }

  /** The user's estimated cost in the org, all time; cached for 5 minutes per user (one entry per org). */
  async userCostUsd(orgId: string, userId: string): Promise<number> {
    const cached = await this.cache.get<Record<string, number>>(costKey(userId)).catch(() => undefined);
    if (cached && typeof cached[orgId] === 'number') return cached[orgId];
    const [row] = await this.database.query<{ cost_usd: number }>(
      'select coalesce(sum(cost_usd), 0)::float8 as cost_usd from llm_usage where org_id = $1 and user_id = $2',
      [orgId, userId],
    );
    const cost = Number(row?.cost_usd ?? 0);
    await this.cache
      .set(costKey(userId), { ...cached, [orgId]: cost }, costTtlSeconds)
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not cache a user cost'));
    return cost;
  }

  async report(orgId: string, userId: string, range: { from: Date; to: Date }): Promise<UsageReport> {
    const params = [orgId, range.from.toISOString(), range.to.toISOString()];
    const where = 'where org_id = $1 and created_at >= $2 and created_at < $3';
    const [all, users, sessions, models, current] = await Promise.all([
      this.database.query<TotalsRow>(`select ${sums} from llm_usage ${where}`, params),
      this.database.query<TotalsRow & { user_id: string | null }>(
        `select user_id, ${sums} from llm_usage ${where} group by user_id order by cost_usd desc, user_id limit 200`,
        params,
      ),
      this.database.query<TotalsRow & { session_id: string }>(
        `select session_id, ${sums} from llm_usage ${where} and session_id is not null
          group by session_id order by cost_usd desc, session_id limit 100`,
        params,
      ),
      this.database.query<TotalsRow & { provider: string; model: string }>(
        `select provider, model, ${sums} from llm_usage ${where} group by provider, model order by cost_usd desc, model`,
        params,
      ),
      this.userCostUsd(orgId, userId),
    ]);
    return {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      totals: totals(all[0]),
      byUser: users.map((row) => ({ userId: row.user_id, ...totals(row) })),
      bySession: sessions.map((row) => ({ sessionId: row.session_id, ...totals(row) })),
      byModel: models.map((row) => ({
        provider: row.provider,
        model: row.model,
        priced: this.prices.priceOf(row.model) !== undefined,
        ...totals(row),
      })),
      currentUserCostUsd: current,
    };
  }
}
