// The action a gate allowed: the approved content is delivered to the sinks the config routes
// the action to (file, webhook, command), then the action is recorded; an incident's remedy is
// applied to the agent it names. A failed delivery does not fail the task: it shows in task show
// and status and is retried with `task retry ID --delivery`.
import { fromPromise } from 'xstate';
import type { HealerInput, HealerOutput } from '../../../schemas/generated/types.js';
import type { ExecuteInput } from '../../task/activities.js';
import { createEvent } from '../../events.js';
import { allowedModel } from '../policy/model-choice.js';
import type { Runtime } from './runtime.js';

/** What an execute step uses of the runtime. */
type ExecuteDeps = Pick<Runtime, 'agents' | 'approvals' | 'clock' | 'config' | 'deliveries' | 'events' | 'memo' | 'record' | 'views'>;

export function executeLogic(rt: ExecuteDeps) {
  return fromPromise<null, ExecuteInput>(async ({ input }) => {
    await rt.memo.run(input.key, input.taskId, async () => {
      if (input.action === 'apply_remedy') applyIncidentRemedy(rt, input);
      else await deliver(rt, input);
      rt.events.emit(createEvent('action.executed', { taskId: input.taskId, action: input.action, by: input.by }, rt.clock.now()), `${input.key}:done`);
      return { value: null, costUsd: 0 };
    });
    return null;
  });
}

async function deliver(rt: Pick<Runtime, 'approvals' | 'clock' | 'deliveries' | 'record' | 'views'>, input: ExecuteInput): Promise<void> {
  const record = rt.record(input.taskId);
  const last = record.definition.steps.at(-1)?.id ?? '';
  const note = input.by === 'person' ? rt.approvals.latestFor(input.taskId)?.note : undefined;
  const src = { taskId: input.taskId, workflow: record.workflow, action: input.action, input: record.input, output: input.outputs[last], approver: input.by };
  const views = await rt.deliveries.deliver(note === undefined ? src : { ...src, note });
  if (views.length > 0) rt.views.update(input.taskId, { deliveries: views }, rt.clock.now());
}

function applyIncidentRemedy(rt: Pick<Runtime, 'agents' | 'config' | 'record'>, input: ExecuteInput): void {
  const advice = Object.values(input.outputs)[0] as HealerOutput | undefined;
  const incident = (rt.record(input.taskId).input as unknown as HealerInput).incident;
  const agent = incident.agent;
  if (!advice || !agent) return;
  if (advice.remedy === 'pause_agent') rt.agents.pause(agent, advice.parameters.pauseMinutes ?? 5);
  const model = allowedModel(rt.config(), agent, advice.parameters.model);
  if (advice.remedy === 'switch_model' && model !== undefined) rt.agents.setModel(agent, model);
}
