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
    await services.investigations.runJob(payload, context);
  });
  await queue.work('investigation.sweep', async () => {
    const swept = await services.investigations.sweep();
    if (swept.failed + swept.requeued + swept.reenqueued > 0) logger.info(swept, 'investigations swept');
  });
  await queue.work('connector.post_auth', async (payload) => {
    await services.connectors.runPostAuth(payload.orgId, payload.connectionId);
  });
  await queue.work('connector.oauth_states.prune', async () => {
    const removed = await services.connectors.pruneOAuthStates();
    if (removed > 0) logger.debug({ removed }, 'expired OAuth states removed');
  });
  await queue.work('alerts.deliveries.prune', async () => {
    const removed = await services.intake.pruneDeliveries();
    if (removed.keys + removed.payloads > 0) logger.debug(removed, 'old webhook delivery keys and bodies removed');
  });
  await queue.work('knowledge.document.index', async (payload, context) => {
    await services.knowledge.indexDocument(payload.orgId, payload.documentId, context.signal);
  });
  await queue.work('knowledge.embeddings.reconcile', async () => {
    const queued = await services.knowledge.reindexStaleEmbeddings();
    if (queued > 0)
      logger.info({ queued }, 'knowledge documents queued for re-indexing with the current embedding model');
  });
  await queue.work('chat.memory.sweep', async () => {
    const swept = await services.conversationMemory.sweep();
    if (swept.indexed + swept.failed > 0) logger.info(swept, 'chat conversations indexed as knowledge memory');
  });
  await queue.work('notification.deliver', async (payload, context) => {
    await services.notifications.deliver(payload, context);
  });
  await queue.work('notification.deliveries.prune', async () => {
    const removed = await services.notifications.pruneDeliveries();
    if (removed > 0) logger.debug({ removed }, 'old notification deliveries removed');
  });
  if (platform.embedder.modelId) {
    // The embedding model may have changed since the documents were indexed.
    await queue.enqueue('knowledge.embeddings.reconcile', {}, { singletonKey: 'reconcile' });
  }
}

/** Cron schedules, owned by the scheduler role (pg-boss makes them fire once across all schedulers). */
export async function startScheduler(platform: Platform): Promise<void> {
  await platform.queue.schedule('accounts.sessions.cleanup', '17 * * * *', {});
  await platform.queue.schedule('alerts.deliveries.prune', '*/10 * * * *', {});
  await platform.queue.schedule('connector.oauth_states.prune', '23 * * * *', {});
  await platform.queue.schedule('notification.deliveries.prune', '41 3 * * *', {});
  await platform.queue.schedule('investigation.sweep', '* * * * *', {});
  await platform.queue.schedule('chat.memory.sweep', '*/5 * * * *', {});
}
