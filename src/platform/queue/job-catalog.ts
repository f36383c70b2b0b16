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
  'investigation.run': defineJob({
    payload: z.object({
      orgId: z.uuid(),
      incidentId: z.uuid(),
      reason: z.string().max(200).optional(),
    }),
    retryLimit: 3,
    retryDelaySeconds: 15,
    retryBackoff: true,
    timeoutSeconds: 15 * 60,
    policy: 'stately',
    concurrency: 2,
  }),
  'accounts.sessions.cleanup': defineJob({
    payload: z.object({}),
    retryLimit: 1,
    retryDelaySeconds: 60,
    retryBackoff: false,
    timeoutSeconds: 60,
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
} satisfies JobCatalog;

export type AuroraJobCatalog = typeof jobCatalog;
export type JobName<Catalog extends JobCatalog = AuroraJobCatalog> = Extract<keyof Catalog, string>;
export type JobPayload<Catalog extends JobCatalog, Name extends keyof Catalog> = z.output<Catalog[Name]['payload']>;
export type JobInput<Catalog extends JobCatalog, Name extends keyof Catalog> = z.input<Catalog[Name]['payload']>;
