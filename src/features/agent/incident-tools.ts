import { z } from 'zod';
import type { Principal } from '../accounts/index.js';
import { severities } from '../alerts/index.js';
import { type IncidentsService, incidentStatuses } from '../incidents/index.js';
import { type AnyToolDefinition, defineTool, type ToolContext } from './tool-registry.js';

// Background runs have no user; reads then act as the org itself (read-only, nothing is attributed to a person).
function reader(context: ToolContext): Principal {
  return (
    context.principal ?? {
      kind: 'api_token',
      userId: '',
      email: '',
      orgId: context.orgId,
      role: 'viewer',
      tokenId: 'agent',
    }
  );
}

/** The built-in incident tools: list and read (read-only), and update (mutating, behind approval). */
export function incidentTools(incidents: IncidentsService): AnyToolDefinition[] {
  return [
    defineTool({
      name: 'list_incidents',
      description:
        'List incidents, newest first. Filter by status, severity or service. Returns id, title, status, severity, service and times.',
      input: z.object({
        status: z.array(z.enum(incidentStatuses)).optional().describe('only these statuses'),
        severity: z.array(z.enum(severities)).optional(),
        service: z.string().max(256).optional(),
        limit: z.number().int().min(1).max(50).default(20),
      }),
      access: 'readOnly',
      connector: null,
      timeoutMs: 10_000,
      execute: async (input, context) => {
        const page = await incidents.list(reader(context), {
          status: input.status,
          severity: input.severity,
          service: input.service,
          limit: input.limit,
        });
        return page.items;
      },
    }),
    defineTool({
      name: 'get_incident',
      description: 'One incident with its alerts (labels, annotations, occurrences) and its timeline.',
      input: z.object({ incidentId: z.uuid().describe('the incident id') }),
      access: 'readOnly',
      connector: null,
      timeoutMs: 10_000,
      execute: async (input, context) => incidents.get(reader(context), input.incidentId),
    }),
    defineTool({
      name: 'update_incident',
      description:
        "Change an incident's status, severity or assignee. Requires a human's approval before it takes effect.",
      input: z
        .object({
          incidentId: z.uuid(),
          status: z.enum(['open', 'investigating', 'analyzed', 'resolved']).optional(),
          severity: z.enum(severities).optional(),
          assigneeId: z.uuid().nullable().optional().describe('a member user id, or null to unassign'),
        })
        .refine(
          (input) => input.status !== undefined || input.severity !== undefined || input.assigneeId !== undefined,
          'change at least one of status, severity, assigneeId',
        ),
      access: 'mutating',
      connector: null,
      timeoutMs: 15_000,
      summarize: (input) => {
        const changes = [
          input.status && `status → ${input.status}`,
          input.severity && `severity → ${input.severity}`,
          input.assigneeId !== undefined && `assignee → ${input.assigneeId ?? 'nobody'}`,
        ].filter(Boolean);
        return `Update incident ${input.incidentId}: ${changes.join(', ')}`;
      },
      execute: async (input, context) => {
        const actor = context.approvedBy ?? context.principal;
        if (!actor) throw new Error('an approved change needs the person who approved it');
        const { incidentId, ...changes } = input;
        return incidents.update({ ...actor, orgId: context.orgId }, incidentId, changes);
      },
    }),
  ];
}
