// The action a gate allowed. agentry records it (publishing to a channel is the caller's
// integration); an incident's remedy is applied to the agent it names.
import { fromPromise } from 'xstate';
import type { HealerInput, HealerOutput } from '../../schemas/generated/types.js';
import type { ExecuteInput } from '../task/activities.js';
import { createEvent } from '../events.js';
import type { Runtime } from './runtime.js';

export function executeLogic(rt: Runtime) {
  return fromPromise<null, ExecuteInput>(async ({ input }) => {
    await rt.memo.run(input.key, input.taskId, () => {
      if (input.action === 'apply_remedy') applyIncidentRemedy(rt, input);
      rt.events.emit(createEvent('action.executed', { taskId: input.taskId, action: input.action, by: input.by }, rt.clock.now()), `${input.key}:done`);
      return Promise.resolve({ value: null, costUsd: 0 });
    });
    return null;
  });
}

function applyIncidentRemedy(rt: Runtime, input: ExecuteInput): void {
  const advice = Object.values(input.outputs)[0] as HealerOutput | undefined;
  const incident = (rt.record(input.taskId).input as unknown as HealerInput).incident;
  const agent = incident.agent;
  if (!advice || !agent) return;
  if (advice.remedy === 'pause_agent') rt.agents.pause(agent, advice.parameters.pauseMinutes ?? 5);
  if (advice.remedy === 'switch_model' && advice.parameters.model) rt.agents.setModel(agent, advice.parameters.model);
}
