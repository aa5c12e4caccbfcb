// The model client's public surface (named re-exports only).
export { createAnthropicModel } from './anthropic.js';
export type { AnthropicModelOptions } from './anthropic.js';
export { AGENT_KINDS } from './types.js';
export type {
  AgentKind,
  StructuredCallRequest,
  StructuredCallResult,
  StructuredModel,
} from './types.js';
