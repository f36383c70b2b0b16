import { z } from 'zod';
import { type AuroraApp, principalOf, requestMetadata } from '../accounts/index.js';
import { alertSourceSchema, genericFieldMappingSchema } from './alert.model.js';
import type { IntegrationsService } from './integrations.service.js';

const integrationView = z.object({
  id: z.uuid(),
  source: alertSourceSchema,
  name: z.string(),
  url: z.string().describe('Webhook path; prefix it with the URL Aurora is reachable at'),
  enabled: z.boolean(),
  mapping: genericFieldMappingSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastReceivedAt: z.string().nullable(),
});

const integrationParams = z.object({ integrationId: z.uuid() });

export function registerIntegrationRoutes(app: AuroraApp, integrations: IntegrationsService): void {
  app.post(
    '/api/v1/integrations',
    {
      config: { auth: 'editor' },
      schema: {
        tags: ['alerts'],
        summary: 'Create a webhook integration; the secret is shown only in this response',
        body: z.object({
          source: alertSourceSchema,
          name: z.string().trim().min(1).max(100),
          mapping: genericFieldMappingSchema.optional().describe('generic source only: JSON pointers to the fields'),
        }),
        response: { 201: integrationView.extend({ secret: z.string() }) },
      },
    },
    async (request, reply) => {
      const { integration, secret } = await integrations.create(
        principalOf(request),
        request.body,
        requestMetadata(request),
      );
      return reply.code(201).send({ ...integration, secret });
    },
  );

  app.get(
    '/api/v1/integrations',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['alerts'],
        summary: "The org's webhook integrations (never their secrets)",
        response: { 200: z.object({ items: z.array(integrationView) }) },
      },
    },
    async (request) => ({ items: await integrations.list(principalOf(request)) }),
  );

  app.get(
    '/api/v1/integrations/:integrationId',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['alerts'],
        summary: 'One integration',
        params: integrationParams,
        response: { 200: integrationView },
      },
    },
    async (request) => integrations.get(principalOf(request), request.params.integrationId),
  );

  app.patch(
    '/api/v1/integrations/:integrationId',
    {
      config: { auth: 'editor' },
      schema: {
        tags: ['alerts'],
        summary: 'Rename, enable or disable an integration, or change its field mapping',
        params: integrationParams,
        body: z.object({
          name: z.string().trim().min(1).max(100).optional(),
          enabled: z.boolean().optional(),
          mapping: genericFieldMappingSchema.nullable().optional(),
        }),
        response: { 200: integrationView },
      },
    },
    async (request) =>
      integrations.update(principalOf(request), request.params.integrationId, request.body, requestMetadata(request)),
  );

  app.post(
    '/api/v1/integrations/:integrationId/rotate-secret',
    {
      config: { auth: 'editor' },
      schema: {
        tags: ['alerts'],
        summary: 'Replace the secret; the old one stops working',
        params: integrationParams,
        response: { 200: z.object({ secret: z.string() }) },
      },
    },
    async (request) =>
      integrations.rotateSecret(principalOf(request), request.params.integrationId, requestMetadata(request)),
  );

  app.delete(
    '/api/v1/integrations/:integrationId',
    {
      config: { auth: 'editor' },
      schema: {
        tags: ['alerts'],
        summary: 'Delete an integration and its secret (stored alerts stay)',
        params: integrationParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await integrations.delete(principalOf(request), request.params.integrationId, requestMetadata(request));
      return reply.code(204).send(null);
    },
  );
}
