// The policy a cluster supervisor gives its engine (steps.ts ClusterServices): the same gate,
// deliveries and approvals as embedded, over the tables every supervisor shares. What differs is
// stated where it differs: breakers are each supervisor's own (agent-calls.ts), and a healer's
// pause_agent is waited out by the task rather than pausing the agent. The gate's threshold, the
// agents' models and the healer's severity threshold are the learning store's where it learned
// them from the cluster's outcomes and heal outcomes (cluster-learning.ts), as embedded; each
// applied remedy is recorded there for every supervisor. While a live peer decides by another
// config, the gate holds what it would approve automatically for a person (policy-hold.ts).
import type { StructuredModel } from '../../agents/client/types.js';
import type { Clock } from '../../core/clock.js';
import type { ResolvedConfig } from '../../config/load.js';
import type { PgApprovals } from '../../memory/postgres/approvals.js';
import type { PgEscalations } from '../../memory/postgres/escalations.js';
import type { LedgerStore } from '../../memory/store.js';
import type { ApprovalView, TaskView } from '../contract.js';
import { createEvent } from '../events.js';
import { gateAgent, taskGate } from '../gate/task-gate.js';
import { toUsd } from '../ledger/money.js';
import { healRecordOf } from '../../memory/learning/index.js';
import { healTold, nextTier, refusal, remedyOf, triage } from '../supervisor/policy/healing.js';
import { breachTold } from '../supervisor/policy/escalation.js';
import type { ApprovalOutput } from '../task/activities.js';
import type { HealerOutput } from '../../schemas/generated/types.js';
import { pausesDomain, reviewCompleted, reviewMinutes, reviewRequested, stepCompleted, stepFailed, stepStarted } from '../task/step-events.js';
import type { Keyed } from '../events.js';
import type { ClusterAgents } from './agent-calls.js';
import type { ClusterDeliveries } from './cluster-deliveries.js';
import type { ClusterEvents } from './cluster-events.js';
import type { ClusterLearning } from './cluster-learning.js';
import type { PolicyHold } from './policy-hold.js';
import type { ApprovalRequest, ClusterServices, HealDecided } from './steps.js';
import type { ClusterTaskViews } from './task-views.js';
import type { TaskPlan } from './task-workflow.js';

export interface ClusterPolicyDeps {
  config: () => ResolvedConfig;
  clock: Clock;
  model: StructuredModel;
  ledger: LedgerStore;
  views: ClusterTaskViews;
  approvals: PgApprovals<ApprovalView>;
  events: ClusterEvents;
  deliveries: ClusterDeliveries;
  escalations: PgEscalations;
  agents: ClusterAgents;
  learned: Pick<ClusterLearning, 'confidenceThreshold' | 'model' | 'severityThreshold' | 'recordHeal'>;
  /** Holds automatic approvals while a live peer decides by another config. */
  hold: Pick<PolicyHold, 'apply'>;
}

export function clusterServices(d: ClusterPolicyDeps): ClusterServices {
  const { views, events, clock } = d;
  const tell = (told: Keyed): Promise<void> => events.emitDurable(told.event, told.key);
  /** Pauses `domain` for the whole cluster; only the supervisor that paused it announces it. */
  async function pause(domain: string, reason: string, key: string): Promise<void> {
    const now = clock.now();
    if (await d.escalations.pause(domain, reason, now)) await events.emitDurable(createEvent('domain.paused', { domain, reason }, now), key);
  }
  return {
    config: d.config,
    model: d.model,
    ledger: d.ledger,
    agents: d.agents,
    learned: d.learned,
    observer: views,
    async slaBreached(b) {
      const now = clock.now();
      await d.escalations.breached(b, now);
      for (const told of breachTold(b, now)) await tell(told);
      if (b.tier === 3) await pause(b.domain, `SLA escalation reached tier 3 on ${b.taskId}`, `${b.key}:paused`);
    },
    calls: {
      started: (input) => tell(stepStarted(input, clock.now())),
      ended: (input, end) => tell(end.ok ? stepCompleted(input, end.result, end.rerun, clock.now()) : stepFailed(input, end.error, clock.now())),
      reviewRequested(record, input, review, at) {
        return tell(reviewRequested(input, review, record.tier, at + reviewMinutes(d.config(), review, record.tier) * 60_000, at));
      },
      async reviewed(record, input, review, output, requestedAt) {
        const now = clock.now();
        await tell(reviewCompleted(input, review, output, Math.max(0, (now - requestedAt) / 60_000), now));
        if (pausesDomain(review, output)) await pause(record.definition.domain, `the coordinator paused it while reviewing ${record.id}`, `${input.key}:paused`);
      },
    },
    async scheduled(record, scheduleId) {
      await events.emitDurable(createEvent('schedule.fired', { scheduleId, workflow: record.workflow }, record.createdAt), record.origin);
      await views.accepted(record);
    },
    async eventRouted(routing) {
      const { eventId, type, at } = routing;
      await events.emitDurable(createEvent('event.received', { eventId, event: type, data: routing.data }, at), `${eventId}:received`);
      for (const { index, reason } of routing.ignored) await events.emitDurable(createEvent('event.ignored', { eventId, event: type, reason }, at), `${eventId}:ignored:${index}`);
      const started: TaskView[] = [];
      for (const { record } of routing.now) started.push(await views.accepted(record));
      return started;
    },
    async eventBatchDue(plans) {
      // Made when the window ends, as embedded: their SLAs (a flow's children's too) count from then.
      const now = clock.now();
      const madeNow = (plan: TaskPlan): TaskPlan => ({ ...plan, record: { ...plan.record, createdAt: now }, ...(plan.children ? { children: plan.children.map(madeNow) } : {}) });
      const due = plans.map(madeNow).sort((a, b) => a.record.priority.localeCompare(b.record.priority));
      for (const { record } of due) await views.accepted(record);
      return due;
    },
    async gate(input) {
      const cfg = d.config();
      const record = views.record(input.taskId);
      const day = await d.ledger.view();
      const domainPaused = await d.escalations.isPaused(input.domain);
      const agent = gateAgent(record);
      const facts = { record, spentUsd: views.costOf(input.taskId), spentTodayUsd: toUsd(day.spentMicros), breakerOpen: d.agents.isOpen(agent), domainPaused };
      const out = d.hold.apply(taskGate(cfg, input, { ...facts, learnedThreshold: d.learned.confidenceThreshold(agent, record.workflow) }));
      await events.emitDurable(createEvent('gate.decided', { taskId: input.taskId, action: input.action, decision: out.decision, reasons: out.reasons, mode: cfg.mode }, clock.now()), `${input.key}:gate`);
      return out;
    },
    async execute(input) {
      const record = views.record(input.taskId);
      const last = record.definition.steps.at(-1)?.id ?? '';
      const note = input.by === 'person' ? views.latestApproval(input.taskId)?.note : undefined;
      const src = { taskId: input.taskId, workflow: record.workflow, action: input.action, input: record.input, output: input.outputs[last], approver: input.by };
      const delivered = await d.deliveries.deliver(note === undefined ? src : { ...src, note });
      if (delivered.length > 0) await views.deliveries(record, delivered);
      await events.emitDurable(createEvent('action.executed', { taskId: input.taskId, action: input.action, by: input.by }, clock.now()), `${input.key}:done`);
    },
    async heal(input) {
      const now = clock.now();
      const first = triage(d.config(), input, now);
      const domain = views.record(input.taskId).definition.domain;
      if (first.next === 'fail') {
        if (first.escalate !== undefined) await tell(healTold.escalated(input, domain, first.escalate, 'limit', now));
        return { decided: { action: 'fail', at: now, reason: first.reason } };
      }
      if (first.next === 'wait') return { decided: { action: 'retry', at: now, reason: first.reason }, waitMs: first.ms };
      const { incidentId, kind } = first;
      await tell(healTold.requested(input, incidentId, kind, now));
      return { consult: { input: first.healerInput, at: now, incidentId } };
    },
    async healAdvice(input, consult, diagnosis) {
      const cfg = d.config();
      const { at, incidentId } = consult;
      const fail = (reason: string): HealDecided => ({ decided: { action: 'fail', at, reason } });
      if (!diagnosis.ok) return fail(`the healer could not diagnose ${input.error.code}: ${diagnosis.error.message}`);
      const advice = diagnosis.output.output as HealerOutput;
      const record = views.record(input.taskId);
      const domain = record.definition.domain;
      const threshold = (cfg.learning.pin.severityThreshold ? undefined : d.learned.severityThreshold()) ?? cfg.healing.severityThreshold;
      const refused = refusal(cfg, input, advice, threshold);
      if (refused) {
        await tell(healTold.refused(input, incidentId, advice, refused.reason, at));
        if (refused.ask !== undefined) await tell(healTold.escalated(input, domain, refused.ask, 'ask', at));
        return fail(refused.fail);
      }
      const remedy = remedyOf(cfg, input, advice, at, (agent) => nextTier(cfg, (agent && cfg.models.byAgent[agent]) ?? cfg.models.default));
      if (remedy.escalate !== undefined) await tell(healTold.escalated(input, domain, remedy.escalate, 'human', at));
      await tell(healTold.applied(input, incidentId, advice, at));
      // The incident triage made (heal above): its kind is the failure's the remedy is counted for.
      const { kind } = (consult.input as { incident: { kind: string } }).incident;
      const heal = healRecordOf({ kind, remedy: advice.remedy, severity: advice.severity, action: remedy.out.action });
      await d.learned.recordHeal(`${input.key}:heal`, at, { taskId: input.taskId, agent: input.agent ?? '', workflow: record.workflow }, heal);
      // A paused agent is waited out by this task (its calls may run on any supervisor).
      const waitMs = remedy.waitMs ?? (remedy.pauseMinutes === undefined ? undefined : remedy.pauseMinutes * 60_000);
      return waitMs === undefined ? { decided: remedy.out } : { decided: remedy.out, waitMs };
    },
    async approvalRequested(request) {
      const record = views.record(request.taskId);
      const view: ApprovalView = {
        kind: 'action',
        id: request.id,
        taskId: request.taskId,
        action: request.action,
        reasons: request.reasons,
        requestedAt: new Date(request.requestedAt).toISOString(),
        deadline: new Date(request.deadline).toISOString(),
        fallback: request.fallback,
        status: 'pending',
      };
      const index = views.approvalCount(request.taskId);
      await d.approvals.put({ id: view.id, kind: 'action', taskId: view.taskId, status: 'pending', key: [record.createdAt, record.id, index], view });
      await views.approval(record, view);
      const payload = { taskId: view.taskId, approvalId: view.id, action: view.action, reasons: view.reasons, deadline: view.deadline, fallback: view.fallback };
      await events.emitDurable(createEvent('approval.requested', payload, request.requestedAt), `${view.id}:requested`);
    },
    async approvalEnded(request: ApprovalRequest, out: ApprovalOutput) {
      const record = views.record(request.taskId);
      let row = await d.approvals.get(request.id);
      if (out.status === 'timed_out' && row?.status === 'pending') {
        const timedOut: ApprovalView = { ...row.view, status: 'timed_out', decidedBy: 'policy', decidedAt: new Date(clock.now()).toISOString() };
        await d.approvals.decide(request.id, 'timed_out', timedOut);
        row = { status: 'timed_out', view: timedOut };
      }
      if (row) await views.approval(record, row.view);
    },
  };
}
