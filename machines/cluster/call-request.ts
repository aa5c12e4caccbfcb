// The request a model call of a task sends: the agent's contract and prompt, the model chosen by
// step, agent or default, and the config's token and time limits.
import { definitionOf } from '../../agents/definitions.js';
import type { StructuredCallRequest } from '../../agents/client/types.js';
import type { ResolvedConfig } from '../../config/load.js';
import type { AgentStepInput } from '../task/activities.js';

/** The request of an agent step: the agent's contract and prompt, the model by step, agent, default. */
export function callRequestOf(config: ResolvedConfig, input: Pick<AgentStepInput, 'agent' | 'key' | 'input' | 'model'>): Omit<StructuredCallRequest, 'signal'> {
  const def = definitionOf(input.agent);
  return {
    agent: input.agent,
    stepKey: input.key,
    model: input.model ?? config.models.byAgent[input.agent] ?? config.models.default,
    system: def.rolePrompt,
    inputSchema: def.inputSchema,
    outputSchema: def.outputSchema,
    input: input.input,
    maxTokens: Math.min(config.models.maxTokens, def.defaults.maxTokens),
    timeoutMs: config.models.timeoutMs,
  };
}
