import type { InvestigationReport } from './investigation.model.js';

/** `[E3]`, `[E3, E7]`; anything else in brackets starting with E (e.g. `[E]`, `[E3a]`) is a malformed citation. */
const bracketPattern = /\[(E[^\]]*)\]/g;
const idPattern = /^E\d+$/;

export interface CitationCheck {
  valid: boolean;
  cited: string[];
  /** Ids that name no stored evidence (or are malformed). */
  unknown: string[];
}

export function extractCitations(text: string): string[] {
  const ids: string[] = [];
  for (const match of text.matchAll(bracketPattern)) {
    for (const part of (match[1] ?? '').split(',')) ids.push(part.trim());
  }
  return ids;
}

/** Checks every `[E#]` in `text` against the stored evidence ids. A claim with an unknown id is invalid. */
export function validateCitations(text: string, evidenceIds: Iterable<string>): CitationCheck {
  const known = new Set(evidenceIds);
  const cited = extractCitations(text);
  const unknown = [...new Set(cited.filter((id) => !idPattern.test(id) || !known.has(id)))];
  return { valid: unknown.length === 0, cited: [...new Set(cited)], unknown };
}

export interface ReportCitationProblem {
  /** Where in the report: `rootCause`, `timeline[2]`, `remediations[0]`, … */
  field: string;
  unknown: string[];
  /** True when the claim cites nothing at all (every claim must cite evidence). */
  uncited: boolean;
}

function claimsOf(report: InvestigationReport): Array<{ field: string; text: string; ids: string[] }> {
  const claims: Array<{ field: string; text: string; ids: string[] }> = [
    { field: 'summary', text: report.summary, ids: [] },
    { field: 'impact', text: report.impact.text, ids: report.impact.evidenceIds },
  ];
  if (report.rootCause) {
    claims.push({ field: 'rootCause', text: report.rootCause.statement, ids: report.rootCause.evidenceIds });
  }
  for (const [index, entry] of report.timeline.entries()) {
    claims.push({ field: `timeline[${index}]`, text: entry.text, ids: entry.evidenceIds });
  }
  for (const [index, entry] of report.ruledOut.entries()) {
    claims.push({ field: `ruledOut[${index}]`, text: entry.text, ids: entry.evidenceIds });
  }
  for (const [index, entry] of report.remediations.entries()) {
    claims.push({
      field: `remediations[${index}]`,
      text: [entry.title, entry.command, entry.change, entry.risk, entry.undo].filter(Boolean).join(' '),
      ids: entry.evidenceIds,
    });
  }
  return claims;
}

/** Every citation problem in a report: unknown ids in the text or the id lists, and claims citing nothing. */
export function validateReportCitations(
  report: InvestigationReport,
  evidenceIds: Iterable<string>,
): ReportCitationProblem[] {
  const known = [...evidenceIds];
  const problems: ReportCitationProblem[] = [];
  for (const claim of claimsOf(report)) {
    const inText = validateCitations(claim.text, known);
    const listed = validateCitations(claim.ids.map((id) => `[${id}]`).join(' '), known);
    const unknown = [...new Set([...inText.unknown, ...listed.unknown])];
    // The summary and the impact may be citation-free prose; the root cause and every list entry must cite.
    const mustCite = claim.field !== 'summary' && claim.field !== 'impact';
    const uncited = mustCite && inText.cited.length === 0 && claim.ids.length === 0;
    if (unknown.length > 0 || uncited) problems.push({ field: claim.field, unknown, uncited });
  }
  return problems;
}

/**
 * Drops every claim that cites evidence that does not exist (the model loop regenerates a claim once before calling
 * this). Losing the root cause lowers the confidence to INCONCLUSIVE; losing a supporting claim lowers CONFIRMED to
 * LIKELY.
 */
export function enforceCitations(report: InvestigationReport, evidenceIds: Iterable<string>): InvestigationReport {
  const problems = validateReportCitations(report, evidenceIds);
  if (problems.length === 0) return report;
  const bad = new Set(problems.map((problem) => problem.field));
  const dropped = problems.map(
    (problem) =>
      `${problem.field}: ${problem.uncited ? 'cites no evidence' : `cites unknown evidence ${problem.unknown.join(', ')}`}`,
  );
  const next: InvestigationReport = {
    ...report,
    timeline: report.timeline.filter((_, index) => !bad.has(`timeline[${index}]`)),
    ruledOut: report.ruledOut.filter((_, index) => !bad.has(`ruledOut[${index}]`)),
    remediations: report.remediations.filter((_, index) => !bad.has(`remediations[${index}]`)),
    droppedClaims: [...report.droppedClaims, ...dropped],
  };
  if (bad.has('summary')) next.summary = 'The summary cited evidence that does not exist and was withdrawn.';
  if (bad.has('impact'))
    next.impact = { text: 'Impact not established: its claim cited unknown evidence.', evidenceIds: [] };
  if (bad.has('rootCause')) {
    next.rootCause = null;
    next.confidence = 'INCONCLUSIVE';
    next.confidenceNote = `${report.confidenceNote} The root-cause claim cited evidence that does not exist and was dropped.`;
  } else if (report.confidence === 'CONFIRMED') {
    next.confidence = 'LIKELY';
    next.confidenceNote = `${report.confidenceNote} A supporting claim cited unknown evidence and was dropped.`;
  }
  return next;
}
