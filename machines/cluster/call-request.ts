// The request a model call of a task sends: the agent's contract and prompt, the model chosen by
// step, the learning store, agent or default, and the config's token and time limits.
import { definitionOf } from '../../agents/definitions.js';
import type { AgentKind, StructuredCallRequest } from '../../agents/client/types.js';
import type { ResolvedConfig } from '../../config/load.js';
import type { AgentStepInput } from '../task/activities.js';

/** The model the learning store chose for an agent, when it learned one. */
export interface LearnedModel {
  model(agent: AgentKind): string | undefined;
}

/** The request of an agent step: the agent's contract and prompt, the model by step, learning, agent, default. */
export function callRequestOf(config: ResolvedConfig, input: Pick<AgentStepInput, 'agent' | 'key' | 'input' | 'model'>, learned?: LearnedModel): Omit<StructuredCallRequest, 'signal'> {
  const def = definitionOf(input.agent);
  return {
    agent: input.agent,
    stepKey: input.key,
    model: input.model ?? learned?.model(input.agent) ?? config.models.byAgent[input.agent] ?? config.models.default,
    system: def.rolePrompt,
    inputSchema: def.inputSchema,
    outputSchema: def.outputSchema,
    input: input.input,
    maxTokens: Math.min(config.models.maxTokens, def.defaults.maxTokens),
    timeoutMs: config.models.timeoutMs,
  };
}
