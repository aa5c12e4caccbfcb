// The approval activity: records the request with an absolute deadline, then waits for a
// person's decision or the deadline. After a restart the same deadline is re-armed.
import { createHash } from 'node:crypto';
import { fromPromise } from 'xstate';
import type { ApprovalInput, ApprovalOutput } from '../../task/activities.js';
import type { ApprovalView } from '../../contract.js';
import { createEvent } from '../../events.js';
import type { Runtime } from './runtime.js';
import { iso } from './runtime.js';

/** What an approval step uses of the runtime. */
type ApprovalDeps = Pick<Runtime, 'approvals' | 'clock' | 'config' | 'events' | 'memo' | 'record'>;
/** What recording the coordinator's fallback decision uses. */
export type FallbackDeps = Pick<Runtime, 'approvals' | 'clock' | 'config' | 'events'>;

/** A short, stable approval id derived from the activity key. */
function approvalIdOf(key: string): string {
  return `ap_${createHash('sha256').update(key).digest('hex').slice(0, 10)}`;
}

export function approvalLogic(rt: ApprovalDeps) {
  return fromPromise<ApprovalOutput, ApprovalInput>(async ({ input }) => {
    const run = await rt.memo.run<ApprovalOutput>(
      input.key,
      input.taskId,
      async ({ data }) => {
        const cfg = rt.config();
        const requestedAt = (data as { requestedAt: number }).requestedAt;
        const fallback = input.escalated ? 'reject' : cfg.approvals.fallback;
        const deadline = requestedAt + cfg.approvals.timeoutMinutes * 60_000;
        const view: ApprovalView = {
          kind: 'action',
          id: approvalIdOf(input.key),
          taskId: input.taskId,
          action: input.action,
          reasons: input.escalated ? [...input.reasons, 'escalated: the first request timed out'] : input.reasons,
          requestedAt: iso(requestedAt),
          deadline: iso(deadline),
          fallback,
          status: 'pending',
        };
        // A parked task rebuilt to take its answer asked already: its request is not told again.
        if (!rt.approvals.answeredWhileParked(view.id)) requested(rt, input, view);
        const out = await rt.approvals.wait(view);
        if (out.status === 'timed_out') {
          rt.events.emit(createEvent('approval.timed_out', { taskId: input.taskId, approvalId: view.id, fallback }, rt.clock.now()), `${input.key}:timeout`);
          // With no one else left to decide, the policy rejects: recorded as its decision.
          if (fallback === 'reject') {
            const payload = { taskId: input.taskId, approvalId: view.id, by: 'policy' as const, policy: fallbackPolicy(rt, 'reject') };
            rt.events.emit(createEvent('approval.rejected', payload, rt.clock.now()), `${input.key}:decided`);
          }
        }
        return { value: out, costUsd: 0 };
      },
      { data: { requestedAt: rt.clock.now() } },
    );
    return run.value;
  });
}

function requested(rt: ApprovalDeps, input: ApprovalInput, view: ApprovalView): void {
  const { fallback } = view;
  rt.events.emit(
    createEvent('approval.requested', { taskId: input.taskId, approvalId: view.id, action: input.action, reasons: view.reasons, deadline: view.deadline, fallback }, rt.clock.now()),
    `${input.key}:requested`,
  );
  if (input.escalated) {
    const domain = rt.record(input.taskId).definition.domain;
    rt.events.emit(createEvent('escalation.raised', { taskId: input.taskId, domain, to: 'person', reason: `approval ${view.id} timed out and was escalated` }, rt.clock.now()), `${input.key}:escalated`);
  }
}

function fallbackPolicy(rt: Pick<Runtime, 'config'>, fallback: ApprovalOutput['fallback']): string {
  const cfg = rt.config();
  return `${cfg.mode} mode; unanswered after ${cfg.approvals.timeoutMinutes} min, so the ${fallback} fallback decided`;
}

/**
 * The coordinator's answer on the `coordinator` fallback (the task's fallback step) is the
 * approval's decision: recorded as granted or rejected by the coordinator, under that policy.
 */
export function recordFallbackDecision(rt: FallbackDeps, taskId: string, key: string, output: unknown): void {
  const approval = rt.approvals.list('timed_out').findLast((a) => a.taskId === taskId);
  if (!approval) return;
  const granted = (output as { decision?: string }).decision === 'approve';
  const payload = { taskId, approvalId: approval.id, by: 'coordinator' as const, policy: fallbackPolicy(rt, 'coordinator') };
  rt.events.emit(granted ? createEvent('approval.granted', payload, rt.clock.now()) : createEvent('approval.rejected', payload, rt.clock.now()), `${key}:decided`);
}
