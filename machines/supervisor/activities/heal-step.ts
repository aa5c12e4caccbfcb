// The heal activity: a failed step becomes an incident for the healer, whose remedy is applied
// only within policy (severity threshold; manual mode asks first; bounded restart intensity).
import { fromPromise } from 'xstate';
import { sleep } from '../../../core/clock.js';
import type { HealerOutput } from '../../../schemas/generated/types.js';
import type { AgentStepInput, AgentStepOutput, HealInput, HealOutput } from '../../task/activities.js';
import { createEvent } from '../../events.js';
import type { Runtime } from './runtime.js';
import { agentStepLogic } from './agent-step.js';
import type { AgentStepDeps } from './agent-step.js';
import { allowedModels } from '../policy/model-choice.js';
import { nextTier, refusal, remedyOf, triage } from '../policy/healing.js';
import { runActivity } from './run-activity.js';

/** What a heal step uses of the runtime: the healer's call is an agent step. */
type HealDeps = AgentStepDeps & Pick<Runtime, 'logger'>;

export function healLogic(rt: HealDeps) {
  const agentStep = agentStepLogic(rt);
  return fromPromise<HealOutput, HealInput>(async ({ input }) => {
    const run = await rt.memo.run<HealOutput>(input.key, input.taskId, async () => {
      const now = rt.clock.now();
      const fail = (reason: string): { value: HealOutput; costUsd: number } => ({ value: { action: 'fail', at: now, reason }, costUsd: 0 });
      const cfg = rt.config();
      const domain = rt.record(input.taskId).definition.domain;
      const first = triage(cfg, input, now);
      if (first.next === 'fail') {
        if (first.escalate !== undefined) rt.events.emit(createEvent('escalation.raised', { taskId: input.taskId, domain, to: 'person', reason: first.escalate }, now), `${input.key}:limit`);
        return fail(first.reason);
      }
      if (first.next === 'wait') {
        await sleep(rt.clock, first.ms);
        return { value: { action: 'retry', at: now, reason: first.reason }, costUsd: 0 };
      }
      const { incidentId, kind } = first;
      rt.events.emit(createEvent('heal.requested', { incidentId, kind, taskId: input.taskId, ...(input.agent ? { agent: input.agent } : {}) }, now), `${input.key}:requested`);
      const diagnosis = await runActivity<AgentStepOutput, AgentStepInput>(agentStep, {
        taskId: input.taskId,
        key: `${input.key}:healer`,
        phase: input.phase,
        part: 'heal',
        agent: 'healer',
        input: first.healerInput,
      });
      const advice = diagnosis.output as HealerOutput;
      const threshold = (cfg.learning.pin.severityThreshold ? undefined : rt.learned.severityThreshold()) ?? cfg.healing.severityThreshold;
      const refused = refusal(cfg, input, advice, threshold);
      if (refused) {
        rt.events.emit(createEvent('heal.refused', { incidentId, remedy: advice.remedy, severity: advice.severity, reason: refused.reason }, now), `${input.key}:refused`);
        if (refused.ask !== undefined) rt.events.emit(createEvent('escalation.raised', { taskId: input.taskId, domain, to: 'person', reason: refused.ask }, now), `${input.key}:ask`);
        return fail(refused.fail);
      }
      const remedy = remedyOf(cfg, input, advice, now, (agent) => nextTier(cfg, (agent && (rt.learned.model(agent) ?? cfg.models.byAgent[agent])) ?? cfg.models.default));
      if (remedy.refusedModel !== undefined) {
        rt.logger.warn({ taskId: input.taskId, agent: input.agent, model: remedy.refusedModel, allowed: [...allowedModels(cfg, input.agent)] }, `healer named model ${remedy.refusedModel}, which is not one of the agent's configured tiers; the next configured tier is used`);
      }
      if (remedy.waitMs !== undefined) await sleep(rt.clock, remedy.waitMs);
      if (remedy.pauseMinutes !== undefined && input.agent) rt.agents.pause(input.agent, remedy.pauseMinutes);
      if (remedy.escalate !== undefined) rt.events.emit(createEvent('escalation.raised', { taskId: input.taskId, domain, to: 'person', reason: remedy.escalate }, now), `${input.key}:human`);
      const out = remedy.out;
      rt.events.emit(createEvent('heal.applied', { incidentId, remedy: advice.remedy, severity: advice.severity, by: 'policy' }, now), `${input.key}:applied`);
      rt.recordOutcome(input.taskId, 'heal', { kind, remedy: advice.remedy, severity: advice.severity, action: out.action });
      return { value: out, costUsd: 0 };
    });
    return run.value;
  });
}
