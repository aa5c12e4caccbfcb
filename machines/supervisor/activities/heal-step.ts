// The heal activity: a failed step becomes an incident for the healer, whose remedy is applied
// only within policy (severity threshold; manual mode asks first; bounded restart intensity).
import { fromPromise } from 'xstate';
import type { AgentKind } from '../../../agents/client/types.js';
import { sleep } from '../../../core/clock.js';
import type { HealerOutput, IncidentKind } from '../../../schemas/generated/types.js';
import type { AgentStepInput, AgentStepOutput, HealInput, HealOutput } from '../../task/activities.js';
import { createEvent } from '../../events.js';
import type { Runtime } from './runtime.js';
import { agentStepLogic } from './agent-step.js';
import type { AgentStepDeps } from './agent-step.js';
import { allowedModel, allowedModels } from '../policy/model-choice.js';
import { runActivity } from './run-activity.js';

const KIND_BY_CODE: Record<string, IncidentKind> = {
  INVALID_OUTPUT: 'invalid_output',
  BREAKER_OPEN: 'breaker_open',
  MODEL_TIMEOUT: 'timeout',
  BUDGET_EXCEEDED: 'budget',
};

/** Failures the healer cannot fix: no call is spent on them. */
export const HOPELESS = new Set(['BUDGET_EXCEEDED', 'INVALID_INPUT', 'MODEL_AUTH', 'MODEL_BAD_REQUEST', 'MODEL_UNAVAILABLE', 'NOT_IMPLEMENTED']);

const MAX_BACKOFF_MS = 5 * 60_000;
const DISK_RETRY_MS = 5_000;

/** What a heal step uses of the runtime: the healer's call is an agent step. */
type HealDeps = AgentStepDeps & Pick<Runtime, 'logger'>;

export function healLogic(rt: HealDeps) {
  const agentStep = agentStepLogic(rt);
  return fromPromise<HealOutput, HealInput>(async ({ input }) => {
    const run = await rt.memo.run<HealOutput>(input.key, input.taskId, async () => {
      const now = rt.clock.now();
      const fail = (reason: string): { value: HealOutput; costUsd: number } => ({ value: { action: 'fail', at: now, reason }, costUsd: 0 });
      const cfg = rt.config();
      // The task's error carries the code; the reason is the message alone.
      if (HOPELESS.has(input.error.code) || input.agent === 'healer') return fail(input.error.message);
      // The disk, not the agent: wait and try the step again (bounded by the restart limit below),
      // without paying the healer for a diagnosis it cannot act on.
      const diskBlip = input.error.code === 'STORE_UNAVAILABLE';
      const period = cfg.healing.restartPeriodSeconds * 1000;
      const recent = input.restarts.filter((t) => now - t < period).length;
      const domain = rt.record(input.taskId).definition.domain;
      if (recent >= cfg.healing.restartIntensity) {
        const reason = `restart limit reached (${cfg.healing.restartIntensity} in ${cfg.healing.restartPeriodSeconds} s) after ${input.error.code}`;
        rt.events.emit(createEvent('escalation.raised', { taskId: input.taskId, domain, to: 'person', reason }, now), `${input.key}:limit`);
        return fail(reason);
      }
      if (diskBlip) {
        await sleep(rt.clock, DISK_RETRY_MS);
        return { value: { action: 'retry', at: now, reason: 'the store could not persist; retrying once it can' }, costUsd: 0 };
      }
      const incidentId = `inc_${input.key}`;
      const kind = KIND_BY_CODE[input.error.code] ?? 'agent_failure';
      rt.events.emit(createEvent('heal.requested', { incidentId, kind, taskId: input.taskId, ...(input.agent ? { agent: input.agent } : {}) }, now), `${input.key}:requested`);
      const diagnosis = await runActivity<AgentStepOutput, AgentStepInput>(agentStep, {
        taskId: input.taskId,
        key: `${input.key}:healer`,
        phase: input.phase,
        part: 'heal',
        agent: 'healer',
        input: {
          incident: {
            kind,
            agent: input.agent,
            step: input.phase,
            error: input.error,
            recentHistory: [],
            remediesTried: input.restarts.map(() => ({ remedy: 'retry', outcome: 'failure' })),
            errorRate: 0,
          },
        },
      });
      const advice = diagnosis.output as HealerOutput;
      const threshold = (cfg.learning.pin.severityThreshold ? undefined : rt.learned.severityThreshold()) ?? cfg.healing.severityThreshold;
      if (advice.severity < threshold) {
        const reason = `severity ${advice.severity.toFixed(2)} is below the threshold ${threshold.toFixed(2)}`;
        rt.events.emit(createEvent('heal.refused', { incidentId, remedy: advice.remedy, severity: advice.severity, reason }, now), `${input.key}:refused`);
        return fail(`healer remedy ${advice.remedy} refused: ${reason}`);
      }
      if (cfg.mode === 'manual' && advice.remedy !== 'escalate_human' && advice.remedy !== 'ignore') {
        const reason = 'manual mode: remedies wait for a person';
        rt.events.emit(createEvent('heal.refused', { incidentId, remedy: advice.remedy, severity: advice.severity, reason }, now), `${input.key}:refused`);
        rt.events.emit(createEvent('escalation.raised', { taskId: input.taskId, domain, to: 'person', reason: `${advice.remedy} proposed for ${input.error.code}` }, now), `${input.key}:ask`);
        return fail(`${reason} (proposed ${advice.remedy})`);
      }
      const out = await applyRemedy(rt, input, advice, now);
      rt.events.emit(createEvent('heal.applied', { incidentId, remedy: advice.remedy, severity: advice.severity, by: 'policy' }, now), `${input.key}:applied`);
      rt.recordOutcome(input.taskId, 'heal', { kind, remedy: advice.remedy, severity: advice.severity, action: out.action });
      return { value: out, costUsd: 0 };
    });
    return run.value;
  });
}

async function applyRemedy(rt: Pick<Runtime, 'agents' | 'clock' | 'config' | 'events' | 'learned' | 'logger' | 'record'>, input: HealInput, advice: HealerOutput, now: number): Promise<HealOutput> {
  const retry = (reason: string, model?: string): HealOutput => (model ? { action: 'retry', at: now, reason, model } : { action: 'retry', at: now, reason });
  const agent = input.agent;
  switch (advice.remedy) {
    case 'retry':
    case 'reroute':
      return retry(`healer: ${advice.remedy}`);
    case 'retry_with_backoff':
      await sleep(rt.clock, Math.min(MAX_BACKOFF_MS, advice.parameters.delayMs ?? 1000));
      return retry('healer: retry with backoff');
    case 'switch_model': {
      const named = advice.parameters.model;
      const allowed = allowedModel(rt.config(), agent, named);
      if (named !== undefined && allowed === undefined) {
        rt.logger.warn({ taskId: input.taskId, agent, model: named, allowed: [...allowedModels(rt.config(), agent)] }, `healer named model ${named}, which is not one of the agent's configured tiers; the next configured tier is used`);
      }
      return retry('healer: switch model', allowed ?? nextModel(rt, agent));
    }
    case 'pause_agent':
      if (agent) rt.agents.pause(agent, advice.parameters.pauseMinutes ?? 5);
      return retry('healer: paused the agent, then retry');
    case 'escalate_human': {
      const domain = rt.record(input.taskId).definition.domain;
      rt.events.emit(createEvent('escalation.raised', { taskId: input.taskId, domain, to: 'person', reason: advice.diagnosis }, now), `${input.key}:human`);
      return { action: 'fail', at: now, reason: `escalated to a person: ${advice.diagnosis}` };
    }
    default:
      return { action: 'fail', at: now, reason: `healer chose to ignore: ${advice.diagnosis}` };
  }
}

/** The next stronger model in the configured tiers, for a model switch without a named model. */
function nextModel(rt: Pick<Runtime, 'config' | 'learned'>, agent: AgentKind | null): string | undefined {
  const cfg = rt.config();
  const current = (agent && (rt.learned.model(agent) ?? cfg.models.byAgent[agent])) ?? cfg.models.default;
  const tiers = cfg.models.tiers;
  const at = tiers.indexOf(current);
  return at >= 0 && at + 1 < tiers.length ? tiers[at + 1] : undefined;
}
