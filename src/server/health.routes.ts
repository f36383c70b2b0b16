import { z } from 'zod';
import type { AuroraApp } from '../features/accounts/index.js';
import type { Platform } from '../platform/platform.js';
import { problemFor, sendProblem } from './http/problem-details.js';

type CheckResult = { ok: true; latencyMs: number } | { ok: false; error: string; latencyMs: number };

const checkTimeoutMs = 3_000;

/** Runs one readiness check with a deadline, so a hung dependency reads as failed rather than hanging /readyz. */
async function check(probe: () => Promise<void>): Promise<CheckResult> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${checkTimeoutMs} ms`)), checkTimeoutMs);
      }),
    ]);
    return { ok: true, latencyMs: Date.now() - started };
  } catch (error) {
    return { ok: false, error: (error as Error).message || 'failed', latencyMs: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

export async function readiness(platform: Platform): Promise<Record<string, CheckResult>> {
  const [database, queue, objects, secrets] = await Promise.all([
    check(() => platform.database.ping()),
    check(() => platform.queue.ping()),
    check(() => platform.objects.ping()),
    check(() => platform.secrets.ping()),
  ]);
  return { database, queue, objects, secrets };
}

export function registerHealthRoutes(app: AuroraApp, platform: Platform): void {
  app.get(
    '/healthz',
    {
      config: { auth: 'public' },
      logLevel: 'warn',
      schema: {
        tags: ['operations'],
        summary: 'Liveness: the process is up and serving',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { auth: 'public' },
      logLevel: 'warn',
      schema: {
        tags: ['operations'],
        summary:
          'Readiness: 200 when the database, queue, object store and secret store all answer; 503 naming the failing parts',
      },
    },
    async (request, reply) => {
      const checks = await readiness(platform);
      const failing = Object.entries(checks).filter(([, result]) => !result.ok);
      if (failing.length === 0) return { status: 'ready', checks };
      const detail = failing.map(([name, result]) => `${name}: ${result.ok ? 'ok' : result.error}`).join('; ');
      const mapped = problemFor({ statusCode: 503 }, request);
      return sendProblem(reply, {
        ...mapped,
        problem: {
          ...mapped.problem,
          title: 'Not ready',
          detail,
          code: 'not_ready',
          type: 'urn:aurora:problem:not_ready',
          checks,
        },
      });
    },
  );

  app.get(
    '/metrics',
    {
      config: { auth: 'public' },
      logLevel: 'warn',
      schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format)' },
    },
    async (_request, reply) => {
      const body = await platform.metrics.registry.metrics();
      return reply.type(platform.metrics.registry.contentType).send(body);
    },
  );
}
