import { describe, expect, it } from 'vitest';
import { ThoughtStream } from './thought-stream.js';

function collect(deltas: string[], end = true): string[] {
  const sentences: string[] = [];
  const stream = new ThoughtStream((sentence) => sentences.push(sentence));
  for (const delta of deltas) stream.push(delta);
  if (end) stream.end();
  return sentences;
}

describe('ThoughtStream', () => {
  it('releases whole sentences only, at their boundary', () => {
    const sentences: string[] = [];
    const stream = new ThoughtStream((sentence) => sentences.push(sentence));
    stream.push('Checkout errors start at 10:02');
    expect(sentences).toEqual([]);
    stream.push('. The deploy of v2.14.0 landed');
    expect(sentences).toEqual(['Checkout errors start at 10:02.']);
    stream.push(' at 10:00! Next');
    expect(sentences).toEqual(['Checkout errors start at 10:02.', 'The deploy of v2.14.0 landed at 10:00!']);
    stream.end();
    expect(sentences.at(-1)).toBe('Next');
  });

  it('keeps version numbers and decimals inside a sentence', () => {
    expect(collect(['Latency rose from 0.2s to 3.5s after v2.14.0 shipped. Done.'])).toEqual([
      'Latency rose from 0.2s to 3.5s after v2.14.0 shipped.',
      'Done.',
    ]);
  });

  it('stops at the report marker, even when it is split across deltas', () => {
    expect(collect(['I am confident. <rep', 'ort>{"summary": "a. b. c"}</report>'])).toEqual(['I am confident.']);
    expect(collect(['Final answer follows.\n`', '``json\n{"a": "x. y"}\n```'])).toEqual(['Final answer follows.']);
  });

  it('cuts a run-on sentence instead of holding it forever', () => {
    const sentences = collect([`${'word '.repeat(300)}`], false);
    expect(sentences.length).toBeGreaterThan(0);
    expect(sentences.every((sentence) => sentence.length <= 600)).toBe(true);
  });
});
