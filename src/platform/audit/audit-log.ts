import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Database, Executor } from '../database/database.js';
import { auditLog } from './audit.schema.js';

export type ActorType = 'user' | 'api_token' | 'system' | 'webhook' | 'anonymous';

export interface AuditActor {
  type: ActorType;
  id?: string;
}

export interface AuditEntry {
  orgId?: string | null;
  actor: AuditActor;
  /** Dotted noun and verb, e.g. `secret.read`, `session.created`, `webhook.rejected`. */
  action: string;
  targetType?: string;
  targetId?: string;
  outcome?: 'success' | 'failure' | 'denied';
  requestId?: string;
  ip?: string;
  details?: Record<string, unknown>;
}

export interface AuditRecord extends Required<Omit<AuditEntry, 'orgId' | 'details'>> {
  id: number;
  orgId: string | null;
  details: Record<string, unknown>;
  createdAt: Date;
}

export interface AuditPage {
  items: AuditRecord[];
  nextCursor: string | null;
}

export class AuditLog {
  constructor(private readonly database: Database) {}

  /** Pass the caller's transaction so the audit row commits (or rolls back) with the change it describes. */
  async record(entry: AuditEntry, executor: Executor = this.database): Promise<void> {
    await executor.db.insert(auditLog).values({
      orgId: entry.orgId ?? null,
      actorType: entry.actor.type,
      actorId: entry.actor.id ?? null,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      outcome: entry.outcome ?? 'success',
      requestId: entry.requestId ?? null,
      ip: entry.ip ?? null,
      details: entry.details ?? {},
    });
  }

  /** Newest first. The cursor is the last item's id. */
  async list(orgId: string, options: { limit: number; cursor?: string; action?: string }): Promise<AuditPage> {
    const conditions: SQL[] = [eq(auditLog.orgId, orgId)];
    if (options.action) conditions.push(eq(auditLog.action, options.action));
    if (options.cursor) conditions.push(lt(auditLog.id, Number(options.cursor)));
    const rows = await this.database.db
      .select()
      .from(auditLog)
      .where(and(...conditions))
      .orderBy(desc(auditLog.id))
      .limit(options.limit + 1);
    const items = rows.slice(0, options.limit).map((row) => ({
      id: row.id,
      orgId: row.orgId,
      actor: { type: row.actorType as ActorType, id: row.actorId ?? undefined },
      action: row.action,
      targetType: row.targetType ?? '',
      targetId: row.targetId ?? '',
      outcome: row.outcome as AuditRecord['outcome'],
      requestId: row.requestId ?? '',
      ip: row.ip ?? '',
      details: row.details,
      createdAt: row.createdAt,
    }));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > options.limit && last ? String(last.id) : null };
  }
}
