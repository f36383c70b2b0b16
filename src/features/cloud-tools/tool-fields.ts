import { z } from 'zod';
import { ValidationFailed } from '../../platform/errors.js';
import type { ToolContext } from '../agent/index.js';
import type { TimeWindow } from '../telemetry/index.js';
import type { CallerContext } from './connection-gateway.js';

/** Characters of JSON a tool returns; items beyond it are dropped whole (the runner's cut would break the JSON). */
export const toolOutputCapChars = 12_000;
export const listToolTimeoutMs = 30_000;

export const connectionIdField = z
  .uuid()
  .optional()
  .describe('the connection to use; needed only when the organization has several for this provider');

export const pageTokenField = z
  .string()
  .max(4096)
  .optional()
  .describe('nextPageToken from the previous call, to read the next page');

export const limitField = (max = 100, fallback = 50) =>
  z.number().int().min(1).max(max).default(fallback).describe(`items per page (at most ${max})`);

export const windowFields = {
  from: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('start of the time range (ISO 8601); default lastMinutes ago'),
  to: z.iso.datetime({ offset: true }).optional().describe('end of the time range (ISO 8601); default now'),
  lastMinutes: z
    .number()
    .int()
    .min(1)
    .max(14 * 24 * 60)
    .default(60)
    .describe('length of the range when from is not given'),
};

export function windowOf(input: { from?: string; to?: string; lastMinutes: number }): TimeWindow {
  const to = input.to ? new Date(input.to) : new Date();
  const from = input.from ? new Date(input.from) : new Date(to.getTime() - input.lastMinutes * 60_000);
  if (from.getTime() >= to.getTime()) throw new ValidationFailed('"from" must be before "to"');
  return { from, to };
}

export function callerOf(context: ToolContext): CallerContext {
  return {
    orgId: context.orgId,
    userId: context.principal?.userId || undefined,
    requestId: context.runId,
    signal: context.signal,
  };
}

export interface ToolPage<Item> {
  connection: { id: string; name: string };
  /** Where the items live, when the provider is regional (AWS) or scoped (a project, a subscription). */
  region?: string;
  scope?: string;
  items: Item[];
  /** Pass back as pageToken for more. */
  nextPageToken?: string;
  /** Items dropped to stay under the output cap; narrow the query or page with a smaller limit. */
  omitted?: number;
  note?: string;
}

/**
 * The page as the model will see it, cut item by item to stay under `cap` characters of indented JSON, so the
 * answer stays valid JSON and says how much was left out.
 */
export function fitPage<Item>(page: ToolPage<Item>, cap = toolOutputCapChars): ToolPage<Item> {
  const size = (value: unknown) => JSON.stringify(value, null, 2).length;
  if (size(page) <= cap) return page;
  const base = page.omitted ?? 0;
  const cut = (count: number): ToolPage<Item> => ({
    ...page,
    items: page.items.slice(0, count),
    omitted: base + page.items.length - count,
  });
  // The largest prefix that fits, by binary search: a few stringifications even for large pages.
  let low = 0;
  let high = page.items.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (size(cut(middle)) <= cap) low = middle;
    else high = middle - 1;
  }
  const fitted = cut(low);
  if (low === 0) fitted.note = 'the first item alone exceeds the output cap; narrow the query';
  return fitted;
}

/** Offset tokens for lists Aurora pages itself (cached listings, APIs without paging). */
export function offsetPage<Item>(
  all: Item[],
  input: { pageToken?: string; limit: number },
): { items: Item[]; nextPageToken?: string } {
  const start = input.pageToken ? Number.parseInt(input.pageToken, 10) : 0;
  if (!Number.isSafeInteger(start) || start < 0) throw new ValidationFailed('pageToken is not one this tool issued');
  const items = all.slice(start, start + input.limit);
  const next = start + input.limit;
  return { items, ...(next < all.length ? { nextPageToken: String(next) } : {}) };
}

/** Drops undefined and null fields so listings stay compact. */
export function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, field]) => field !== undefined && field !== null && field !== ''),
  ) as Partial<T>;
}
