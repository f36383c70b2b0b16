import { z } from 'zod';

export type QueuePolicy = 'standard' | 'short' | 'singleton' | 'stately';

export interface JobDefinition<Payload extends z.ZodType = z.ZodType> {
  /** Validated on enqueue and again on pick-up. Change it only additively, so jobs already queued still parse. */
  payload: Payload;
  retryLimit: number;
  retryDelaySeconds: number;
  retryBackoff: boolean;
  /** The handler is aborted after this long, and a job left active this long (its worker died) is retried. */
  timeoutSeconds: number;
  /** pg-boss queue policy; `stately` allows one queued plus one active job per singleton key. */
  policy?: QueuePolicy;
  /** Handlers per worker process. */
  concurrency?: number;
}

export type JobCatalog = Record<string, JobDefinition>;

export const defineJob = <Payload extends z.ZodType>(definition: JobDefinition<Payload>) => definition;

/** Every job Aurora runs: name → payload schema, retry policy and timeout. Features add theirs here. */
export const jobCatalog = {
  // Investigate an incident. Without investigationId (the intake's job for a new incident) it makes the incident's
  // first investigation; with it, it runs that one. The run's own deadline is AURORA_INVESTIGATION_TIMEOUT_SECONDS
  // (at most 3300 s); this timeout is only the ceiling after which a job left active by a dead worker is retried.
  'investigation.run': defineJob({
    payload: z.object({
      orgId: z.uuid(),
      incidentId: z.uuid(),
      reason: z.string().max(200).optional(),
      investigationId: z.uuid().optional(),
    }),
    retryLimit: 3,
    retryDelaySeconds: 15,
    retryBackoff: true,
    timeoutSeconds: 60 * 60,
    policy: 'stately',
    concurrency: 2,
  }),
  // Every minute: fail investigations past their deadline, re-queue those whose worker died, re-enqueue lost ones.
  'investigation.sweep': defineJob({
    payload: z.object({}),
    retryLimit: 1,
    retryDelaySeconds: 30,
    retryBackoff: false,
    timeoutSeconds: 120,
    policy: 'short',
  }),
  'accounts.sessions.cleanup': defineJob({
    payload: z.object({}),
    retryLimit: 1,
    retryDelaySeconds: 60,
    retryBackoff: false,
    timeoutSeconds: 60,
    policy: 'short',
  }),
  // After a connection is created: discover GCP projects, AWS regions/accounts, GitHub repos, Azure subscriptions.
  'connector.post_auth': defineJob({
    payload: z.object({ orgId: z.uuid(), connectionId: z.uuid() }),
    retryLimit: 3,
    retryDelaySeconds: 10,
    retryBackoff: true,
    timeoutSeconds: 120,
    concurrency: 2,
  }),
  'connector.oauth_states.prune': defineJob({
    payload: z.object({}),
    retryLimit: 1,
    retryDelaySeconds: 60,
    retryBackoff: false,
    timeoutSeconds: 120,
    policy: 'short',
  }),
  'alerts.deliveries.prune': defineJob({
    payload: z.object({}),
    retryLimit: 1,
    retryDelaySeconds: 60,
    retryBackoff: false,
    timeoutSeconds: 120,
    policy: 'short',
  }),
  // Extract, chunk and embed one knowledge document; one queued and one running per document.
  'knowledge.document.index': defineJob({
    payload: z.object({ orgId: z.uuid(), documentId: z.uuid() }),
    retryLimit: 3,
    retryDelaySeconds: 10,
    retryBackoff: true,
    timeoutSeconds: 15 * 60,
    policy: 'stately',
    concurrency: 1,
  }),
  // Queue documents embedded with another model (or none) for re-indexing; run when a worker starts.
  'knowledge.embeddings.reconcile': defineJob({
    payload: z.object({}),
    retryLimit: 2,
    retryDelaySeconds: 60,
    retryBackoff: false,
    timeoutSeconds: 10 * 60,
    policy: 'singleton',
  }),
  // Every 5 minutes: index chat conversations idle for AURORA_KB_CONVERSATION_IDLE_MINUTES as knowledge memory.
  'chat.memory.sweep': defineJob({
    payload: z.object({}),
    retryLimit: 1,
    retryDelaySeconds: 60,
    retryBackoff: false,
    timeoutSeconds: 10 * 60,
    policy: 'short',
  }),
  // Send one investigation notification to one channel (Slack, email, webhook); the message is stored with the delivery.
  'notification.deliver': defineJob({
    payload: z.object({ orgId: z.uuid(), deliveryId: z.uuid() }),
    retryLimit: 5,
    retryDelaySeconds: 5,
    retryBackoff: true,
    timeoutSeconds: 120,
    concurrency: 4,
  }),
  // Settled notification deliveries are kept 30 days for GET /api/v1/settings/notifications/deliveries.
  'notification.deliveries.prune': defineJob({
    payload: z.object({}),
    retryLimit: 1,
    retryDelaySeconds: 60,
    retryBackoff: false,
    timeoutSeconds: 120,
    policy: 'short',
  }),
} satisfies JobCatalog;

export type AuroraJobCatalog = typeof jobCatalog;
export type JobName<Catalog extends JobCatalog = AuroraJobCatalog> = Extract<keyof Catalog, string>;
export type JobPayload<Catalog extends JobCatalog, Name extends keyof Catalog> = z.output<Catalog[Name]['payload']>;
export type JobInput<Catalog extends JobCatalog, Name extends keyof Catalog> = z.input<Catalog[Name]['payload']>;
