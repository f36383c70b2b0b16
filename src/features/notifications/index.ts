/**
 * Investigation notifications (Slack, email over SMTP, signed webhook), configured per org. The investigation
 * feature calls `NotificationsService.notify`; delivery runs in the `notification.deliver` job.
 */
export type { InvestigationNotification } from './notification-settings.js';
export { registerNotificationRoutes } from './notifications.routes.js';
export { type NotificationEventType, notificationEventTypes } from './notifications.schema.js';
export {
  type NotificationsDependencies,
  type NotificationsOptions,
  NotificationsService,
} from './notifications.service.js';
