// The gate activity: one pure decision (machines/gate.ts), journaled so replay never re-decides
// under a config or spend that changed since.
import { fromPromise } from 'xstate';
import { decideGate, sampleFor } from '../../gate.js';
import type { GateInput as TaskGateInput, GateOutput } from '../../task/activities.js';
import { createEvent } from '../../events.js';
import type { Runtime } from './runtime.js';

/** What a gate step uses of the runtime. */
type GateDeps = Pick<Runtime, 'agents' | 'clock' | 'config' | 'events' | 'learned' | 'ledger' | 'memo' | 'pausedDomains' | 'record' | 'recordOutcome' | 'views'>;

function firstAgent(rt: Pick<Runtime, 'record'>, taskId: string) {
  return rt.record(taskId).definition.steps[0]?.agent ?? 'marketing';
}

export function gateLogic(rt: GateDeps) {
  return fromPromise<GateOutput, TaskGateInput>(async ({ input }) => {
    const run = await rt.memo.run<GateOutput>(input.key, input.taskId, () => {
      const cfg = rt.config();
      const record = rt.record(input.taskId);
      const agent = firstAgent(rt, input.taskId);
      const declaredCost = Number(record.input['actionCostUsd'] ?? 0);
      const spent = rt.views.get(input.taskId)?.costUsd ?? 0;
      const learnedThreshold = cfg.learning.pin.confidenceThreshold ? undefined : rt.learned.confidenceThreshold(agent, record.workflow);
      const decision = decideGate({
        mode: cfg.mode,
        controls: cfg.risk,
        proposal: {
          taskId: input.taskId,
          action: input.action,
          domain: input.domain,
          confidence: Math.min(1, Math.max(0, input.confidence)),
          estimatedCostUsd: Number.isFinite(declaredCost) ? Math.max(0, declaredCost) + spent : spent,
          spentTodayUsd: rt.ledger.view().spentUsd,
          breakerOpen: rt.agents.breakerOpen(agent),
          domainPaused: rt.pausedDomains.has(input.domain),
        },
        learned: { confidenceThreshold: learnedThreshold },
        sample: sampleFor(input.taskId, input.action),
      });
      const out: GateOutput = { decision: decision.decision, reasons: decision.reasons };
      if (input.forceApproval && out.decision === 'auto') {
        out.decision = 'approval';
        out.reasons = [...out.reasons, 'the coordinator asked for a person to decide'];
      }
      rt.events.emit(createEvent('gate.decided', { taskId: input.taskId, action: input.action, decision: out.decision, reasons: out.reasons, mode: cfg.mode }, rt.clock.now()), `${input.key}:gate`);
      rt.recordOutcome(input.taskId, 'gate', { decision: out.decision, confidence: input.confidence, agent });
      return Promise.resolve({ value: out, costUsd: 0 });
    });
    return run.value;
  });
}
