// The gate activity: one pure decision (machines/gate.ts), journaled so replay never re-decides
// under a config or spend that changed since.
import { fromPromise } from 'xstate';
import { gateAgent, taskGate } from '../../gate/task-gate.js';
import type { GateInput as TaskGateInput, GateOutput } from '../../task/activities.js';
import { createEvent } from '../../events.js';
import type { Runtime } from './runtime.js';

/** What a gate step uses of the runtime. */
type GateDeps = Pick<Runtime, 'agents' | 'clock' | 'config' | 'events' | 'learned' | 'ledger' | 'memo' | 'pausedDomains' | 'record' | 'recordOutcome' | 'views'>;

export function gateLogic(rt: GateDeps) {
  return fromPromise<GateOutput, TaskGateInput>(async ({ input }) => {
    const run = await rt.memo.run<GateOutput>(input.key, input.taskId, () => {
      const cfg = rt.config();
      const record = rt.record(input.taskId);
      const agent = gateAgent(record);
      const out = taskGate(cfg, input, {
        record,
        spentUsd: rt.views.get(input.taskId)?.costUsd ?? 0,
        spentTodayUsd: rt.ledger.view().spentUsd,
        breakerOpen: rt.agents.breakerOpen(agent),
        domainPaused: rt.pausedDomains.has(input.domain),
        learnedThreshold: rt.learned.confidenceThreshold(agent, record.workflow),
      });
      rt.events.emit(createEvent('gate.decided', { taskId: input.taskId, action: input.action, decision: out.decision, reasons: out.reasons, mode: cfg.mode }, rt.clock.now()), `${input.key}:gate`);
      rt.recordOutcome(input.taskId, 'gate', { decision: out.decision, confidence: input.confidence, agent });
      return Promise.resolve({ value: out, costUsd: 0 });
    });
    return run.value;
  });
}
