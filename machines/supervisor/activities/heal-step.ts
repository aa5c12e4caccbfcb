// The heal activity: a failed step becomes an incident for the healer, whose remedy is applied
// only within policy (severity threshold; manual mode asks first; bounded restart intensity).
import { fromPromise } from 'xstate';
import { sleep } from '../../../core/clock.js';
import type { HealerOutput } from '../../../schemas/generated/types.js';
import type { AgentStepInput, AgentStepOutput, HealInput, HealOutput } from '../../task/activities.js';
import type { Keyed } from '../../events.js';
import type { Runtime } from './runtime.js';
import { agentStepLogic } from './agent-step.js';
import type { AgentStepDeps } from './agent-step.js';
import { allowedModels } from '../policy/model-choice.js';
import { healTold, nextTier, refusal, remedyOf, triage } from '../policy/healing.js';
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
      const tell = (told: Keyed): void => rt.events.emit(told.event, told.key);
      const first = triage(cfg, input, now);
      if (first.next === 'fail') {
        if (first.escalate !== undefined) tell(healTold.escalated(input, domain, first.escalate, 'limit', now));
        return fail(first.reason);
      }
      if (first.next === 'wait') {
        await sleep(rt.clock, first.ms);
        return { value: { action: 'retry', at: now, reason: first.reason }, costUsd: 0 };
      }
      const { incidentId, kind } = first;
      tell(healTold.requested(input, incidentId, kind, now));
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
        tell(healTold.refused(input, incidentId, advice, refused.reason, now));
        if (refused.ask !== undefined) tell(healTold.escalated(input, domain, refused.ask, 'ask', now));
        return fail(refused.fail);
      }
      const remedy = remedyOf(cfg, input, advice, now, (agent) => nextTier(cfg, (agent && (rt.learned.model(agent) ?? cfg.models.byAgent[agent])) ?? cfg.models.default));
      if (remedy.refusedModel !== undefined) {
        rt.logger.warn({ taskId: input.taskId, agent: input.agent, model: remedy.refusedModel, allowed: [...allowedModels(cfg, input.agent)] }, `healer named model ${remedy.refusedModel}, which is not one of the agent's configured tiers; the next configured tier is used`);
      }
      if (remedy.waitMs !== undefined) await sleep(rt.clock, remedy.waitMs);
      if (remedy.pauseMinutes !== undefined && input.agent) rt.agents.pause(input.agent, remedy.pauseMinutes);
      if (remedy.escalate !== undefined) tell(healTold.escalated(input, domain, remedy.escalate, 'human', now));
      const out = remedy.out;
      tell(healTold.applied(input, incidentId, advice, now));
      rt.recordOutcome(input.taskId, 'heal', { kind, remedy: advice.remedy, severity: advice.severity, action: out.action });
      return { value: out, costUsd: 0 };
    });
    return run.value;
  });
}
