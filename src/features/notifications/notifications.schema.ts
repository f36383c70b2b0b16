import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// The accounts table, named only so the foreign keys below can point at it (features share only their index.ts).
// Not exported, so drizzle-kit does not see it twice.
const organizations = pgTable('organizations', { id: uuid('id').primaryKey() });

export const channelKinds = ['slack', 'email', 'webhook'] as const;
export type ChannelKind = (typeof channelKinds)[number];

export const notificationEventTypes = [
  'investigation.started',
  'investigation.finished',
  'investigation.failed',
] as const;
export type NotificationEventType = (typeof notificationEventTypes)[number];

/** Non-secret channel settings. Credentials (Slack webhook URL, bot token, SMTP password, signing secret) are not here. */
export type ChannelSettings =
  | { kind: 'slack'; mode: 'webhook' }
  | { kind: 'slack'; mode: 'bot'; channel: string }
  | {
      kind: 'email';
      host: string;
      port: number;
      security: 'tls' | 'starttls' | 'none';
      user: string | null;
      from: string;
      to: string[];
    }
  | { kind: 'webhook'; url: string };

/**
 * One notification channel of an org (at most one per kind). The secret store holds the channel's credentials;
 * the row keeps only the reference.
 */
export const notificationChannels = pgTable(
  'notification_channels',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: channelKinds }).notNull(),
    enabled: boolean('enabled').notNull().default(true),
    events: jsonb('events').$type<NotificationEventType[]>().notNull(),
    settings: jsonb('settings').$type<ChannelSettings>().notNull(),
    secretReference: text('secret_reference'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('notification_channels_org_kind_idx').on(table.orgId, table.kind)],
);

export const deliveryStatuses = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** What a notification says, captured when it is raised, so a retry sends the same message. */
export interface NotificationMessage {
  type: NotificationEventType;
  incident: { id: string; title: string; severity: string; service: string | null; url: string | null };
  summary?: string;
  confidence?: string;
  rootCause?: string;
  error?: string;
  occurredAt: string;
  /** A message sent by "send a test" rather than by an investigation. */
  test?: boolean;
}

/** One message to one channel: its content, how many attempts it took and how it ended. */
export const notificationDeliveries = pgTable(
  'notification_deliveries',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    channel: text('channel', { enum: channelKinds }).notNull(),
    eventType: text('event_type', { enum: notificationEventTypes }).notNull(),
    incidentId: uuid('incident_id'),
    message: jsonb('message').$type<NotificationMessage>().notNull(),
    status: text('status', { enum: deliveryStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (table) => [index('notification_deliveries_org_created_idx').on(table.orgId, table.createdAt.desc(), table.id)],
);

/**
 * The Slack thread of an incident in a channel (bot mode): the first message's `ts`, which later updates reply to.
 * `channel` is the channel as configured (a name or an id); `channelId` is the id Slack answered with.
 */
export const notificationThreads = pgTable(
  'notification_threads',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    incidentId: uuid('incident_id').notNull(),
    channel: text('channel').notNull(),
    channelId: text('channel_id').notNull(),
    threadTs: text('thread_ts').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('notification_threads_org_incident_channel_idx').on(table.orgId, table.incidentId, table.channel),
  ],
);

export const notificationDefaultEvents: NotificationEventType[] = [...notificationEventTypes];
