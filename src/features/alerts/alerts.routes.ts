import { z } from 'zod';
import { type AuroraApp, principalOf } from '../accounts/index.js';
import type { IntakeService } from './intake.service.js';

export function registerAlertRoutes(app: AuroraApp, intake: IntakeService): void {
  app.get(
    '/api/v1/alerts/:alertId/payload',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['alerts'],
        summary: "The webhook body an alert's latest state came from, byte for byte as the source sent it",
        params: z.object({ alertId: z.uuid() }),
      },
    },
    async (request, reply) => {
      const payload = await intake.storedPayload(principalOf(request).orgId, request.params.alertId);
      return (
        reply
          .type(payload.contentType)
          .header('last-modified', payload.receivedAt.toUTCString())
          // The bytes came from outside; never let a browser sniff them into something executable.
          .header('x-content-type-options', 'nosniff')
          .header('content-disposition', 'inline; filename="payload.json"')
          .send(payload.body)
      );
    },
  );
}
