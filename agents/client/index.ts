// The model client's public surface (named re-exports only).
export { createAnthropicModel, MAX_TOKENS_LIMIT } from './anthropic.js';
export type { AnthropicModelOptions } from './anthropic.js';
export type { Fetch } from './attempts.js';
export { classifyError } from './classify.js';
export { canonicalJson } from './canonical.js';
export { estimateInputTokens, estimateTokens, REPAIR_MESSAGE_TOKENS, worstCaseCostOf } from './estimate.js';
export { addUsage, costOf, DEFAULT_PRICES, mergePrices, priceFor, ZERO_USAGE } from './prices.js';
export { AGENT_KINDS } from './types.js';
export type {
  AgentKind,
  ModelPrice,
  PriceTable,
  StructuredCallRequest,
  StructuredCallResult,
  StructuredMode,
  StructuredModel,
  Usage,
} from './types.js';
