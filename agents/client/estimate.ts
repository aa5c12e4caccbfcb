// Deterministic token estimates and the worst-case cost the ledger reserves before a call.
import { buildPrompt } from './prompt.js';
import { canonicalJson } from './canonical.js';
import type { ModelPrice, StructuredCallRequest, StructuredMode } from './types.js';

/** Upper bound on the tokens one repair message adds (repairText lists at most MAX_REPAIR_ISSUES). */
export const REPAIR_MESSAGE_TOKENS = 1_200;

/** ceil(UTF-8 bytes / 3): deliberately above real tokenizers for prose and JSON. */
export function estimateTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 3);
}

/** Estimated input tokens of the first round: system blocks, input message, and the tool in `tool` mode. */
export function estimateInputTokens(
  req: Pick<StructuredCallRequest, 'system' | 'outputSchema' | 'input'>,
  mode: StructuredMode = 'native',
): number {
  const prompt = buildPrompt(req, mode);
  const parts = [...prompt.system.map((b) => b.text), prompt.user];
  if (mode === 'tool') parts.push(canonicalJson(prompt.schema));
  return parts.reduce((sum, text) => sum + estimateTokens(text), 0);
}

/**
 * Worst-case USD: every round (first call + each repair) answers maxTokens, and each repair
 * resends the conversation so far. Input is priced at the dearer of uncached input and cache
 * write, because the first call may write the whole prefix to the cache.
 */
export function worstCaseCostOf(
  req: Pick<StructuredCallRequest, 'system' | 'outputSchema' | 'input' | 'maxTokens'>,
  price: ModelPrice,
  repairAttempts: number,
  mode: StructuredMode = 'native',
): number {
  const base = estimateInputTokens(req, mode);
  const inputRate = Math.max(price.input, price.cacheWrite);
  let perMillion = 0;
  for (let round = 0; round <= repairAttempts; round++) {
    const input = base + round * (req.maxTokens + REPAIR_MESSAGE_TOKENS);
    perMillion += input * inputRate + req.maxTokens * price.output;
  }
  return perMillion / 1_000_000;
}
