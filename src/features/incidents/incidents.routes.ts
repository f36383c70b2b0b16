import { z } from 'zod';
import type { EventBus } from '../../platform/events/event-bus.js';
import { openEventStream } from '../../platform/http/server-sent-events.js';
import { type AuroraApp, principalOf } from '../accounts/index.js';
import { severities } from '../alerts/index.js';
import { incidentStatuses } from './incidents.schema.js';
import type { IncidentsService } from './incidents.service.js';

const severity = z.enum(severities);
const status = z.enum(incidentStatuses);

const incidentSummary = z.object({
  id: z.uuid(),
  title: z.string(),
  status,
  severity,
  service: z.string().nullable(),
  environment: z.string().nullable(),
  source: z.string(),
  alertCount: z.number().int(),
  assigneeId: z.uuid().nullable(),
  mergedIntoId: z.uuid().nullable(),
  startedAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
});

const incidentDetail = incidentSummary.extend({
  alerts: z.array(
    z.object({
      id: z.uuid(),
      fingerprint: z.string(),
      status: z.enum(['firing', 'resolved']),
      title: z.string(),
      severity,
      service: z.string().nullable(),
      environment: z.string().nullable(),
      occurrences: z.number().int(),
      labels: z.record(z.string(), z.string()),
      annotations: z.record(z.string(), z.string()),
      links: z.record(z.string(), z.string().optional()),
      startsAt: z.string(),
      endsAt: z.string().nullable(),
      lastSeenAt: z.string(),
      correlation: z.object({ score: z.number().nullable(), reason: z.string().nullable() }),
    }),
  ),
  timeline: z.array(
    z.object({
      id: z.number(),
      type: z.string(),
      actor: z.object({ type: z.string(), id: z.string().nullable() }),
      details: z.record(z.string(), z.unknown()),
      at: z.string(),
    }),
  ),
});

const settingsView = z.object({
  correlationWindowMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  correlationThreshold: z.number().min(0).max(1),
  titleSimilarityWeight: z.number().min(0).max(1),
  resolveWhenAlertsResolve: z.boolean(),
});

/** Comma-separated lists in the query string (`?status=open,investigating`). */
const commaList = <Values extends readonly [string, ...string[]]>(values: Values) =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)));

const incidentParams = z.object({ incidentId: z.uuid() });
const streamedTypes = new Set([
  'incident.created',
  'incident.updated',
  'alert.received',
  // Published by the investigations feature, streamed here so one connection follows incidents and their analysis.
  'investigation.started',
  'investigation.thought',
  'investigation.evidence',
  'investigation.finished',
]);

export function registerIncidentRoutes(app: AuroraApp, incidents: IncidentsService, events: EventBus): void {
  app.get(
    '/api/v1/incidents',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['incidents'],
        summary: 'Incidents, newest first',
        querystring: z.object({
          status: commaList(incidentStatuses).optional(),
          severity: commaList(severities).optional(),
          service: z.string().max(256).optional(),
          since: z.iso.datetime({ offset: true }).optional().describe('only incidents started at or after this time'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          cursor: z.string().max(200).optional(),
        }),
        response: { 200: z.object({ items: z.array(incidentSummary), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const { since, ...query } = request.query;
      return incidents.list(principalOf(request), { ...query, since: since ? new Date(since) : undefined });
    },
  );

  app.get(
    '/api/v1/incidents/stream',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['incidents'],
        summary:
          'Server-Sent Events: incident.created, incident.updated, alert.received, investigation.started, investigation.thought, investigation.evidence, investigation.finished',
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      openEventStream(request, reply, { events, orgId: principalOf(request).orgId, types: streamedTypes });
    },
  );

  app.get(
    '/api/v1/incidents/:incidentId',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['incidents'],
        summary: 'One incident with its alerts and timeline',
        params: incidentParams,
        response: { 200: incidentDetail },
      },
    },
    async (request) => incidents.get(principalOf(request), request.params.incidentId),
  );

  app.patch(
    '/api/v1/incidents/:incidentId',
    {
      config: { auth: 'editor' },
      schema: {
        tags: ['incidents'],
        summary: 'Change status, severity or assignee',
        params: incidentParams,
        body: z
          .object({
            status: z.enum(['open', 'investigating', 'analyzed', 'resolved']).optional(),
            severity: severity.optional(),
            assigneeId: z.uuid().nullable().optional(),
          })
          .refine((body) => Object.keys(body).length > 0, 'change at least one of status, severity, assigneeId'),
        response: { 200: incidentSummary },
      },
    },
    async (request) => incidents.update(principalOf(request), request.params.incidentId, request.body),
  );

  app.post(
    '/api/v1/incidents/:incidentId/merge',
    {
      config: { auth: 'editor' },
      schema: {
        tags: ['incidents'],
        summary: 'Merge another incident (its alerts) into this one',
        params: incidentParams,
        body: z.object({ incidentId: z.uuid().describe('the incident to merge into this one') }),
        response: { 200: incidentSummary },
      },
    },
    async (request) => incidents.merge(principalOf(request), request.params.incidentId, request.body.incidentId),
  );

  app.post(
    '/api/v1/incidents/:incidentId/alerts/:alertId/detach',
    {
      config: { auth: 'editor' },
      schema: {
        tags: ['incidents'],
        summary: 'Move one alert out into a new incident of its own; returns the new incident',
        params: z.object({ incidentId: z.uuid(), alertId: z.uuid() }),
        response: { 201: incidentSummary },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await incidents.detach(principalOf(request), request.params.incidentId, request.params.alertId)),
  );

  app.get(
    '/api/v1/settings/incidents',
    {
      config: { auth: 'viewer' },
      schema: { tags: ['incidents'], summary: 'Correlation rules for this org', response: { 200: settingsView } },
    },
    async (request) => incidents.settings(principalOf(request)),
  );

  app.put(
    '/api/v1/settings/incidents',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['incidents'],
        summary: 'Change correlation rules (omitted fields keep their value)',
        body: settingsView.partial(),
        response: { 200: settingsView },
      },
    },
    async (request) => incidents.saveSettings(principalOf(request), request.body),
  );
}
