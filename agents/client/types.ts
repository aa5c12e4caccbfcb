// The contract between the model client (agents/client/) and its callers (run actors, the
// offline model, tests). Kept apart so both sides build against one definition.
import { agentKindValues } from '../../schemas/generated/enums.js';
import type { AgentKind } from '../../schemas/generated/types.js';
import type { SchemaName } from '../../schemas/registry.js';

/** The five subagents: the schemas' `AgentKind` enum. */
export const AGENT_KINDS: readonly AgentKind[] = agentKindValues;
export type { AgentKind };

/** Token counts of one API response, as reported by the API. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
}

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}
export type PriceTable = Record<string, ModelPrice>;

/** How a model is asked for JSON: native `output_config.format`, or a strict tool as fallback. */
export type StructuredMode = 'native' | 'tool';

export interface StructuredCallRequest {
  agent: AgentKind;
  /** Stable key of this step (taskId:step:attempt): sent as metadata, used by the journal. */
  stepKey: string;
  model: string;
  /** The role prompt: stable across calls, so it is cached. */
  system: string;
  inputSchema: SchemaName;
  outputSchema: SchemaName;
  input: unknown;
  maxTokens: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface StructuredCallResult<T = unknown> {
  output: T;
  model: string;
  /** Summed over the first call and every repair. */
  usage: Usage;
  costUsd: number;
  /** Repair rounds used (0 when the first answer was valid). */
  repairs: number;
  /** HTTP attempts made, SDK retries included. */
  attempts: number;
  latencyMs: number;
  offline: boolean;
}

/** What run actors call. Implemented by the Anthropic client and by the offline model. */
export interface StructuredModel {
  readonly offline: boolean;
  /** Set when no model can answer (no API key): why, and the fix. Model work is then refused at the door. */
  readonly unavailable?: string;
  call<T = unknown>(req: StructuredCallRequest): Promise<StructuredCallResult<T>>;
  /** Worst-case USD of `req` (input estimate + maxTokens, every repair included): the ledger reserves this. */
  worstCaseCost(req: StructuredCallRequest): number;
}
