import { z } from 'zod';
import { changeKinds, logLevels } from '../telemetry.model.js';

/**
 * The scenario directory format (`eval/scenarios/<name>/scenario.yaml`), as issue 8 specifies it. Unknown keys are
 * rejected so a typo (`topolgy:`) is an error rather than a silently empty section.
 */

export const rootCauseCategories = [
  'deploy',
  'config',
  'resource_exhaustion',
  'dependency',
  'capacity',
  'network',
  'certificate',
  'data',
  'infrastructure',
] as const;
export type RootCauseCategory = (typeof rootCauseCategories)[number];

/** YAML turns unquoted ISO times into strings (the core schema has no timestamp type), but accept Date too. */
const time = z.union([z.string(), z.date()]).transform((value, context) => {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    context.addIssue({ code: 'custom', message: `"${String(value)}" is not an ISO time` });
    return z.NEVER;
  }
  return date;
});

const name = z.string().min(1).max(200);

export const redHerringKinds = ['innocent_deploy', 'noisy_neighbour', 'symptom_upstream', 'other'] as const;

export const scenarioFileSchema = z
  .object({
    title: z.string().min(1),
    source: z.string().min(1),
    alert: z.string().min(1),
    now: time,
    topology: z
      .object({
        services: z.array(z.object({ name, kind: name }).strict()).min(1),
        dependencies: z.array(z.tuple([name, name])).default([]),
      })
      .strict(),
    changes: z
      .array(
        z
          .object({
            time,
            service: name,
            kind: z.enum(changeKinds),
            summary: z.string().min(1),
            author: z.string().optional(),
            ref: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
    metrics: z
      .array(
        z
          .object({
            service: name,
            name,
            unit: z.string().optional(),
            points: z.array(z.tuple([time, z.number().finite()])).min(1),
          })
          .strict(),
      )
      .default([]),
    logs: z
      .array(z.object({ time, service: name, level: z.enum(logLevels), message: z.string() }).strict())
      .default([]),
    kubernetes: z
      .object({
        pods: z
          .array(
            z
              .object({
                namespace: name,
                name,
                service: name,
                phase: name,
                restarts: z.number().int().nonnegative(),
                reason: z.string().optional(),
                lastTerminationReason: z.string().optional(),
              })
              .strict(),
          )
          .default([]),
        events: z
          .array(
            z.object({ time, namespace: name, object: name, reason: name, message: z.string(), type: name }).strict(),
          )
          .default([]),
      })
      .strict()
      .default({ pods: [], events: [] }),
    expected: z
      .object({
        service: name,
        category: z.enum(rootCauseCategories),
        keywords: z.array(z.string().min(1)).default([]),
        forbidden: z.array(z.string().min(1)).default([]),
      })
      .strict(),
    /**
     * Aurora's one extension to the format, read only by the eval harness: which decoys the scenario plants, so the
     * harness can report the ranker against the naive baseline on red-herring scenarios. The engine never sees it.
     */
    redHerrings: z
      .array(z.object({ kind: z.enum(redHerringKinds), service: name, note: z.string().optional() }).strict())
      .default([]),
  })
  .strict();

export type ScenarioFile = z.infer<typeof scenarioFileSchema>;
