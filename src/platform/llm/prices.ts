import type { LlmPriceTable } from '../../config/config.js';

/**
 * Published list prices (USD per million tokens) for common models, used only to *estimate* cost. Operators
 * correct or extend them with LLM_PRICES; a model with no entry costs 0 and is reported as unpriced.
 */
export const builtInPrices: LlmPriceTable = {
  'gpt-4o-mini*': { input: 0.15, output: 0.6 },
  'gpt-4o*': { input: 2.5, output: 10 },
  'gpt-4.1-mini*': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano*': { input: 0.1, output: 0.4 },
  'gpt-4.1*': { input: 2, output: 8 },
  'o4-mini*': { input: 1.1, output: 4.4 },
  'claude-3-5-haiku*': { input: 0.8, output: 4 },
  'claude-3-5-sonnet*': { input: 3, output: 15 },
  'claude-3-7-sonnet*': { input: 3, output: 15 },
  'claude-sonnet-4*': { input: 3, output: 15 },
  'claude-opus-4*': { input: 15, output: 75 },
  'gemini-1.5-flash*': { input: 0.075, output: 0.3 },
  'gemini-1.5-pro*': { input: 1.25, output: 5 },
  'gemini-2.0-flash*': { input: 0.1, output: 0.4 },
  'gemini-2.5-flash*': { input: 0.3, output: 2.5 },
  'gemini-2.5-pro*': { input: 1.25, output: 10 },
};

export class PriceTable {
  private readonly exact = new Map<string, { input: number; output: number }>();
  private readonly prefixes: Array<[string, { input: number; output: number }]> = [];

  constructor(...tables: LlmPriceTable[]) {
    const merged: LlmPriceTable = Object.assign({}, ...tables);
    for (const [key, price] of Object.entries(merged)) {
      if (key.endsWith('*')) this.prefixes.push([key.slice(0, -1), price]);
      else this.exact.set(key, price);
    }
    // The longest prefix wins, so `gpt-4o-mini*` beats `gpt-4o*`.
    this.prefixes.sort((a, b) => b[0].length - a[0].length);
  }

  /** The price of a model id; provider prefixes like `openai/` (OpenRouter) are ignored when matching. */
  priceOf(model: string): { input: number; output: number } | undefined {
    for (const candidate of [model, model.slice(model.lastIndexOf('/') + 1)]) {
      const exact = this.exact.get(candidate);
      if (exact) return exact;
      const prefix = this.prefixes.find(([start]) => candidate.startsWith(start));
      if (prefix) return prefix[1];
    }
    return undefined;
  }

  costUsd(model: string, inputTokens: number, outputTokens: number): number {
    const price = this.priceOf(model);
    if (!price) return 0;
    return (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
  }
}
