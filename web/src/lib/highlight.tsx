import type { ReactNode } from 'react';

/** The words of a search query worth marking (two characters or more), longest first so "api" does not split "apis". */
export function queryTerms(query: string): string[] {
  const words = query
    .toLowerCase()
    .split(/[^\p{L}\p{N}_-]+/u)
    .filter((word) => word.length >= 2);
  return [...new Set(words)].sort((left, right) => right.length - left.length);
}

function termPattern(terms: string[]): RegExp | undefined {
  if (terms.length === 0) return undefined;
  return new RegExp(`(${terms.map((term) => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'giu');
}

/** `text` with every occurrence of the terms wrapped in <mark> (React elements, never HTML). */
export function highlight(text: string, terms: string[]): ReactNode {
  const pattern = termPattern(terms);
  if (!pattern) return text;
  const parts = text.split(pattern);
  // split() with one capture group puts the matches at the odd indexes.
  return parts.map((part, index) =>
    index % 2 === 1 ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one string never reorder
      <mark key={index} className="rounded-sm bg-amber-200 px-0.5 text-zinc-950 dark:bg-amber-400/80">
        {part}
      </mark>
    ) : (
      part
    ),
  );
}

/** Up to `length` characters of `text` around its first match, with an ellipsis where it was cut. */
export function snippetAround(text: string, terms: string[], length = 420): string {
  if (text.length <= length) return text;
  const pattern = termPattern(terms);
  const first = pattern ? text.search(pattern) : -1;
  const start = Math.max(0, Math.min(text.length - length, (first === -1 ? 0 : first) - Math.floor(length / 3)));
  const end = Math.min(text.length, start + length);
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}
