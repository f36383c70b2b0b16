import { z } from 'zod';
import { rootCauseCategories } from '../telemetry/index.js';
import { extractCitations } from './citations.js';
import type { InvestigationReport } from './investigation.model.js';

const text = (max: number) => z.string().trim().min(1).max(max);

/** What the model must answer with (inside <report>…</report>). Parsed with safeParse: never trusted. */
export const modelReportSchema = z.object({
  verdict: z.enum(['confirmed', 'likely', 'inconclusive']),
  summary: text(2_000),
  rootCause: z.object({ service: text(200), category: z.enum(rootCauseCategories), statement: text(2_000) }).nullable(),
  impact: text(1_000).optional(),
  timeline: z
    .array(z.object({ time: text(64), text: text(500) }))
    .max(30)
    .default([]),
  ruledOut: z
    .array(z.object({ service: text(200), category: z.enum(rootCauseCategories), text: text(1_000) }))
    .max(10)
    .default([]),
  remediations: z
    .array(
      z.object({
        title: text(300),
        command: text(1_000).optional(),
        change: text(1_000).optional(),
        risk: text(500),
        undo: text(500),
      }),
    )
    .max(5)
    .optional(),
});
export type ModelReport = z.infer<typeof modelReportSchema>;

export const reportFormat = `<report>
{"verdict": "confirmed" | "likely" | "inconclusive",
 "summary": "one paragraph, citing [E#]",
 "rootCause": {"service": "...", "category": "${rootCauseCategories.join('" | "')}", "statement": "… [E#]"} | null,
 "impact": "… [E#]",
 "timeline": [{"time": "ISO time", "text": "… [E#]"}],
 "ruledOut": [{"service": "...", "category": "...", "text": "why not … [E#]"}],
 "remediations": [{"title": "...", "command": "…" (or "change": "…"), "risk": "...", "undo": "..."}]}
</report>`;

/** The JSON the model put between <report> tags (or in its last fenced block, or its last top-level object). */
export function extractReportJson(output: string): string | null {
  const tagged = /<report>([\s\S]*?)(<\/report>|$)/i.exec(output);
  if (tagged?.[1]?.trim()) return stripFence(tagged[1].trim());
  const fences = [...output.matchAll(/```(?:json)?\s*([\s\S]*?)```/g)];
  const fenced = fences.at(-1)?.[1]?.trim();
  if (fenced) return fenced;
  const start = output.indexOf('{');
  const end = output.lastIndexOf('}');
  return start >= 0 && end > start ? output.slice(start, end + 1) : null;
}

function stripFence(value: string): string {
  const fenced = /^```(?:json)?\s*([\s\S]*?)```$/.exec(value);
  return fenced?.[1]?.trim() ?? value;
}

export type ModelReportParse = { ok: true; report: ModelReport } | { ok: false; problem: string };

/** Finds and validates the model's report; every failure is a reason, never an exception. */
export function parseModelReport(output: string): ModelReportParse {
  const json = extractReportJson(output);
  if (!json) return { ok: false, problem: 'the model wrote no report' };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { ok: false, problem: `the model's report is not valid JSON (${(error as Error).message.slice(0, 120)})` };
  }
  const parsed = modelReportSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      problem: `the model's report does not match the schema (${issue?.path.join('.') || 'report'}: ${issue?.message ?? 'invalid'})`,
    };
  }
  return { ok: true, report: parsed.data };
}

const idsOf = (value: string) => [...new Set(extractCitations(value))];

/**
 * The model's report over the deterministic one: its claims replace the deterministic claims, their [E#] ids read
 * from the text. Unavailable sources stay (facts of the collection). The confidence is the model's verdict; the
 * caller lowers it if citations fail.
 */
export function mergeModelReport(deterministic: InvestigationReport, model: ModelReport): InvestigationReport {
  const confidence =
    model.rootCause === null || model.verdict === 'inconclusive'
      ? 'INCONCLUSIVE'
      : model.verdict === 'confirmed'
        ? 'CONFIRMED'
        : 'LIKELY';
  return {
    ...deterministic,
    summary: model.summary,
    rootCause: model.rootCause
      ? {
          service: model.rootCause.service,
          category: model.rootCause.category,
          statement: model.rootCause.statement,
          evidenceIds: idsOf(model.rootCause.statement),
        }
      : null,
    confidence,
    confidenceNote:
      confidence === 'CONFIRMED'
        ? 'A model examined the ranked hypotheses with tools and confirmed the root cause against the cited evidence.'
        : confidence === 'LIKELY'
          ? 'A model examined the ranked hypotheses with tools; the cited evidence supports the root cause but does not prove it.'
          : 'A model examined the ranked hypotheses with tools and could not establish a root cause from the evidence.',
    impact: model.impact ? { text: model.impact, evidenceIds: idsOf(model.impact) } : deterministic.impact,
    timeline: model.timeline.length
      ? model.timeline.map((entry) => ({ time: entry.time, text: entry.text, evidenceIds: idsOf(entry.text) }))
      : deterministic.timeline,
    ruledOut: model.ruledOut.map((entry) => ({ ...entry, evidenceIds: idsOf(entry.text) })),
    remediations: model.remediations
      ? model.remediations.map((entry) => {
          const cited = idsOf([entry.title, entry.command, entry.change].filter(Boolean).join(' '));
          // A remediation answers the root cause, so one that cites nothing rests on the root cause's evidence.
          return { ...entry, evidenceIds: cited.length > 0 ? cited : idsOf(model.rootCause?.statement ?? '') };
        })
      : deterministic.remediations,
    generatedBy: 'model',
  };
}

/** The claim text at a validateReportCitations field path (`rootCause`, `timeline[2]`, …). */
export function claimText(report: InvestigationReport, field: string): string | null {
  const indexed = /^(timeline|ruledOut|remediations)\[(\d+)\]$/.exec(field);
  if (field === 'summary') return report.summary;
  if (field === 'impact') return report.impact.text;
  if (field === 'rootCause') return report.rootCause?.statement ?? null;
  if (!indexed) return null;
  const index = Number(indexed[2]);
  if (indexed[1] === 'timeline') return report.timeline[index]?.text ?? null;
  if (indexed[1] === 'ruledOut') return report.ruledOut[index]?.text ?? null;
  const remediation = report.remediations[index];
  return remediation ? remediation.title : null;
}

/** Puts a regenerated claim back at its field, with its ids read from the new text. */
export function replaceClaim(report: InvestigationReport, field: string, value: string): InvestigationReport {
  const ids = idsOf(value);
  const indexed = /^(timeline|ruledOut|remediations)\[(\d+)\]$/.exec(field);
  if (field === 'summary') return { ...report, summary: value };
  if (field === 'impact') return { ...report, impact: { text: value, evidenceIds: ids } };
  if (field === 'rootCause' && report.rootCause)
    return { ...report, rootCause: { ...report.rootCause, statement: value, evidenceIds: ids } };
  if (!indexed) return report;
  const index = Number(indexed[2]);
  const replace = <T>(list: T[], update: (entry: T) => T) =>
    list.map((entry, position) => (position === index ? update(entry) : entry));
  if (indexed[1] === 'timeline')
    return { ...report, timeline: replace(report.timeline, (entry) => ({ ...entry, text: value, evidenceIds: ids })) };
  if (indexed[1] === 'ruledOut')
    return { ...report, ruledOut: replace(report.ruledOut, (entry) => ({ ...entry, text: value, evidenceIds: ids })) };
  return {
    ...report,
    remediations: replace(report.remediations, (entry) => ({ ...entry, title: value, evidenceIds: ids })),
  };
}

export const regenerationSchema = z.object({
  claims: z.array(z.object({ field: z.string().max(64), text: z.string().trim().min(1).max(2_000) })).max(40),
});
