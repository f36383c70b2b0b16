import { ValidationFailed } from '../../../platform/errors.js';
import type { AlertLinks } from '../alert.model.js';

/**
 * Shared readers for untrusted webhook bodies. Every reader accepts `unknown` and never throws anything but
 * ValidationFailed, so a parser built from them cannot fail with a TypeError on hostile input. Over-long text is
 * truncated rather than rejected: a monitoring tool that sends a 2 MB description should still page someone.
 */

export const limits = {
  title: 500,
  description: 10_000,
  annotationValue: 10_000,
  labelKey: 256,
  labelValue: 1_000,
  labelCount: 256,
  identifier: 256,
  url: 4_096,
  groupKey: 1_024,
} as const;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws the one error type the HTTP layer maps to 400, naming the field the way a user would write it. */
export function fail(field: string, problem = 'is required'): never {
  throw new ValidationFailed(`${field} ${problem}`, { field });
}

export function requireRecord(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) fail(field);
  if (!isRecord(value)) fail(field, 'must be an object');
  return value;
}

export function requireArray(value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) fail(field);
  if (!Array.isArray(value)) fail(field, 'must be an array');
  return value;
}

export function recordOrEmpty(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/** Strings as-is, finite numbers and booleans as text; anything else (objects, NaN, null) is absent. */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/** Cuts at `max` UTF-16 units without leaving half a surrogate pair behind. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.charCodeAt(max - 1);
  const end = cut >= 0xd800 && cut <= 0xdbff ? max - 1 : max;
  return text.slice(0, end);
}

// PostgreSQL text and jsonb reject NUL, and titles are rendered on one line.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const lineControlCharacters = /[\u0000-\u001f\u007f]+/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const textControlCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

const loneSurrogates = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Replaces unpaired UTF-16 surrogates with U+FFFD: they break encodeURIComponent, and PostgreSQL rejects them in
 * jsonb (`\ud800` escapes), so no normalised string may carry one.
 */
export function wellFormed(text: string): string {
  // String.prototype.isWellFormed (V8 11.3+, so Node 20) is a native scan; ES2023 typings do not know it yet.
  const native = text as string & { isWellFormed?: () => boolean };
  if (native.isWellFormed?.() === true) return text;
  return text.replace(loneSurrogates, '\ufffd');
}

/** One line of display text (titles, ids, label keys): control characters become spaces, runs of space collapse. */
export function cleanLine(value: unknown, max: number): string | null {
  const text = scalarText(value);
  if (text === undefined) return null;
  // Pre-cut so a multi-megabyte string costs no more than a short one.
  const cleaned = wellFormed(text.slice(0, max * 4))
    .replace(lineControlCharacters, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
  return cleaned === '' ? null : truncate(cleaned, max);
}

/** Multi-line text (descriptions, annotation values): keeps tabs and newlines, drops other control characters. */
export function cleanText(value: unknown, max: number): string | null {
  const text = scalarText(value);
  if (text === undefined) return null;
  const cleaned = wellFormed(text.slice(0, max * 2))
    .replace(textControlCharacters, '')
    .trim();
  return cleaned === '' ? null : truncate(cleaned, max);
}

/** Like cleanLine, but also treats an unrendered template variable (`$ALERT_ID`, `{{ .x }}`) as absent. */
export function templateValue(value: unknown, max: number): string | null {
  const text = cleanLine(value, max);
  if (text === null) return null;
  if (/^\$[A-Z][A-Z0-9_]*$/.test(text) || /^\{\{.*\}\}$/.test(text)) return null;
  return text;
}

/**
 * A flat string map from an object: scalar values become text, nested values are skipped, and the number and size
 * of entries are capped. `__proto__` is skipped so a label can never change the record's prototype.
 */
export function toStringRecord(value: unknown, kind: 'labels' | 'annotations' = 'labels'): Record<string, string> {
  const result: Record<string, string> = {};
  if (!isRecord(value)) return result;
  let count = 0;
  for (const [rawKey, rawValue] of Object.entries(value)) {
    if (count >= limits.labelCount) break;
    const key = cleanLine(rawKey, limits.labelKey);
    if (key === null || key === '__proto__') continue;
    // Annotations hold prose (descriptions, runbooks) and keep their newlines; labels are identifiers.
    const text =
      kind === 'annotations' ? cleanText(rawValue, limits.annotationValue) : cleanLine(rawValue, limits.labelValue);
    if (text === null) continue;
    result[key] = text;
    count += 1;
  }
  return result;
}

/** Only absolute http(s) URLs survive, so a payload cannot plant a `javascript:` link in the UI. */
export function safeUrl(value: unknown): string | undefined {
  const text = scalarText(value)?.trim();
  if (!text || text.length > limits.url || text !== wellFormed(text)) return undefined;
  if (!/^https?:\/\//i.test(text)) return undefined;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? text : undefined;
  } catch {
    return undefined;
  }
}

export function compactLinks(links: AlertLinks): AlertLinks {
  const result: AlertLinks = {};
  if (links.generator) result.generator = links.generator;
  if (links.dashboard) result.dashboard = links.dashboard;
  if (links.runbook) result.runbook = links.runbook;
  if (links.silence) result.silence = links.silence;
  return result;
}

/** First value that is present, in order. */
export function firstOf<T>(...values: (T | null | undefined)[]): T | null {
  for (const value of values) {
    if (value !== null && value !== undefined) return value;
  }
  return null;
}

/** `key:value` tags (Datadog, Opsgenie) as a map; the first occurrence of a key wins. Bare tags map to ''. */
export function tagsToRecord(tags: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const tag of tags.slice(0, limits.labelCount)) {
    const separator = tag.indexOf(':');
    const key = cleanLine(separator === -1 ? tag : tag.slice(0, separator), limits.labelKey);
    if (key === null || key === '__proto__' || key in result) continue;
    result[key] = separator === -1 ? '' : (cleanLine(tag.slice(separator + 1), limits.labelValue) ?? '');
  }
  return result;
}

/** Tags from an array of strings or a comma-separated string, cleaned and capped. */
export function readTags(value: unknown): string[] {
  const items = Array.isArray(value)
    ? value.slice(0, limits.labelCount * 4)
    : (scalarText(value)?.slice(0, 100_000).split(',') ?? []);
  const tags: string[] = [];
  for (const item of items) {
    const tag = cleanLine(item, limits.labelKey + limits.labelValue + 1);
    if (tag !== null) tags.push(tag);
    if (tags.length >= limits.labelCount) break;
  }
  return tags;
}
