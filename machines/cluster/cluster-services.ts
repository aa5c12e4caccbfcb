// The policy a cluster supervisor gives its engine (steps.ts ClusterServices): the same gate,
// deliveries and approvals as embedded, over the tables every supervisor shares. What differs is
// stated where it differs: no breakers span the cluster yet, only a task's whole SLA escalates
// (not each review's), and healing retries within the restart limit without asking the healer agent.
import type { StructuredModel } from '../../agents/client/types.js';
import type { Clock } from '../../core/clock.js';
import type { ResolvedConfig } from '../../config/load.js';
import type { PgApprovals } from '../../memory/postgres/approvals.js';
import type { PgEscalations } from '../../memory/postgres/escalations.js';
import type { LedgerStore } from '../../memory/store.js';
import type { ApprovalView, TaskView } from '../contract.js';
import { createEvent } from '../events.js';
import { taskGate } from '../gate/task-gate.js';
import { toUsd } from '../ledger/money.js';
import { HOPELESS } from '../supervisor/activities/heal-step.js';
import { TIER_TO } from '../supervisor/policy/escalation.js';
import type { ApprovalOutput, HealOutput } from '../task/activities.js';
import type { ClusterDeliveries } from './cluster-deliveries.js';
import type { ClusterEvents } from './cluster-events.js';
import type { ApprovalRequest, ClusterServices } from './steps.js';
import type { ClusterTaskViews } from './task-views.js';

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
}

export function clusterServices(d: ClusterPolicyDeps): ClusterServices {
  const { views, events, clock } = d;
  return {
    config: d.config,
    model: d.model,
    ledger: d.ledger,
    observer: views,
    async slaBreached(b) {
      const now = clock.now();
      const key = `${b.taskId}:${b.scope}`;
      const reason = `${b.scope} SLA exceeded (tier ${b.tier})`;
      await d.escalations.breached(b, now);
      await events.emitDurable(createEvent('sla.exceeded', { taskId: b.taskId, scope: b.scope, deadline: new Date(b.deadline).toISOString(), tier: b.tier }, now), `${key}:sla:${b.tier}`);
      await events.emitDurable(createEvent('escalation.raised', { taskId: b.taskId, domain: b.domain, to: TIER_TO[b.tier], reason }, now), `${key}:esc:${b.tier}`);
      const why = `SLA escalation reached tier 3 on ${b.taskId}`;
      if (b.tier === 3 && (await d.escalations.pause(b.domain, why, now))) await events.emitDurable(createEvent('domain.paused', { domain: b.domain, reason: why }, now), `${key}:paused`);
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
      for (const record of routing.now) started.push(await views.accepted(record));
      return started;
    },
    async eventBatchDue(records) {
      // Made when the window ends, as embedded: their SLAs count from then.
      const now = clock.now();
      const due = records.map((r) => ({ ...r, createdAt: now })).sort((a, b) => a.priority.localeCompare(b.priority));
      for (const record of due) await views.accepted(record);
      return due;
    },
    async gate(input) {
      const cfg = d.config();
      const record = views.record(input.taskId);
      const day = await d.ledger.view();
      const domainPaused = await d.escalations.isPaused(input.domain);
      const out = taskGate(cfg, input, { record, spentUsd: views.costOf(input.taskId), spentTodayUsd: toUsd(day.spentMicros), breakerOpen: false, domainPaused });
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
    heal(input) {
      const cfg = d.config();
      const now = clock.now();
      const fail = (reason: string): Promise<HealOutput> => Promise.resolve({ action: 'fail', at: now, reason });
      if (HOPELESS.has(input.error.code) || input.agent === 'healer') return fail(input.error.message);
      const period = cfg.healing.restartPeriodSeconds * 1000;
      if (input.restarts.filter((t) => now - t < period).length >= cfg.healing.restartIntensity) {
        return fail(`restart limit reached (${cfg.healing.restartIntensity} in ${cfg.healing.restartPeriodSeconds} s) after ${input.error.code}`);
      }
      return Promise.resolve({ action: 'retry', at: now, reason: `retry after ${input.error.code} (on the cluster the healer agent is not consulted)` });
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
