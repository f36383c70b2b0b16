import { z } from 'zod';
import { type AuroraApp, principalOf, requestMetadata } from '../accounts/index.js';
import { rootCauseCategories } from '../telemetry/index.js';
import { confidences, evidencePorts, evidenceStatuses } from './investigation.model.js';
import { investigationStatuses } from './investigations.schema.js';
import type { InvestigationsService } from './investigations.service.js';

const incidentParams = z.object({ incidentId: z.uuid() });
const category = z.enum(rootCauseCategories);

const evidenceView = z.object({
  id: z.string(),
  port: z.enum(evidencePorts),
  source: z.string(),
  query: z.string(),
  service: z.string().nullable(),
  timeRange: z.object({ from: z.string(), to: z.string() }),
  status: z.enum(evidenceStatuses),
  excerpt: z.string(),
  hash: z.string(),
  durationMs: z.number().int(),
  error: z.string().optional(),
});

const hypothesisView = z.object({
  rank: z.number().int(),
  service: z.string(),
  category,
  score: z.number(),
  factors: z.object({
    changeProximity: z.number(),
    topologyDistance: z.number(),
    anomalyStrength: z.number(),
    newErrorSignatures: z.number(),
    blamedByNeighbours: z.number(),
    onsetOrder: z.number(),
    similarIncidents: z.number(),
    explainedByDependency: z.number(),
  }),
  reasons: z.array(z.string()),
  evidenceIds: z.array(z.string()),
});

const claim = z.object({ text: z.string(), evidenceIds: z.array(z.string()) });

export const reportView = z.object({
  summary: z.string(),
  rootCause: z
    .object({ service: z.string(), category, statement: z.string(), evidenceIds: z.array(z.string()) })
    .nullable(),
  confidence: z.enum(confidences),
  confidenceNote: z.string(),
  timeline: z.array(z.object({ time: z.string(), text: z.string(), evidenceIds: z.array(z.string()) })),
  impact: claim,
  ruledOut: z.array(z.object({ service: z.string(), category, text: z.string(), evidenceIds: z.array(z.string()) })),
  remediations: z.array(
    z.object({
      title: z.string(),
      command: z.string().optional(),
      change: z.string().optional(),
      risk: z.string(),
      undo: z.string(),
      evidenceIds: z.array(z.string()),
    }),
  ),
  unavailableSources: z.array(
    z.object({
      evidenceId: z.string(),
      port: z.enum(evidencePorts),
      source: z.string(),
      status: z.enum(evidenceStatuses),
      detail: z.string(),
    }),
  ),
  generatedBy: z.enum(['deterministic', 'model']),
  droppedClaims: z.array(z.string()),
  notes: z.array(z.string()).optional(),
});

// Structured answers as stored (times as ISO text), so the UI can draw metrics, logs and changes.
const time = z.string();
const evidenceDataView = z.discriminatedUnion('port', [
  z.object({
    port: z.literal('topology'),
    graph: z.object({
      services: z.array(z.object({ name: z.string(), kind: z.string() })),
      dependencies: z.array(z.tuple([z.string(), z.string()])),
    }),
  }),
  z.object({
    port: z.literal('changes'),
    changes: z.array(
      z.object({
        time,
        service: z.string(),
        kind: z.string(),
        summary: z.string(),
        author: z.string().optional(),
        ref: z.string().optional(),
      }),
    ),
  }),
  z.object({
    port: z.literal('metrics'),
    series: z.array(
      z.object({
        service: z.string(),
        name: z.string(),
        unit: z.string().optional(),
        labels: z.record(z.string(), z.string()).optional(),
        points: z.array(z.tuple([z.number(), z.number()])).describe('[epoch milliseconds, value], ascending'),
      }),
    ),
  }),
  z.object({
    port: z.literal('logs'),
    lines: z.array(z.object({ time, service: z.string(), level: z.string(), message: z.string() })),
    truncated: z.boolean(),
  }),
  z.object({
    port: z.literal('kubernetes'),
    workload: z.object({
      service: z.string(),
      pods: z.array(
        z.object({
          namespace: z.string(),
          name: z.string(),
          service: z.string(),
          phase: z.string(),
          restarts: z.number().int(),
          reason: z.string().optional(),
          lastTerminationReason: z.string().optional(),
          node: z.string().optional(),
        }),
      ),
      events: z.array(
        z.object({
          time,
          namespace: z.string(),
          object: z.string(),
          reason: z.string(),
          message: z.string(),
          type: z.string(),
        }),
      ),
      rollouts: z.array(
        z.object({
          revision: z.number().int(),
          time,
          image: z.string().optional(),
          replicaSet: z.string().optional(),
        }),
      ),
    }),
  }),
  z.object({
    port: z.literal('alerts'),
    alerts: z.array(
      z.object({
        time,
        service: z.string().nullable(),
        title: z.string(),
        severity: z.string(),
        status: z.string(),
        source: z.string(),
      }),
    ),
  }),
  z.object({
    port: z.literal('similar_incidents'),
    incidents: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        service: z.string(),
        category,
        similarity: z.number(),
        resolvedAt: time.optional(),
      }),
    ),
  }),
  z.object({
    port: z.literal('runbooks'),
    passages: z.array(
      z.object({
        documentId: z.string(),
        title: z.string(),
        kind: z.string(),
        page: z.number().nullable(),
        headingPath: z.array(z.string()),
        text: z.string(),
        score: z.number(),
      }),
    ),
  }),
]);

const investigationView = z.object({
  investigationId: z.uuid().nullable(),
  status: z.enum([...investigationStatuses, 'none']).describe('`none`: the incident was never investigated'),
  trigger: z.string().nullable(),
  attempt: z.number().int(),
  queuedAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  usage: z.object({
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    costUsd: z.number(),
    modelSteps: z.number().int(),
  }),
  evidence: z.array(evidenceView),
  hypotheses: z.array(hypothesisView),
  thoughts: z.array(z.object({ sequence: z.number().int(), kind: z.string(), text: z.string(), at: z.string() })),
  report: reportView.nullable(),
});

export function registerInvestigationRoutes(app: AuroraApp, investigations: InvestigationsService): void {
  app.post(
    '/api/v1/incidents/:incidentId/investigate',
    {
      config: { auth: 'editor' },
      schema: {
        tags: ['investigations'],
        summary: 'Queue an investigation of the incident (or return the one already queued or running for it)',
        params: incidentParams,
        response: {
          202: z.object({
            investigationId: z.uuid(),
            status: z.enum(investigationStatuses),
            created: z.boolean().describe('false when an investigation was already queued or running'),
          }),
        },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(await investigations.request(principalOf(request), request.params.incidentId, requestMetadata(request))),
  );

  app.get(
    '/api/v1/incidents/:incidentId/investigation',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['investigations'],
        summary: "The incident's latest investigation: status, evidence, hypotheses, thoughts and report",
        params: incidentParams,
        response: { 200: investigationView },
      },
    },
    async (request) => investigations.view(principalOf(request), request.params.incidentId),
  );

  app.get(
    '/api/v1/incidents/:incidentId/investigation/evidence',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['investigations'],
        summary:
          "Evidence items with their structured answers (metric points, log lines, changes): the latest investigation's, or `investigationId`'s",
        params: incidentParams,
        querystring: z.object({ investigationId: z.uuid().optional() }),
        response: {
          200: z.object({
            investigationId: z.uuid().nullable(),
            items: z.array(evidenceView.extend({ data: evidenceDataView.nullable() })),
          }),
        },
      },
    },
    async (request) =>
      investigations.evidenceDetails(principalOf(request), request.params.incidentId, request.query.investigationId),
  );

  app.get(
    '/api/v1/incidents/:incidentId/report.md',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['investigations'],
        summary: 'The latest finished report as Markdown, evidence listed at the end',
        params: incidentParams,
        produces: ['text/markdown'],
      },
    },
    async (request, reply) => {
      const markdown = await investigations.reportMarkdown(principalOf(request), request.params.incidentId);
      return reply
        .type('text/markdown; charset=utf-8')
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', 'inline; filename="report.md"')
        .send(markdown);
    },
  );

  app.post(
    '/api/v1/incidents/:incidentId/feedback',
    {
      config: { auth: 'editor' },
      schema: {
        tags: ['investigations'],
        summary: 'Feedback on the latest report; helpful reports and corrected causes become memory',
        params: incidentParams,
        body: z.object({
          helpful: z.boolean(),
          comment: z.string().max(4_000).optional(),
          correctRootCause: z
            .string()
            .max(2_000)
            .optional()
            .describe('what the cause really was; naming the service makes it memory for similar incidents'),
        }),
        response: {
          201: z.object({
            recorded: z.literal(true),
            memory: z
              .object({ service: z.string(), category })
              .nullable()
              .describe('what later similar incidents will recall, when the feedback named a cause'),
          }),
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await investigations.feedback(
            principalOf(request),
            request.params.incidentId,
            request.body,
            requestMetadata(request),
          ),
        ),
  );
}
