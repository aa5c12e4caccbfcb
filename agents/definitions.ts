// The table of subagents: for each kind, its contracts, role prompt and call defaults.
import type { SchemaName } from '../schemas/registry.js';
import type {
  CoordinatorInput,
  CoordinatorOutput,
  HealerInput,
  HealerOutput,
  MarketingInput,
  MarketingOutput,
  ReviewerInput,
  ReviewerOutput,
  SalesInput,
  SalesOutput,
} from '../schemas/generated/types.js';
import type { AgentKind } from './client/types.js';
import { coordinatorAgent } from './coordinator.js';
import { healerAgent } from './healer.js';
import { marketingAgent } from './marketing.js';
import { reviewerAgent } from './reviewer.js';
import { salesAgent } from './sales.js';

interface AgentCallDefaults {
  readonly model: string;
  readonly maxTokens: number;
  readonly timeoutMs: number;
}

export interface AgentDefinition<K extends AgentKind = AgentKind> {
  readonly kind: K;
  readonly inputSchema: SchemaName;
  readonly outputSchema: SchemaName;
  /** The system prompt: a constant, byte-stable across calls so it is cached. */
  readonly rolePrompt: string;
  readonly defaults: AgentCallDefaults;
}

/** The input and output type of each agent, as generated from its schemas. */
interface AgentIO {
  marketing: { input: MarketingInput; output: MarketingOutput };
  sales: { input: SalesInput; output: SalesOutput };
  reviewer: { input: ReviewerInput; output: ReviewerOutput };
  coordinator: { input: CoordinatorInput; output: CoordinatorOutput };
  healer: { input: HealerInput; output: HealerOutput };
}
export type AgentInput<K extends AgentKind> = AgentIO[K]['input'];
export type AgentOutput<K extends AgentKind> = AgentIO[K]['output'];

export const AGENT_DEFINITIONS: { readonly [K in AgentKind]: AgentDefinition<K> } = {
  marketing: marketingAgent,
  sales: salesAgent,
  reviewer: reviewerAgent,
  coordinator: coordinatorAgent,
  healer: healerAgent,
};

export function definitionOf<K extends AgentKind>(kind: K): AgentDefinition<K> {
  return AGENT_DEFINITIONS[kind];
}
