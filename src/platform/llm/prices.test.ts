import { describe, expect, it } from 'vitest';
import { builtInPrices, PriceTable } from './prices.js';

describe('PriceTable', () => {
  it('prices by exact id, then the longest prefix, ignoring a provider prefix', () => {
    const table = new PriceTable(builtInPrices, {
      'local-llama': { input: 0, output: 0 },
      'gpt-4o*': { input: 1, output: 2 },
    });
    expect(table.priceOf('gpt-4o-mini-2024-07-18')).toEqual({ input: 0.15, output: 0.6 });
    expect(table.priceOf('gpt-4o-2024-08-06')).toEqual({ input: 1, output: 2 });
    expect(table.priceOf('openai/gpt-4o')).toEqual({ input: 1, output: 2 });
    expect(table.priceOf('local-llama')).toEqual({ input: 0, output: 0 });
    expect(table.priceOf('unknown-model')).toBeUndefined();
    expect(table.costUsd('gpt-4o', 1_000_000, 500_000)).toBeCloseTo(2);
    expect(table.costUsd('unknown-model', 1000, 1000)).toBe(0);
  });
});
