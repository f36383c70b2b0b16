import type { Severity } from '../alert.model.js';
import { cleanLine } from './normalize.js';

/**
 * Shared vocabulary for severity words. Each source decides which field it reads and what its default is (see the
 * table at the top of each *.source.ts); this maps the words those fields commonly hold.
 *
 * | words                                                                | severity |
 * |----------------------------------------------------------------------|----------|
 * | critical, crit, page, fatal, emergency, emerg, disaster, p0, p1, sev0, sev1 | critical |
 * | high, error, err, major, urgent, p2, sev2                            | high     |
 * | warning, warn, medium, moderate, minor, average, p3, sev3            | warning  |
 * | info, informational, notice, low, none, debug, ok, success, p4, p5, sev4, sev5 | info |
 *
 * Matching ignores case and a `-`/`_`/space between letters and digits (`SEV-1`, `P 2`).
 */
const words: Record<string, Severity> = {
  critical: 'critical',
  crit: 'critical',
  page: 'critical',
  fatal: 'critical',
  emergency: 'critical',
  emerg: 'critical',
  disaster: 'critical',
  p0: 'critical',
  p1: 'critical',
  sev0: 'critical',
  sev1: 'critical',
  high: 'high',
  error: 'high',
  err: 'high',
  major: 'high',
  urgent: 'high',
  p2: 'high',
  sev2: 'high',
  warning: 'warning',
  warn: 'warning',
  medium: 'warning',
  moderate: 'warning',
  minor: 'warning',
  average: 'warning',
  p3: 'warning',
  sev3: 'warning',
  info: 'info',
  informational: 'info',
  notice: 'info',
  low: 'info',
  none: 'info',
  debug: 'info',
  ok: 'info',
  success: 'info',
  p4: 'info',
  p5: 'info',
  sev4: 'info',
  sev5: 'info',
};

export function severityFromWord(value: unknown): Severity | null {
  const text = cleanLine(value, 40)?.toLowerCase();
  if (!text) return null;
  const compact = text.replace(/[\s_-]+/g, '');
  return words[compact] ?? null;
}

/** P1–P5 (Opsgenie, Datadog `$ALERT_PRIORITY`, PagerDuty priority names) or a bare 1–5. */
export function severityFromPriority(value: unknown): Severity | null {
  const text = cleanLine(value, 40)?.toLowerCase();
  if (!text) return null;
  const match = /^p?\s*([0-5])$/.exec(text);
  if (!match) return severityFromWord(text);
  return words[`p${match[1]}`] ?? null;
}
