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
    // Investigations arrive with the investigations feature; until then the run is only recorded.
    logger.info({ job: context.id, orgId: payload.orgId, incidentId: payload.incidentId }, 'investigation requested');
  });
}

/** Cron schedules, owned by the scheduler role (pg-boss makes them fire once across all schedulers). */
export async function startScheduler(platform: Platform): Promise<void> {
  await platform.queue.schedule('accounts.sessions.cleanup', '17 * * * *', {});
}
