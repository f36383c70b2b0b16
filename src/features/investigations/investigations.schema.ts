import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { RootCauseCategory } from '../telemetry/index.js';
import type {
  EvidenceData,
  EvidencePort,
  EvidenceStatus,
  HypothesisFactors,
  InvestigationReport,
} from './investigation.model.js';

// Other features' tables, named only so the foreign keys below can point at them. Not exported, so drizzle-kit
// does not see them twice.
const organizations = pgTable('organizations', { id: uuid('id').primaryKey() });
const incidents = pgTable('incidents', { id: uuid('id').primaryKey() });

export const investigationStatuses = ['queued', 'running', 'completed', 'failed'] as const;
export type InvestigationStatus = (typeof investigationStatuses)[number];

/**
 * One investigation of an incident. At most one per incident is queued or running (a partial unique index);
 * `job_id`, `attempt`, `heartbeat_at` and `deadline_at` make a run durable: a retried job reclaims its row, a
 * silent row is re-queued, a row past its deadline is failed.
 */
export const investigations = pgTable(
  'investigations',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    status: text('status', { enum: investigationStatuses }).notNull(),
    /** What asked for it: `incident.created` (the intake job), `api`, `cli`, `demo`. */
    trigger: text('trigger').notNull(),
    requestedBy: uuid('requested_by'),
    /** The queue job that last claimed (or was enqueued for) it. */
    jobId: text('job_id'),
    attempt: integer('attempt').notNull().default(0),
    /** A built-in scenario the telemetry is read from (demo orgs); null reads the org's configured sources. */
    scenario: text('scenario'),
    queuedAt: timestamp('queued_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    deadlineAt: timestamp('deadline_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    error: text('error'),
    report: jsonb('report').$type<InvestigationReport>(),
    confidence: text('confidence'),
    rootCauseService: text('root_cause_service'),
    rootCauseCategory: text('root_cause_category').$type<RootCauseCategory>(),
    generatedBy: text('generated_by'),
    modelSteps: integer('model_steps').notNull().default(0),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    costUsd: real('cost_usd').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('investigations_org_incident_idx').on(table.orgId, table.incidentId, table.createdAt.desc()),
    uniqueIndex('investigations_one_active_per_incident')
      .on(table.incidentId)
      .where(sql`${table.status} in ('queued', 'running')`),
    index('investigations_active_idx')
      .on(table.orgId, table.status)
      .where(sql`${table.status} in ('queued', 'running')`),
    index('investigations_org_job_idx').on(table.orgId, table.jobId),
  ],
);

/** Stored evidence: (investigation, E#) is the key, so a retried run that collects again never duplicates. */
export const investigationEvidence = pgTable(
  'investigation_evidence',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    investigationId: uuid('investigation_id')
      .notNull()
      .references(() => investigations.id, { onDelete: 'cascade' }),
    evidenceId: text('evidence_id').notNull(),
    ordinal: integer('ordinal').notNull(),
    port: text('port').$type<EvidencePort>().notNull(),
    source: text('source').notNull(),
    query: text('query').notNull(),
    service: text('service'),
    timeFrom: timestamp('time_from', { withTimezone: true }).notNull(),
    timeTo: timestamp('time_to', { withTimezone: true }).notNull(),
    status: text('status').$type<EvidenceStatus>().notNull(),
    excerpt: text('excerpt').notNull(),
    hash: text('hash').notNull(),
    durationMs: integer('duration_ms').notNull(),
    error: text('error'),
    data: jsonb('data').$type<EvidenceData | null>(),
    /** `playbook` (step 2) or `model` (a tool call of the reasoning loop). */
    collectedBy: text('collected_by').notNull().default('playbook'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.investigationId, table.evidenceId] })],
);

export const investigationHypotheses = pgTable(
  'investigation_hypotheses',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    investigationId: uuid('investigation_id')
      .notNull()
      .references(() => investigations.id, { onDelete: 'cascade' }),
    rank: integer('rank').notNull(),
    service: text('service').notNull(),
    category: text('category').$type<RootCauseCategory>().notNull(),
    score: real('score').notNull(),
    factors: jsonb('factors').$type<HypothesisFactors>().notNull(),
    reasons: jsonb('reasons').$type<string[]>().notNull(),
    evidenceIds: jsonb('evidence_ids').$type<string[]>().notNull(),
  },
  (table) => [primaryKey({ columns: [table.investigationId, table.rank] })],
);

/**
 * What the investigation "thinks aloud", one sentence (or step note) a row, in order. `key` is a hash of the text and
 * of how many times the same text came before it in the run, so a retried attempt that says the same things adds
 * nothing.
 */
export const investigationThoughts = pgTable(
  'investigation_thoughts',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    investigationId: uuid('investigation_id')
      .notNull()
      .references(() => investigations.id, { onDelete: 'cascade' }),
    sequence: integer('sequence').notNull(),
    key: text('key').notNull(),
    /** `step` (pipeline progress), `model` (the model's reasoning), `tool` (a tool call), `note` (something went wrong). */
    kind: text('kind').notNull(),
    text: text('text').notNull(),
    attempt: integer('attempt').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.investigationId, table.sequence] }),
    uniqueIndex('investigation_thoughts_key_idx').on(table.investigationId, table.key),
  ],
);

/** POST …/feedback: helpful reports and corrected root causes become memory for similar incidents. */
export const investigationFeedback = pgTable(
  'investigation_feedback',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    investigationId: uuid('investigation_id').references(() => investigations.id, { onDelete: 'set null' }),
    userId: uuid('user_id'),
    helpful: boolean('helpful').notNull(),
    comment: text('comment'),
    correctRootCause: text('correct_root_cause'),
    /** What the memory remembers: the corrected (or confirmed) service and category, when they could be read. */
    service: text('service'),
    category: text('category').$type<RootCauseCategory>(),
    /** The incident's title and alert titles, for matching later incidents. */
    signature: text('signature').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('investigation_feedback_org_idx').on(table.orgId, table.createdAt.desc())],
);

/** Per-org investigation settings. A demo org reads its telemetry from a built-in scenario. */
export const investigationSettings = pgTable('investigation_settings', {
  orgId: uuid('org_id')
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  scenario: text('scenario'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
