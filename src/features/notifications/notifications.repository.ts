import { and, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../../platform/database/database.js';
import {
  type ChannelKind,
  type ChannelSettings,
  type DeliveryStatus,
  type NotificationEventType,
  type NotificationMessage,
  notificationChannels,
  notificationDeliveries,
  notificationThreads,
} from './notifications.schema.js';

export type ChannelRow = typeof notificationChannels.$inferSelect;
export type DeliveryRow = typeof notificationDeliveries.$inferSelect;
export type ThreadRow = typeof notificationThreads.$inferSelect;

/** Every method takes the org id; no query reads or writes another org's rows. */
export class NotificationsRepository {
  async channels(executor: Executor, orgId: string): Promise<ChannelRow[]> {
    return executor.db.select().from(notificationChannels).where(eq(notificationChannels.orgId, orgId));
  }

  async channel(executor: Executor, orgId: string, kind: ChannelKind): Promise<ChannelRow | undefined> {
    const [row] = await executor.db
      .select()
      .from(notificationChannels)
      .where(and(eq(notificationChannels.orgId, orgId), eq(notificationChannels.kind, kind)))
      .limit(1);
    return row;
  }

  async upsertChannel(
    executor: Executor,
    row: {
      id: string;
      orgId: string;
      kind: ChannelKind;
      enabled: boolean;
      events: NotificationEventType[];
      settings: ChannelSettings;
      secretReference: string | null;
    },
  ): Promise<void> {
    await executor.db
      .insert(notificationChannels)
      .values(row)
      .onConflictDoUpdate({
        target: [notificationChannels.orgId, notificationChannels.kind],
        set: {
          enabled: row.enabled,
          events: row.events,
          settings: row.settings,
          secretReference: row.secretReference,
          updatedAt: new Date(),
        },
      });
  }

  async deleteChannel(executor: Executor, orgId: string, kind: ChannelKind): Promise<void> {
    await executor.db
      .delete(notificationChannels)
      .where(and(eq(notificationChannels.orgId, orgId), eq(notificationChannels.kind, kind)));
  }

  async insertDeliveries(
    executor: Executor,
    rows: Array<{
      id: string;
      orgId: string;
      channel: ChannelKind;
      eventType: NotificationEventType;
      incidentId: string | null;
      message: NotificationMessage;
    }>,
  ): Promise<void> {
    if (rows.length > 0) await executor.db.insert(notificationDeliveries).values(rows);
  }

  async delivery(executor: Executor, orgId: string, id: string): Promise<DeliveryRow | undefined> {
    const [row] = await executor.db
      .select()
      .from(notificationDeliveries)
      .where(and(eq(notificationDeliveries.orgId, orgId), eq(notificationDeliveries.id, id)))
      .limit(1);
    return row;
  }

  /** Counts an attempt and returns the new count. */
  async startAttempt(executor: Executor, orgId: string, id: string): Promise<number> {
    const [row] = await executor.db
      .update(notificationDeliveries)
      .set({ attempts: sql`${notificationDeliveries.attempts} + 1`, updatedAt: new Date() })
      .where(and(eq(notificationDeliveries.orgId, orgId), eq(notificationDeliveries.id, id)))
      .returning({ attempts: notificationDeliveries.attempts });
    return row?.attempts ?? 0;
  }

  async finishAttempt(
    executor: Executor,
    orgId: string,
    id: string,
    outcome: { status: DeliveryStatus; error: string | null },
  ): Promise<void> {
    const now = new Date();
    await executor.db
      .update(notificationDeliveries)
      .set({
        status: outcome.status,
        lastError: outcome.error,
        updatedAt: now,
        ...(outcome.status === 'delivered' ? { deliveredAt: now } : {}),
      })
      .where(and(eq(notificationDeliveries.orgId, orgId), eq(notificationDeliveries.id, id)));
  }

  async recentDeliveries(executor: Executor, orgId: string, limit: number): Promise<DeliveryRow[]> {
    return executor.db
      .select()
      .from(notificationDeliveries)
      .where(eq(notificationDeliveries.orgId, orgId))
      .orderBy(desc(notificationDeliveries.createdAt), desc(notificationDeliveries.id))
      .limit(limit);
  }

  /** Deliveries older than `before` (any org): the delivery log is kept for a while, not forever. */
  async pruneDeliveries(executor: Executor, before: Date): Promise<number> {
    const rows = await executor.query<{ count: number }>(
      `with removed as (delete from notification_deliveries where created_at < $1 and status <> 'pending' returning 1)
       select count(*)::int as count from removed`,
      [before.toISOString()],
    );
    return rows[0]?.count ?? 0;
  }

  async thread(executor: Executor, orgId: string, incidentId: string, channel: string): Promise<ThreadRow | undefined> {
    const [row] = await executor.db
      .select()
      .from(notificationThreads)
      .where(
        and(
          eq(notificationThreads.orgId, orgId),
          eq(notificationThreads.incidentId, incidentId),
          eq(notificationThreads.channel, channel),
        ),
      )
      .limit(1);
    return row;
  }

  async insertThread(
    executor: Executor,
    row: { id: string; orgId: string; incidentId: string; channel: string; channelId: string; threadTs: string },
  ): Promise<void> {
    await executor.db.insert(notificationThreads).values(row).onConflictDoNothing();
  }
}
