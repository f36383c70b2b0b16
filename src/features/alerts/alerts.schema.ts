import { sql } from 'drizzle-orm';
import {
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { AlertLinks, GenericFieldMapping } from './alert.model.js';

/** A webhook endpoint: one per monitoring tool (or per Alertmanager receiver). Its secret lives in the secret store. */
export const integrations = pgTable(
  'integrations',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    source: text('source').notNull(),
    name: text('name').notNull(),
    secretReference: text('secret_reference').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    mapping: jsonb('mapping').$type<GenericFieldMapping>(),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    lastReceivedAt: timestamp('last_received_at', { withTimezone: true }),
  },
  (table) => [index('integrations_org_idx').on(table.orgId, table.createdAt)],
);

/**
 * One alert lifecycle: created when a fingerprint starts firing, updated (occurrences, last seen, latest payload)
 * while it keeps firing, and closed when it resolves. At most one firing row per fingerprint and org.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    integrationId: uuid('integration_id'),
    incidentId: uuid('incident_id'),
    source: text('source').notNull(),
    externalId: text('external_id'),
    fingerprint: text('fingerprint').notNull(),
    status: text('status', { enum: ['firing', 'resolved'] }).notNull(),
    title: text('title').notNull(),
    description: text('description'),
    severity: text('severity', { enum: ['critical', 'high', 'warning', 'info'] }).notNull(),
    service: text('service'),
    environment: text('environment'),
    labels: jsonb('labels').$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    annotations: jsonb('annotations').$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
    links: jsonb('links').$type<AlertLinks>().notNull().default(sql`'{}'::jsonb`),
    groupKey: text('group_key'),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    occurrences: integer('occurrences').notNull().default(1),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    correlationScore: real('correlation_score'),
    correlationReason: text('correlation_reason'),
    /** The delivery this alert's latest state came from (its exact bytes are in alert_payloads). */
    payloadId: uuid('payload_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // No index leads with org_id. In a storm a young org's rows outgrow the planner's statistics (autovacuum analyses
  // them a minute later), and an org-leading index then looks like it returns a couple of rows: lookups by fingerprint
  // were planned as a scan of the whole org filtered by fingerprint, 20-50 ms instead of under 1 ms. Leading with the
  // fingerprint (or the time) keeps every plan an index probe whatever the statistics say.
  (table) => [
    uniqueIndex('alerts_firing_fingerprint_unique')
      .on(table.fingerprint, table.orgId)
      .where(sql`${table.status} = 'firing'`),
    index('alerts_fingerprint_started_idx').on(table.fingerprint, table.orgId, table.startsAt),
    index('alerts_started_idx').on(table.startsAt, table.orgId),
    index('alerts_incident_idx').on(table.incidentId),
    index('alerts_payload_idx').on(table.payloadId),
  ],
);

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

/**
 * Each accepted delivery's body, exactly as the source sent it, stored once however many alerts it carried (an
 * Alertmanager group holds many). Kept while an alert points at it; superseded payloads are pruned.
 */
export const alertPayloads = pgTable(
  'alert_payloads',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    integrationId: uuid('integration_id').notNull(),
    contentType: text('content_type').notNull(),
    body: bytea('body').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('alert_payloads_received_idx').on(table.receivedAt)],
);

/** Delivery ids (or body hashes) seen recently, so a replayed webhook is a no-op. Pruned by a scheduled job. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    orgId: uuid('org_id').notNull(),
    integrationId: uuid('integration_id').notNull(),
    deliveryKey: text('delivery_key').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('webhook_deliveries_key_unique').on(table.integrationId, table.deliveryKey),
    index('webhook_deliveries_received_idx').on(table.receivedAt),
  ],
);
