import { Tiktoken } from 'js-tiktoken/lite';
import cl100kBase from 'js-tiktoken/ranks/cl100k_base';
import type { Block } from '../extraction/blocks.js';

export interface Chunk {
  ordinal: number;
  text: string;
  /** The page where the chunk's own text starts (after any overlap); null for formats without pages. */
  page: number | null;
  pageEnd: number | null;
  /** Enclosing headings, outermost first. */
  headingPath: string[];
  tokenCount: number;
}

export interface ChunkingOptions {
  maxTokens: number;
  overlapTokens: number;
}

export const defaultChunkingOptions: ChunkingOptions = { maxTokens: 500, overlapTokens: 50 };

interface Unit {
  text: string;
  tokens: number;
  page: number | null;
  overlap?: boolean;
}

let encoder: Tiktoken | undefined;
/** cl100k_base: the tokenizer of the OpenAI embedding models, and a fair proxy for others. */
export function tokenizer(): Tiktoken {
  encoder ??= new Tiktoken(cl100kBase);
  return encoder;
}

/**
 * BPE cost grows with the square of a word's length, so a pathological "word" (a megabyte without spaces) would
 * stall the tokenizer; runs of 64+ non-space characters are encoded in 32-character pieces.
 */
export function encode(text: string): number[] {
  if (!/\S{64}/.test(text)) return tokenizer().encode(text);
  const tokens: number[] = [];
  for (const piece of text.match(/\S{1,32}|\s+/g) ?? []) tokens.push(...tokenizer().encode(piece));
  return tokens;
}

export const countTokens = (text: string) => encode(text).length;

/**
 * Splits blocks into chunks of at most `maxTokens` tokens. A heading always starts a new chunk (chunks never
 * span sections) and sets the heading path; within a section, a chunk that had to end because it was full is
 * followed by one that repeats its last `overlapTokens` tokens. Code blocks are never split when they fit in
 * one chunk; longer ones split at line ends, paragraphs at sentence ends, and only a single overlong line or
 * sentence is cut at a token boundary.
 */
export function chunkBlocks(blocks: readonly Block[], options: ChunkingOptions = defaultChunkingOptions): Chunk[] {
  const { maxTokens } = options;
  const overlapTokens = Math.min(options.overlapTokens, Math.floor(maxTokens / 2));
  const chunks: Chunk[] = [];
  const headings: Array<{ level: number; text: string }> = [];
  let units: Unit[] = [];
  let used = 0;

  const emit = (): string | undefined => {
    const own = units.filter((unit) => !unit.overlap);
    if (own.length === 0) {
      units = [];
      used = 0;
      return undefined;
    }
    const text = units.map((unit) => unit.text).join('\n\n');
    const pages = own.map((unit) => unit.page).filter((page): page is number => page !== null);
    chunks.push({
      ordinal: chunks.length,
      text,
      page: pages[0] ?? null,
      pageEnd: pages.at(-1) ?? null,
      headingPath: headings.map((heading) => heading.text),
      tokenCount: countTokens(text),
    });
    units = [];
    used = 0;
    return text;
  };

  const add = (unit: Unit) => {
    const separator = units.length > 0 ? 1 : 0;
    if (used + separator + unit.tokens > maxTokens && units.some((existing) => !existing.overlap)) {
      const previous = emit();
      const tail = previous && overlapTokens > 0 ? overlapTail(previous, overlapTokens) : undefined;
      // The overlap gives way when keeping it would split the next unit.
      if (tail && tail.tokens + 1 + unit.tokens <= maxTokens) {
        units.push({ text: tail.text, tokens: tail.tokens, page: unit.page, overlap: true });
        used = tail.tokens;
      }
    }
    used += (units.length > 0 ? 1 : 0) + unit.tokens;
    units.push(unit);
  };

  for (const block of blocks) {
    if (block.kind === 'heading') {
      emit();
      while (headings.length > 0 && (headings.at(-1)?.level ?? 0) >= block.level) headings.pop();
      headings.push({ level: block.level, text: block.text });
      add({ text: block.text, tokens: countTokens(block.text), page: block.page });
      continue;
    }
    for (const piece of splitBlock(block, maxTokens)) add({ ...piece, page: block.page });
  }
  emit();
  return chunks;
}

function overlapTail(text: string, count: number): { text: string; tokens: number } | undefined {
  const tokens = encode(text);
  if (tokens.length <= count) return undefined;
  // A token boundary can fall inside a multi-byte character; drop the broken start and any partial word.
  const decoded = tokenizer()
    .decode(tokens.slice(-count))
    .replace(/^\uFFFD+/, '');
  const tail = decoded.replace(/^\S*\s+/, '').trim() || decoded.trim();
  if (!tail) return undefined;
  return { text: tail, tokens: countTokens(tail) };
}

/** A block as pieces of at most `maxTokens` tokens (one piece when it fits). */
function splitBlock(
  block: Exclude<Block, { kind: 'heading' }>,
  maxTokens: number,
): Array<{ text: string; tokens: number }> {
  // No token is longer than 16 characters in practice, so a longer text cannot fit; skip counting it whole.
  if (block.text.length <= maxTokens * 16) {
    const tokens = countTokens(block.text);
    if (tokens <= maxTokens) return [{ text: block.text, tokens }];
  }
  const parts = block.kind === 'code' ? block.text.split('\n') : splitSentences(block.text);
  const joiner = block.kind === 'code' ? '\n' : ' ';
  const pieces: Array<{ text: string; tokens: number }> = [];
  let current: string[] = [];
  let currentTokens = 0;
  const flush = () => {
    if (current.length > 0) {
      const text = current.join(joiner);
      pieces.push({ text, tokens: countTokens(text) });
    }
    current = [];
    currentTokens = 0;
  };
  for (const part of parts) {
    const partTokens = countTokens(part);
    if (partTokens > maxTokens) {
      flush();
      pieces.push(...tokenWindows(part, maxTokens));
      continue;
    }
    if (currentTokens + partTokens + 1 > maxTokens) flush();
    current.push(part);
    currentTokens += partTokens + 1;
  }
  flush();
  return pieces;
}

function splitSentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+(?=[A-Z0-9"'([])|\n+/).filter((sentence) => sentence.trim() !== '');
}

function tokenWindows(text: string, size: number): Array<{ text: string; tokens: number }> {
  const tokens = encode(text);
  const windows: Array<{ text: string; tokens: number }> = [];
  for (let start = 0; start < tokens.length; start += size) {
    const slice = tokens.slice(start, start + size);
    windows.push({ text: tokenizer().decode(slice), tokens: slice.length });
  }
  return windows;
}
