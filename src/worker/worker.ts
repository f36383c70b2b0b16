import type { Platform } from '../platform/platform.js';
import type { Services } from '../server/services.js';

/** Registers a handler for every job in the catalog that this process should run. Handlers stay thin. */
export async function startWorker(platform: Platform, services: Services): Promise<void> {
  const { queue, logger } = platform;
  if (platform.database.kind === 'pglite') {
    // The embedded data dir is locked to this process, so active jobs can only be a dead process's leftovers.
    await queue.recoverOrphanedJobs();
  }
  await queue.work('accounts.sessions.cleanup', async () => {
    const removed = await services.accounts.deleteExpiredSessions();
    if (removed > 0) logger.info({ removed }, 'expired sessions removed');
  });
  await queue.work('investigation.run', async (payload, context) => {
    // The investigation engine arrives with its own feature; until then the run is only recorded on the timeline.
    await services.incidents.recordInvestigationRun(payload.orgId, payload.incidentId, context.id);
  });
  await queue.work('alerts.deliveries.prune', async () => {
    const removed = await services.intake.pruneDeliveries();
    if (removed > 0) logger.debug({ removed }, 'old webhook delivery keys removed');
  });
}

/** Cron schedules, owned by the scheduler role (pg-boss makes them fire once across all schedulers). */
export async function startScheduler(platform: Platform): Promise<void> {
  await platform.queue.schedule('accounts.sessions.cleanup', '17 * * * *', {});
  await platform.queue.schedule('alerts.deliveries.prune', '*/10 * * * *', {});
}
