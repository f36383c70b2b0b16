import { z } from 'zod';
import { type AuroraApp, principalOf, requestMetadata } from '../accounts/index.js';
import { deliveryView, settingsInput, settingsView, testResults } from './notification-settings.js';
import type { NotificationsService } from './notifications.service.js';

export function registerNotificationRoutes(app: AuroraApp, notifications: NotificationsService): void {
  app.get(
    '/api/v1/settings/notifications',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['notifications'],
        summary: 'Notification channels (Slack, email, signed webhook); credentials are never returned',
        response: { 200: settingsView },
      },
    },
    async (request) => notifications.settings(principalOf(request)),
  );

  app.put(
    '/api/v1/settings/notifications',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['notifications'],
        summary: 'Configure notification channels; a new webhook signing secret is shown once in the response',
        body: settingsInput,
        response: { 200: settingsView },
      },
    },
    async (request) => notifications.saveSettings(principalOf(request), request.body, requestMetadata(request)),
  );

  app.post(
    '/api/v1/settings/notifications/test',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['notifications'],
        summary: "Send a test message to every configured channel; reports each channel's result",
        response: { 200: testResults },
      },
    },
    async (request) => notifications.sendTest(principalOf(request), requestMetadata(request)),
  );

  app.get(
    '/api/v1/settings/notifications/deliveries',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['notifications'],
        summary: 'Recent notification deliveries, newest first, with attempts and the last error',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ items: z.array(deliveryView) }) },
      },
    },
    async (request) => ({ items: await notifications.deliveries(principalOf(request), request.query.limit) }),
  );
}
