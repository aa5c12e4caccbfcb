// Prices and usage arithmetic. An unknown model is a config error, never a silent $0.
import { UserError } from '../../core/errors.js';
import type { ModelPrice, PriceTable, Usage } from './types.js';

/** USD per million tokens (5-minute cache writes). Config `prices` are merged over this. */
export const DEFAULT_PRICES: Readonly<PriceTable> = Object.freeze({
  'claude-opus-5-5': { input: 4, output: 20, cacheWrite: 5, cacheRead: 0.2 },
  'claude-sonnet-5-5': { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.1 },
  'claude-haiku-5-5': { input: 0.1, output: 0.5, cacheWrite: 0.125, cacheRead: 0.01 },
  'claude-opus-4-8': { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 },
  'claude-sonnet-4-6': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
  'claude-haiku-4-5': { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
});

export const ZERO_USAGE: Readonly<Usage> = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cacheWriteTokens: 0,
  cacheReadTokens: 0,
});

export function mergePrices(overrides: PriceTable = {}): PriceTable {
  return { ...DEFAULT_PRICES, ...overrides };
}

/** The price of `model`, or UserError('INVALID_CONFIG') naming it. */
export function priceFor(table: PriceTable, model: string): ModelPrice {
  const price = Object.hasOwn(table, model) ? table[model] : undefined;
  if (price === undefined) {
    throw new UserError('INVALID_CONFIG', `no price for model "${model}": add it to "prices" in agentry.config.json`, {
      details: { model, known: Object.keys(table).sort() },
    });
  }
  return price;
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
  };
}

/** USD of `usage` at `price`. Summed in token-dollars first, divided once, to limit float drift. */
export function costOf(usage: Usage, price: ModelPrice): number {
  const perMillion =
    usage.inputTokens * price.input +
    usage.outputTokens * price.output +
    usage.cacheWriteTokens * price.cacheWrite +
    usage.cacheReadTokens * price.cacheRead;
  return perMillion / 1_000_000;
}
