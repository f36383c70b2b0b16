import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuroraApp } from '../accounts/index.js';
import type { IntakeService } from './intake.service.js';

/**
 * `POST /hooks/{source}/{integrationId}`: where monitoring tools deliver alerts. Authenticated by the
 * integration's secret (and the vendor's signature), not by user credentials, so the raw body is kept
 * for signature checks and parsed here rather than by Fastify.
 */
export function registerWebhookRoutes(
  app: AuroraApp,
  intake: IntakeService,
  options: { bodyLimitBytes: number },
): void {
  app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimitBytes }, (_request, body, done) =>
      done(null, body),
    );
    scope.post(
      '/hooks/:source/:integrationId',
      {
        config: { auth: 'public' },
        bodyLimit: options.bodyLimitBytes,
        schema: {
          tags: ['alerts'],
          summary: 'Receive alerts from a monitoring tool (authenticated by the integration secret)',
          params: z.object({ source: z.string().max(40), integrationId: z.string().max(64) }),
          response: {
            200: z.object({
              accepted: z.number().int().describe('alerts stored from this delivery'),
              duplicate: z.boolean().describe('true when the same delivery was already stored recently (a no-op)'),
              subscriptionConfirmed: z.boolean().optional(),
            }),
          },
        },
      },
      async (request) => {
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(request.headers)) {
          headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        return intake.handle({
          source: request.params.source,
          integrationId: request.params.integrationId,
          headers,
          rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
          ip: request.ip,
          requestId: request.id,
        });
      },
    );
  });
}
