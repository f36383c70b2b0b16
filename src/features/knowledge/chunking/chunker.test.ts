import { describe, expect, it } from 'vitest';
import type { Block } from '../extraction/blocks.js';
import { chunkBlocks, countTokens } from './chunker.js';

const sentence = (index: number) => `Sentence number ${index} explains one more detail of the recovery procedure.`;
const paragraph = (from: number, count: number) =>
  Array.from({ length: count }, (_, offset) => sentence(from + offset)).join(' ');

describe('chunkBlocks', () => {
  it('fills chunks up to the token limit, overlaps them within a section, and keeps their pages', () => {
    const blocks: Block[] = [
      { kind: 'heading', level: 1, text: 'Recovery', page: 1 },
      ...Array.from({ length: 12 }, (_, index) => ({
        kind: 'paragraph' as const,
        text: paragraph(index * 10, 10),
        page: Math.floor(index / 4) + 1,
      })),
    ];
    const chunks = chunkBlocks(blocks, { maxTokens: 500, overlapTokens: 50 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.tokenCount).toBe(countTokens(chunk.text));
      expect(chunk.tokenCount).toBeLessThanOrEqual(500);
      expect(chunk.headingPath).toEqual(['Recovery']);
    }
    expect(chunks[0]?.page).toBe(1);
    expect(chunks.at(-1)?.pageEnd).toBe(3);
    // Each chunk after the first starts with (about) the last 50 tokens of the one before.
    for (let index = 1; index < chunks.length; index++) {
      const previous = chunks[index - 1]?.text ?? '';
      const overlap = (chunks[index]?.text ?? '').split('\n\n')[0] ?? '';
      expect(previous.endsWith(overlap)).toBe(true);
      expect(countTokens(overlap)).toBeGreaterThan(40);
      expect(countTokens(overlap)).toBeLessThanOrEqual(50);
    }
    // Every sentence survives somewhere.
    const all = chunks.map((chunk) => chunk.text).join('\n');
    for (let index = 0; index < 120; index++) expect(all).toContain(sentence(index));
    // Pages: a chunk's page is where its own text (after the overlap) starts; chunks run through pages 1 to 3.
    const pages = chunks.map((chunk) => chunk.page as number);
    expect(pages).toEqual([...pages].sort());
    expect(new Set(pages)).toEqual(new Set([1, 2, 3]));
    for (const chunk of chunks) {
      const ownStart = chunk.text.split('\n\n')[1] ?? '';
      const firstSentence = Number(/Sentence number (\d+)/.exec(ownStart)?.[1]);
      expect(chunk.page).toBe(Math.floor(Math.floor(firstSentence / 10) / 4) + 1);
    }
  });

  it('starts a new chunk at each heading, with the heading path, and no overlap across sections', () => {
    const chunks = chunkBlocks(
      [
        { kind: 'heading', level: 1, text: 'Database', page: 1 },
        { kind: 'paragraph', text: 'Replication lag grows.', page: 1 },
        { kind: 'heading', level: 2, text: 'Diagnosis', page: 2 },
        { kind: 'paragraph', text: 'Check pg_stat_replication.', page: 2 },
        { kind: 'heading', level: 2, text: 'Fix', page: 3 },
        { kind: 'paragraph', text: 'Restart the replica.', page: 3 },
        { kind: 'heading', level: 1, text: 'Cache', page: 4 },
        { kind: 'paragraph', text: 'Evictions spike.', page: 4 },
      ],
      { maxTokens: 500, overlapTokens: 50 },
    );
    expect(chunks.map((chunk) => [chunk.headingPath, chunk.page, chunk.text])).toEqual([
      [['Database'], 1, 'Database\n\nReplication lag grows.'],
      [['Database', 'Diagnosis'], 2, 'Diagnosis\n\nCheck pg_stat_replication.'],
      [['Database', 'Fix'], 3, 'Fix\n\nRestart the replica.'],
      [['Cache'], 4, 'Cache\n\nEvictions spike.'],
    ]);
  });

  it('never splits a code block that fits in one chunk, even when the chunk before is nearly full', () => {
    const code = Array.from({ length: 30 }, (_, index) => `kubectl -n prod describe pod web-${index}`).join('\n');
    expect(countTokens(code)).toBeLessThan(500);
    const chunks = chunkBlocks(
      [
        { kind: 'paragraph', text: paragraph(0, 25), page: 1 },
        { kind: 'code', text: code, page: 1 },
        { kind: 'paragraph', text: 'Afterwards, verify.', page: 1 },
      ],
      { maxTokens: 500, overlapTokens: 50 },
    );
    expect(chunks.filter((chunk) => chunk.text.includes(code))).toHaveLength(1);
    for (const chunk of chunks) expect(chunk.tokenCount).toBeLessThanOrEqual(500);
  });

  it('splits an oversized code block at line ends and an endless line at token boundaries', () => {
    const code = Array.from({ length: 200 }, (_, index) => `echo line ${index}`).join('\n');
    const chunks = chunkBlocks([{ kind: 'code', text: code, page: null }], { maxTokens: 100, overlapTokens: 10 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(chunk.tokenCount).toBeLessThanOrEqual(100);
    // A long run without a space is tokenized in pieces (BPE is quadratic in a word's length).
    const long = chunkBlocks([{ kind: 'paragraph', text: 'x'.repeat(100_000), page: null }], {
      maxTokens: 100,
      overlapTokens: 10,
    });
    for (const chunk of long) expect(chunk.tokenCount).toBeLessThanOrEqual(100);
    expect(long.map((chunk) => chunk.text.split('\n\n').at(-1)).join('')).toBe('x'.repeat(100_000));
  });
});
