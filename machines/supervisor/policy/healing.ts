// What the heal activity decides, whichever engine runs it (the embedded heal step, the cluster's
// task workflow): whether a failure goes to the healer agent at all, whether its advice is taken,
// and what the taken remedy does. Pure: the caller emits the events, waits and pauses.
import type { AgentKind } from '../../../agents/client/types.js';
import type { ResolvedConfig } from '../../../config/load.js';
import type { HealerOutput, IncidentKind } from '../../../schemas/generated/types.js';
import type { HealInput, HealOutput } from '../../task/activities.js';
import { createEvent } from '../../events.js';
import type { Keyed } from '../../events.js';
import { allowedModel } from './model-choice.js';

const KIND_BY_CODE: Record<string, IncidentKind> = {
  INVALID_OUTPUT: 'invalid_output',
  BREAKER_OPEN: 'breaker_open',
  MODEL_TIMEOUT: 'timeout',
  BUDGET_EXCEEDED: 'budget',
};

/** Failures the healer cannot fix: no call is spent on them. */
const HOPELESS = new Set(['BUDGET_EXCEEDED', 'INVALID_INPUT', 'MODEL_AUTH', 'MODEL_BAD_REQUEST', 'MODEL_UNAVAILABLE', 'NOT_IMPLEMENTED']);

const MAX_BACKOFF_MS = 5 * 60_000;
/** How long a step that the store could not persist waits before it runs again. */
const DISK_RETRY_MS = 5_000;

export type Triage =
  /** Fail now; `escalate` is the reason a person is told (the restart limit). */
  | { next: 'fail'; reason: string; escalate?: string }
  /** The disk, not the agent: wait and try the step again, without paying for a diagnosis. */
  | { next: 'wait'; ms: number; reason: string }
  | { next: 'consult'; incidentId: string; kind: IncidentKind; healerInput: { incident: Record<string, unknown> } };

export function triage(cfg: ResolvedConfig, input: HealInput, now: number): Triage {
  // The task's error carries the code; the reason is the message alone.
  if (HOPELESS.has(input.error.code) || input.agent === 'healer') return { next: 'fail', reason: input.error.message };
  const period = cfg.healing.restartPeriodSeconds * 1000;
  if (input.restarts.filter((t) => now - t < period).length >= cfg.healing.restartIntensity) {
    const reason = `restart limit reached (${cfg.healing.restartIntensity} in ${cfg.healing.restartPeriodSeconds} s) after ${input.error.code}`;
    return { next: 'fail', reason, escalate: reason };
  }
  if (input.error.code === 'STORE_UNAVAILABLE') return { next: 'wait', ms: DISK_RETRY_MS, reason: 'the store could not persist; retrying once it can' };
  const incident = {
    kind: KIND_BY_CODE[input.error.code] ?? 'agent_failure',
    agent: input.agent,
    step: input.phase,
    error: input.error,
    recentHistory: [],
    remediesTried: input.restarts.map(() => ({ remedy: 'retry', outcome: 'failure' })),
    errorRate: 0,
  };
  return { next: 'consult', incidentId: `inc_${input.key}`, kind: incident.kind, healerInput: { incident } };
}

/** Why the healer's advice is not taken (`ask`: what a person is told), or undefined when it is. */
export function refusal(cfg: ResolvedConfig, input: HealInput, advice: HealerOutput, threshold: number): { reason: string; fail: string; ask?: string } | undefined {
  if (advice.severity < threshold) {
    const reason = `severity ${advice.severity.toFixed(2)} is below the threshold ${threshold.toFixed(2)}`;
    return { reason, fail: `healer remedy ${advice.remedy} refused: ${reason}` };
  }
  if (cfg.mode === 'manual' && advice.remedy !== 'escalate_human' && advice.remedy !== 'ignore') {
    const reason = 'manual mode: remedies wait for a person';
    return { reason, fail: `${reason} (proposed ${advice.remedy})`, ask: `${advice.remedy} proposed for ${input.error.code}` };
  }
  return undefined;
}

/** A taken remedy: the heal's output, and what the caller does first (wait, pause the agent, tell a person). */
export interface Remedy {
  out: HealOutput;
  waitMs?: number;
  pauseMinutes?: number;
  escalate?: string;
  /** The healer named a model outside the agent's configured tiers (the next tier is used). */
  refusedModel?: string;
}

/** `nextModel`: the next stronger configured model, for a switch that names none the agent may use. */
export function remedyOf(cfg: ResolvedConfig, input: HealInput, advice: HealerOutput, now: number, nextModel: (agent: AgentKind | null) => string | undefined): Remedy {
  const retry = (reason: string, model?: string): HealOutput => (model ? { action: 'retry', at: now, reason, model } : { action: 'retry', at: now, reason });
  switch (advice.remedy) {
    case 'retry':
    case 'reroute':
      return { out: retry(`healer: ${advice.remedy}`) };
    case 'retry_with_backoff':
      return { out: retry('healer: retry with backoff'), waitMs: Math.min(MAX_BACKOFF_MS, advice.parameters.delayMs ?? 1000) };
    case 'switch_model': {
      const named = advice.parameters.model;
      const allowed = allowedModel(cfg, input.agent, named);
      return { out: retry('healer: switch model', allowed ?? nextModel(input.agent)), ...(named !== undefined && allowed === undefined ? { refusedModel: named } : {}) };
    }
    case 'pause_agent':
      return { out: retry('healer: paused the agent, then retry'), pauseMinutes: advice.parameters.pauseMinutes ?? 5 };
    case 'escalate_human':
      return { out: { action: 'fail', at: now, reason: `escalated to a person: ${advice.diagnosis}` }, escalate: advice.diagnosis };
    default:
      return { out: { action: 'fail', at: now, reason: `healer chose to ignore: ${advice.diagnosis}` } };
  }
}

/** The events of one heal, each keyed by the heal step so a replay tells nothing new. */
export const healTold = {
  requested: (input: HealInput, incidentId: string, kind: IncidentKind, now: number): Keyed => ({
    event: createEvent('heal.requested', { incidentId, kind, taskId: input.taskId, ...(input.agent ? { agent: input.agent } : {}) }, now),
    key: `${input.key}:requested`,
  }),
  refused: (input: HealInput, incidentId: string, advice: HealerOutput, reason: string, now: number): Keyed => ({
    event: createEvent('heal.refused', { incidentId, remedy: advice.remedy, severity: advice.severity, reason }, now),
    key: `${input.key}:refused`,
  }),
  applied: (input: HealInput, incidentId: string, advice: HealerOutput, now: number): Keyed => ({
    event: createEvent('heal.applied', { incidentId, remedy: advice.remedy, severity: advice.severity, by: 'policy' }, now),
    key: `${input.key}:applied`,
  }),
  /** A person is told: the restart limit was reached (`limit`), a remedy waits for them (`ask`), the healer escalated (`human`). */
  escalated: (input: HealInput, domain: string, reason: string, why: 'limit' | 'ask' | 'human', now: number): Keyed => ({
    event: createEvent('escalation.raised', { taskId: input.taskId, domain, to: 'person', reason }, now),
    key: `${input.key}:${why}`,
  }),
};

/** The next stronger model in the configured tiers after `current`. */
export function nextTier(cfg: ResolvedConfig, current: string): string | undefined {
  const tiers = cfg.models.tiers;
  const at = tiers.indexOf(current);
  return at >= 0 && at + 1 < tiers.length ? tiers[at + 1] : undefined;
}
