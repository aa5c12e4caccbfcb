// The gate as a task asks it: the task's facts (its record, what it spent, the day's spend, the
// agent's breaker, a paused domain, a tuned threshold) into one pure decision, the same on every
// engine; the caller records it (the embedded activity journal, a DBOS step).
import type { ResolvedConfig } from '../../config/load.js';
import type { GateInput as TaskGateInput, GateOutput } from '../task/activities.js';
import type { TaskRecord } from '../task/context.js';
import { decideGate } from '../gate.js';
import { sampleFor } from './sample.js';

export interface TaskGateFacts {
  record: TaskRecord;
  /** What the task's model calls cost so far, USD. */
  spentUsd: number;
  spentTodayUsd: number;
  breakerOpen: boolean;
  domainPaused: boolean;
  /** The learning store's threshold for this agent and workflow (undefined: the config's). */
  learnedThreshold?: number | undefined;
}

/** The agent whose confidence the gate weighs: the task's first author. */
export function gateAgent(record: TaskRecord): NonNullable<TaskRecord['definition']['steps'][number]>['agent'] {
  return record.definition.steps[0]?.agent ?? 'marketing';
}

export function taskGate(cfg: ResolvedConfig, input: TaskGateInput, facts: TaskGateFacts): GateOutput {
  const declaredCost = Number(facts.record.input['actionCostUsd'] ?? 0);
  const decision = decideGate({
    mode: cfg.mode,
    controls: cfg.risk,
    proposal: {
      taskId: input.taskId,
      action: input.action,
      domain: input.domain,
      confidence: Math.min(1, Math.max(0, input.confidence)),
      estimatedCostUsd: Number.isFinite(declaredCost) ? Math.max(0, declaredCost) + facts.spentUsd : facts.spentUsd,
      // The task's own model spend is in the day's spend and in its estimate: count it once.
      spentTodayUsd: Math.max(0, facts.spentTodayUsd - facts.spentUsd),
      breakerOpen: facts.breakerOpen,
      domainPaused: facts.domainPaused,
    },
    learned: { confidenceThreshold: cfg.learning.pin.confidenceThreshold ? undefined : facts.learnedThreshold },
    sample: sampleFor(input.taskId, input.action),
  });
  const out: GateOutput = { decision: decision.decision, reasons: decision.reasons };
  if (input.forceApproval && out.decision === 'auto') {
    out.decision = 'approval';
    out.reasons = [...out.reasons, 'the coordinator asked for a person to decide'];
  }
  return out;
}
