// Pending approvals: requested by a task's gate, decided by a person (CLI/HTTP) or by the
// fallback when the absolute deadline passes. Deadlines come from the journal after a restart,
// so a pending approval keeps its original deadline.
import { UserError } from '../../core/errors.js';
import type { Clock } from '../../core/clock.js';
import type { ApprovalView } from '../../server/contract.js';
import type { ApprovalOutput } from '../task/activities.js';

interface Pending {
  view: ApprovalView;
  resolve: (out: ApprovalOutput) => void;
  timer: unknown;
}

export interface Decision {
  status: 'granted' | 'rejected';
  by: 'person' | 'coordinator' | 'policy';
  note?: string;
  at: number;
}

export class Approvals {
  private readonly pending = new Map<string, Pending>();
  private readonly decided = new Map<string, ApprovalView>();
  /** Decisions replayed from the journal, waiting for their task to ask again. */
  private readonly recorded = new Map<string, Decision>();

  constructor(private readonly clock: Clock) {}

  replayDecision(approvalId: string, decision: Decision): void {
    this.recorded.set(approvalId, decision);
  }

  /** Waits for a decision on `view.id`, or for its deadline (then answers timed_out). */
  wait(view: ApprovalView): Promise<ApprovalOutput> {
    const recorded = this.recorded.get(view.id);
    if (recorded) {
      this.recorded.delete(view.id);
      this.settle(view, recorded);
      return Promise.resolve(outputOf(view, recorded));
    }
    return new Promise((resolve) => {
      const remaining = Date.parse(view.deadline) - this.clock.now();
      const timer = this.clock.setTimeout(() => this.timeout(view.id), Math.max(0, remaining));
      this.pending.set(view.id, { view, resolve, timer });
    });
  }

  /** A person's or the coordinator's decision. Throws NOT_FOUND / CONFLICT for unknown or decided ids. */
  decide(approvalId: string, decision: Decision): ApprovalView {
    const p = this.pending.get(approvalId);
    if (!p) {
      if (this.decided.has(approvalId)) throw new UserError('CONFLICT', `approval ${approvalId} is already decided`);
      throw new UserError('NOT_FOUND', `no pending approval ${approvalId}`);
    }
    this.clock.clearTimeout(p.timer);
    this.pending.delete(approvalId);
    const view = this.settle(p.view, decision);
    p.resolve(outputOf(p.view, decision));
    return view;
  }

  get(approvalId: string): ApprovalView | undefined {
    return this.pending.get(approvalId)?.view ?? this.decided.get(approvalId);
  }

  list(status?: ApprovalView['status']): ApprovalView[] {
    const all = [...[...this.pending.values()].map((p) => p.view), ...this.decided.values()];
    return status ? all.filter((v) => v.status === status) : all;
  }

  /** Cancels every wait (shutdown); pending approvals stay pending in the journal. */
  close(): void {
    for (const p of this.pending.values()) this.clock.clearTimeout(p.timer);
    this.pending.clear();
  }

  forgetTask(taskId: string): void {
    for (const [id, v] of this.decided) if (v.taskId === taskId) this.decided.delete(id);
  }

  private timeout(approvalId: string): void {
    const p = this.pending.get(approvalId);
    if (!p) return;
    this.pending.delete(approvalId);
    const view: ApprovalView = { ...p.view, status: 'timed_out', decidedAt: new Date(this.clock.now()).toISOString() };
    this.decided.set(approvalId, view);
    p.resolve({ status: 'timed_out', fallback: p.view.fallback });
  }

  private settle(view: ApprovalView, d: Decision): ApprovalView {
    const settled: ApprovalView = { ...view, status: d.status, decidedBy: d.by, decidedAt: new Date(d.at).toISOString() };
    if (d.note !== undefined) settled.note = d.note;
    this.decided.set(view.id, settled);
    return settled;
  }
}

function outputOf(view: ApprovalView, d: Decision): ApprovalOutput {
  const out: ApprovalOutput = { status: d.status, fallback: view.fallback };
  if (d.note !== undefined) out.note = d.note;
  return out;
}
