import { scalarText } from './normalize.js';

/**
 * Timestamps arrive as ISO 8601 strings (Alertmanager, PagerDuty, Sentry, CloudWatch's `+0000` offsets), RFC 1123
 * strings, epoch seconds (Sentry `received`), epoch milliseconds (Datadog `$DATE`, Opsgenie `createdAt`) and epoch
 * nanoseconds (Opsgenie `updatedAt`), as numbers or numeric strings. Anything else, and anything outside
 * 2000–9999 (Alertmanager's `0001-01-01T00:00:00Z` means "unset"), is absent: callers fall back to the time the
 * delivery was received, so an alert never carries an Invalid Date.
 */

// Nothing a monitoring tool sends predates 2000; earlier values are zero-ish garbage, not history.
const earliest = Date.UTC(2000, 0, 1);
const latest = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const isoDate = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const rfc1123Date = /^[A-Za-z]{3}, \d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} (GMT|UTC|[+-]\d{4})$/;
const numeric = /^-?\d{1,20}(\.\d+)?$/;

export function parseTimestamp(value: unknown): Date | null {
  if (value instanceof Date) return inRange(value.getTime());
  if (typeof value === 'number') return fromEpoch(value);
  const text = scalarText(value)?.trim();
  if (!text || text.length > 40) return null;
  if (numeric.test(text)) return fromEpoch(Number(text));
  if (!isoDate.test(text) && !rfc1123Date.test(text)) return null;
  // V8 parses a date-only or offset-less ISO string as local time only for date-time forms; pin those to UTC.
  const hasZone = /(Z|[+-]\d{2}:?\d{2}|GMT|UTC)$/i.test(text) || /^\d{4}-\d{2}-\d{2}$/.test(text);
  return inRange(Date.parse(hasZone ? text : `${text.replace(' ', 'T')}Z`));
}

export function timestampOr(value: unknown, fallback: Date): Date {
  return parseTimestamp(value) ?? new Date(fallback.getTime());
}

function fromEpoch(value: number): Date | null {
  if (!Number.isFinite(value) || value <= 0) return null;
  // Unit by magnitude: seconds until the year 5138, then milliseconds, microseconds, nanoseconds.
  let milliseconds: number;
  if (value < 1e11) milliseconds = value * 1000;
  else if (value < 1e14) milliseconds = value;
  else if (value < 1e17) milliseconds = value / 1000;
  else milliseconds = value / 1e6;
  return inRange(Math.round(milliseconds));
}

function inRange(milliseconds: number): Date | null {
  if (!Number.isFinite(milliseconds) || milliseconds < earliest || milliseconds > latest) return null;
  return new Date(milliseconds);
}
