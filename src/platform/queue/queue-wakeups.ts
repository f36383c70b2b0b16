import { type EventBus, systemOrgId } from '../events/event-bus.js';
import type { Logger } from '../logger/logger.js';

const queueWakeEvent = 'queue.job_created';

/**
 * Scaled mode: an api process enqueues and a worker process runs the job. Announcing each committed job on
 * the event bus lets idle workers in every process fetch at once instead of at their next poll; the poll
 * stays as the fallback when an announcement is lost.
 */
export function crossProcessWakeups(events: EventBus, logger: Logger) {
  return {
    onEnqueued(name: string): void {
      events
        .publish({ type: queueWakeEvent, orgId: systemOrgId, data: { name } })
        .catch((error: unknown) => logger.debug({ err: error }, 'could not announce a queued job'));
    },
    /** Wakes `queue`'s workers on announcements from any process; returns the unsubscribe function. */
    listen(queue: { wake(name: string): void }): () => void {
      return events.subscribe(systemOrgId, (event) => {
        const name = (event.data as { name?: unknown } | undefined)?.name;
        if (event.type === queueWakeEvent && typeof name === 'string') queue.wake(name);
      });
    },
  };
}
