import { z } from 'zod';
import { type AuroraApp, principalOf, requestMetadata } from '../accounts/index.js';
import { approvalStatuses } from './agent.schema.js';
import type { ApprovalsService } from './approvals.service.js';

const approvalView = z.object({
  id: z.uuid(),
  runId: z.uuid(),
  sessionId: z.uuid().nullable(),
  callId: z.string(),
  tool: z.string(),
  input: z.unknown(),
  summary: z.string(),
  status: z.enum(approvalStatuses),
  approverRole: z.enum(['editor', 'admin']),
  requestedBy: z.uuid().nullable(),
  decidedBy: z.uuid().nullable(),
  decidedAt: z.string().nullable(),
  expiresAt: z.string(),
  createdAt: z.string(),
  resolution: z.record(z.string(), z.unknown()).nullable(),
});

export function registerApprovalRoutes(app: AuroraApp, approvals: ApprovalsService): void {
  app.get(
    '/api/v1/approvals',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['agent'],
        summary: 'Approvals of mutating agent actions, newest first (?status=pending for those waiting)',
        querystring: z.object({
          status: z.enum(approvalStatuses).optional(),
          sessionId: z.uuid().optional(),
          limit: z.coerce.number().int().min(1).max(200).default(100),
        }),
        response: { 200: z.object({ items: z.array(approvalView) }) },
      },
    },
    async (request) => ({ items: await approvals.list(principalOf(request), request.query) }),
  );

  app.get(
    '/api/v1/approvals/:approvalId',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['agent'],
        summary: 'One approval',
        params: z.object({ approvalId: z.uuid() }),
        response: { 200: approvalView },
      },
    },
    async (request) => approvals.get(principalOf(request), request.params.approvalId),
  );

  app.post(
    '/api/v1/approvals/:approvalId',
    {
      config: { auth: 'editor' },
      schema: {
        tags: ['agent'],
        summary:
          'Approve or deny a pending action. The waiting run continues (on any process); if that run has ended, an approval runs the action now and records the result in `resolution`.',
        params: z.object({ approvalId: z.uuid() }),
        body: z.object({ decision: z.enum(['approve', 'deny']) }),
        response: { 200: approvalView },
      },
    },
    async (request) =>
      approvals.decide(principalOf(request), request.params.approvalId, request.body.decision, {
        ...requestMetadata(request),
        via: 'http',
      }),
  );
}
