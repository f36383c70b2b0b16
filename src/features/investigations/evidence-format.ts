import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  alertSignalSchema,
  changeRecordSchema,
  logRecordSchema,
  metricSeriesSchema,
  topologyGraphSchema,
  workloadStateSchema,
} from '../telemetry/index.js';
import type { EvidenceData, EvidencePort } from './investigation.model.js';
import { errorTemplate } from './signals.js';

/** Tool output stays capped: excerpts are what reports quote and what a model will read. */
export const excerptLimit = 2_000;
export const storedLogLinesLimit = 500;

const similarIncidentSchema = z.object({
  id: z.string(),
  title: z.string(),
  service: z.string(),
  category: z.enum([
    'deploy',
    'config',
    'resource_exhaustion',
    'dependency',
    'capacity',
    'network',
    'certificate',
    'data',
    'infrastructure',
  ]),
  similarity: z.number().min(0).max(1),
  resolvedAt: z.coerce.date().optional(),
});

const runbookPassageSchema = z.object({
  documentId: z.string(),
  title: z.string(),
  kind: z.string(),
  page: z.number().int().nullable(),
  headingPath: z.array(z.string()),
  text: z.string(),
  score: z.number(),
});

/** Validates a port's raw answer; anything else becomes an `invalid` evidence item instead of reaching the ranker. */
export function readAnswer(port: EvidencePort, raw: unknown): { data: EvidenceData } | { problem: string } {
  const parsed = (() => {
    switch (port) {
      case 'topology':
        return topologyGraphSchema.safeParse(raw);
      case 'changes':
        return z.array(changeRecordSchema).safeParse(raw);
      case 'metrics':
        return z.array(metricSeriesSchema).safeParse(raw);
      case 'logs':
        return z.array(logRecordSchema).safeParse(raw);
      case 'kubernetes':
        return workloadStateSchema.safeParse(raw);
      case 'alerts':
        return z.array(alertSignalSchema).safeParse(raw);
      case 'similar_incidents':
        return z.array(similarIncidentSchema).safeParse(raw);
      case 'runbooks':
        return z.array(runbookPassageSchema).safeParse(raw);
    }
  })();
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'the answer';
    return { problem: `${where}: ${issue?.message ?? 'unreadable'}` };
  }
  const value = parsed.data as never;
  switch (port) {
    case 'topology':
      return { data: { port, graph: value } };
    case 'changes':
      return { data: { port, changes: value } };
    case 'metrics':
      return { data: { port, series: value } };
    case 'logs': {
      const lines = [...(value as z.infer<typeof logRecordSchema>[])].sort(
        (left, right) => left.time.getTime() - right.time.getTime(),
      );
      return {
        data: { port, lines: lines.slice(-storedLogLinesLimit), truncated: lines.length > storedLogLinesLimit },
      };
    }
    case 'kubernetes':
      return { data: { port, workload: value } };
    case 'alerts':
      return { data: { port, alerts: value } };
    case 'similar_incidents':
      return { data: { port, incidents: value } };
    case 'runbooks':
      return { data: { port, passages: value } };
  }
}

export function isEmptyAnswer(data: EvidenceData): boolean {
  switch (data.port) {
    case 'topology':
      return data.graph.services.length === 0;
    case 'changes':
      return data.changes.length === 0;
    case 'metrics':
      return data.series.every((series) => series.points.length === 0);
    case 'logs':
      return data.lines.length === 0;
    case 'kubernetes':
      return (
        data.workload.pods.length === 0 && data.workload.events.length === 0 && data.workload.rollouts.length === 0
      );
    case 'alerts':
      return data.alerts.length === 0;
    case 'similar_incidents':
      return data.incidents.length === 0;
    case 'runbooks':
      return data.passages.length === 0;
  }
}

const time = (at: Date | number) => new Date(at).toISOString().replace(':00.000Z', 'Z').replace('.000Z', 'Z');

function round(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 100 ? value.toFixed(0) : magnitude >= 1 ? value.toFixed(2) : value.toPrecision(3);
}

export function cap(text: string, limit = excerptLimit): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 20)}\n… (truncated)`;
}

/** A short human-readable summary of an answer: the excerpt stored with the evidence item. */
export function excerptOf(data: EvidenceData): string {
  switch (data.port) {
    case 'topology':
      return cap(
        `${data.graph.services.length} services (${data.graph.services.map((service) => `${service.name}:${service.kind}`).join(', ')}); ` +
          `dependencies: ${data.graph.dependencies.map(([from, to]) => `${from} → ${to}`).join(', ') || 'none'}`,
      );
    case 'changes':
      return cap(
        data.changes.length === 0
          ? 'no changes in the window'
          : data.changes
              .map(
                (change) =>
                  `${time(change.time)} ${change.kind} ${change.service}: ${change.summary}${change.author ? ` (by ${change.author})` : ''}${change.ref ? ` [${change.ref}]` : ''}`,
              )
              .join('\n'),
      );
    case 'metrics':
      return cap(
        data.series.length === 0
          ? 'no series'
          : data.series
              .map((series) => {
                const values = series.points.map(([, value]) => value);
                if (values.length === 0) return `${series.name}: no points`;
                const sorted = [...values].sort((a, b) => a - b);
                const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
                let peakIndex = 0;
                values.forEach((value, index) => {
                  if (Math.abs(value - median) > Math.abs((values[peakIndex] ?? 0) - median)) peakIndex = index;
                });
                const peak = series.points[peakIndex];
                const last = series.points[series.points.length - 1];
                return `${series.name}${series.unit ? ` (${series.unit})` : ''}: ${values.length} points, median ${round(median)}, most deviant ${round(peak?.[1] ?? 0)} at ${time(peak?.[0] ?? 0)}, last ${round(last?.[1] ?? 0)} at ${time(last?.[0] ?? 0)}`;
              })
              .join('\n'),
      );
    case 'logs': {
      if (data.lines.length === 0) return 'no matching log lines';
      const groups = new Map<string, { count: number; level: string; first: Date; sample: string }>();
      for (const line of data.lines) {
        const key = `${line.level} ${errorTemplate(line.message)}`;
        const group = groups.get(key);
        if (group) group.count += 1;
        else groups.set(key, { count: 1, level: line.level, first: line.time, sample: line.message });
      }
      const rows = [...groups.values()]
        .sort((left, right) => right.count - left.count)
        .slice(0, 15)
        .map(
          (group) =>
            `${group.count}× ${group.level.toUpperCase()} (first ${time(group.first)}) ${group.sample.slice(0, 240)}`,
        );
      return cap(`${data.lines.length} lines${data.truncated ? ' (latest kept)' : ''}\n${rows.join('\n')}`);
    }
    case 'kubernetes': {
      const { pods, events, rollouts } = data.workload;
      const podLines = pods.map(
        (pod) =>
          `pod ${pod.namespace}/${pod.name} ${pod.phase} restarts=${pod.restarts}${pod.reason ? ` reason=${pod.reason}` : ''}${pod.lastTerminationReason ? ` lastTermination=${pod.lastTerminationReason}` : ''}`,
      );
      const eventLines = events
        .slice(-20)
        .map(
          (event) =>
            `${time(event.time)} ${event.type} ${event.reason} ${event.object}: ${event.message.slice(0, 200)}`,
        );
      const rolloutLines = rollouts.map(
        (rollout) =>
          `revision ${rollout.revision} at ${time(rollout.time)}${rollout.image ? ` image ${rollout.image}` : ''}`,
      );
      const lines = [...podLines, ...eventLines, ...rolloutLines];
      return cap(lines.length === 0 ? 'no pods, events or rollouts' : lines.join('\n'));
    }
    case 'alerts':
      return cap(
        data.alerts.length === 0
          ? 'no alerts'
          : data.alerts
              .map(
                (alert) =>
                  `${time(alert.time)} ${alert.status} ${alert.severity} ${alert.service ?? '(no service)'}: ${alert.title}`,
              )
              .join('\n'),
      );
    case 'similar_incidents':
      return cap(
        data.incidents.length === 0
          ? 'no similar past incidents'
          : data.incidents
              .map(
                (incident) =>
                  `${incident.id} (${(incident.similarity * 100).toFixed(0)}% similar): ${incident.title} → ${incident.service} ${incident.category}`,
              )
              .join('\n'),
      );
    case 'runbooks':
      return cap(
        data.passages.length === 0
          ? 'no matching runbooks or postmortems'
          : data.passages
              .map(
                (passage) =>
                  `${passage.kind} "${passage.title}"${passage.page ? ` p.${passage.page}` : ''}${passage.headingPath.length > 0 ? ` › ${passage.headingPath.join(' › ')}` : ''}: ${passage.text.replace(/\s+/g, ' ').slice(0, 400)}`,
              )
              .join('\n'),
      );
  }
}

/** JSON with sorted keys, so equal answers hash equally whatever order a backend returned fields in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, entry: unknown) => {
    if (entry && typeof entry === 'object' && !Array.isArray(entry)) {
      return Object.fromEntries(Object.entries(entry as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)));
    }
    return entry;
  });
}

export function hashEvidence(parts: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('hex');
}
