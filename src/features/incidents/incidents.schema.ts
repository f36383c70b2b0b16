import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, jsonb, pgTable, real, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const incidentStatuses = ['open', 'investigating', 'analyzed', 'resolved', 'merged'] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];

export const incidents = pgTable(
  'incidents',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    title: text('title').notNull(),
    status: text('status', { enum: incidentStatuses }).notNull(),
    severity: text('severity', { enum: ['critical', 'high', 'warning', 'info'] }).notNull(),
    service: text('service'),
    environment: text('environment'),
    source: text('source').notNull(),
    groupKey: text('group_key'),
    alertCount: integer('alert_count').notNull().default(0),
    assigneeId: uuid('assignee_id'),
    mergedIntoId: uuid('merged_into_id'),
    investigationJobId: text('investigation_job_id'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    lastAlertAt: timestamp('last_alert_at', { withTimezone: true }).notNull(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('incidents_org_started_idx').on(table.orgId, table.startedAt.desc(), table.id.desc()),
    index('incidents_org_open_idx')
      .on(table.orgId, table.lastAlertAt)
      .where(sql`${table.status} in ('open', 'investigating', 'analyzed')`),
  ],
);

/** The incident's lifecycle timeline: created, alerts attached, status changes, merges, investigations. */
export const incidentEvents = pgTable(
  'incident_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: uuid('org_id').notNull(),
    incidentId: uuid('incident_id').notNull(),
    type: text('type').notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('incident_events_incident_idx').on(table.incidentId, table.id)],
);

/** Per-org correlation rules; an org without a row uses the defaults. */
export const incidentSettings = pgTable('incident_settings', {
  orgId: uuid('org_id').primaryKey(),
  correlationWindowMinutes: integer('correlation_window_minutes').notNull().default(10),
  correlationThreshold: real('correlation_threshold').notNull().default(0.5),
  titleSimilarityWeight: real('title_similarity_weight').notNull().default(0.6),
  resolveWhenAlertsResolve: boolean('resolve_when_alerts_resolve').notNull().default(true),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
