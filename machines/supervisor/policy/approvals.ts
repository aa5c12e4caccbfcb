// Pending approvals: requested by a task's gate, decided by a person (CLI/HTTP) or by the
// fallback when the absolute deadline passes. Deadlines come from the journal after a restart,
// so a pending approval keeps its original deadline. A task waiting here may be parked (its actor
// stopped, to hold only its view and record): its answer is then handed over to the task rebuilt
// from its journaled steps, which asks again.
import { UserError } from '../../../core/errors.js';
import type { Clock } from '../../../core/clock.js';
import type { ApprovalView } from '../../contract.js';
import type { ApprovalOutput } from '../../task/activities.js';

interface Pending {
  view: ApprovalView;
  /** Null once the waiting task is parked: the answer is handed over when it asks again. */
  resolve: ((out: ApprovalOutput) => void) | null;
  timer: unknown;
}

/** Who parks and wakes the waiting tasks (the task book). */
export interface ApprovalWatcher {
  /** A task now waits for a decision (it may be parked). */
  waiting(taskId: string): void;
  /** A parked task's approval has its answer: the task must run again to take it. */
  answered(taskId: string): void;
}

export interface Decision {
  status: 'granted' | 'rejected';
  by: 'person' | 'coordinator' | 'policy';
  note?: string;
  at: number;
  /** Who the person was, when said. */
  decider?: string;
  /** An edited output the person approved instead of the draft. */
  edited?: { step: string; output: Record<string, unknown> };
}

export class Approvals {
  private readonly pending = new Map<string, Pending>();
  private readonly decided = new Map<string, ApprovalView>();
  /** Decisions replayed from the journal, waiting for their task to ask again. */
  private readonly recorded = new Map<string, Decision>();
  /** Approval ids by task, in request order: a task's latest approval without a scan of all. */
  private readonly byTask = new Map<string, string[]>();
  /** Answers of parked tasks' approvals, waiting for the rebuilt task to ask again. */
  private readonly handover = new Map<string, ApprovalOutput>();
  private watcher: ApprovalWatcher | undefined;

  constructor(private readonly clock: Clock) {}

  watch(watcher: ApprovalWatcher): void {
    this.watcher = watcher;
  }

  /** Whether `approvalId` was answered while its task was parked (so the task asks again only to take it). */
  answeredWhileParked(approvalId: string): boolean {
    return this.handover.has(approvalId);
  }

  /** Drops the waits of `taskId`'s pending approvals (its actor is stopped); false when it has none. */
  park(taskId: string): boolean {
    let parked = false;
    for (const id of this.byTask.get(taskId) ?? []) {
      const p = this.pending.get(id);
      if (p?.resolve) {
        p.resolve = null;
        parked = true;
      }
    }
    return parked;
  }

  replayDecision(approvalId: string, decision: Decision): void {
    this.recorded.set(approvalId, decision);
  }

  /** Waits for a decision on `view.id`, or for its deadline (then answers timed_out). */
  wait(view: ApprovalView): Promise<ApprovalOutput> {
    const ids = this.byTask.get(view.taskId) ?? [];
    if (!ids.includes(view.id)) this.byTask.set(view.taskId, [...ids, view.id]);
    const handed = this.handover.get(view.id);
    if (handed) {
      this.handover.delete(view.id);
      return Promise.resolve(handed);
    }
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
      this.watcher?.waiting(view.taskId);
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
    this.answer(p, outputOf(p.view, decision));
    return view;
  }

  get(approvalId: string): ApprovalView | undefined {
    return this.pending.get(approvalId)?.view ?? this.decided.get(approvalId);
  }

  /** The task's pending approval, else its latest decided one (what its view shows). */
  latestFor(taskId: string): ApprovalView | undefined {
    const ids = this.byTask.get(taskId) ?? [];
    for (const id of ids) {
      const p = this.pending.get(id);
      if (p) return p.view;
    }
    for (let i = ids.length - 1; i >= 0; i--) {
      const v = this.decided.get(ids[i] ?? '');
      if (v) return v;
    }
    return undefined;
  }

  /** Every approval of a task, in request order, as it stands now. */
  allFor(taskId: string): ApprovalView[] {
    return (this.byTask.get(taskId) ?? []).map((id) => this.get(id)).filter((v): v is ApprovalView => v !== undefined);
  }

  /** Withdraws a cancelled task's pending approvals: no decision will come. */
  withdraw(taskId: string): void {
    for (const id of this.byTask.get(taskId) ?? []) {
      const p = this.pending.get(id);
      if (!p) continue;
      this.clock.clearTimeout(p.timer);
      this.pending.delete(id);
      this.decided.set(id, { ...p.view, status: 'withdrawn', decidedAt: new Date(this.clock.now()).toISOString() });
    }
  }

  list(status?: ApprovalView['status']): ApprovalView[] {
    const all = [...[...this.pending.values()].map((p) => p.view), ...this.decided.values()];
    return status ? all.filter((v) => v.status === status) : all;
  }

  /** Cancels every wait (shutdown); pending approvals stay pending in the journal. */
  close(): void {
    for (const p of this.pending.values()) this.clock.clearTimeout(p.timer);
    this.pending.clear();
    this.handover.clear();
  }

  forgetTask(taskId: string): void {
    for (const id of this.byTask.get(taskId) ?? []) {
      this.decided.delete(id);
      this.handover.delete(id);
    }
    const open = (this.byTask.get(taskId) ?? []).filter((id) => this.pending.has(id));
    if (open.length > 0) this.byTask.set(taskId, open);
    else this.byTask.delete(taskId);
  }

  private timeout(approvalId: string): void {
    const p = this.pending.get(approvalId);
    if (!p) return;
    this.pending.delete(approvalId);
    // An escalating fallback asks again one tier up: this request is then shown as escalated.
    const view: ApprovalView = { ...p.view, status: p.view.fallback === 'escalate' ? 'escalated' : 'timed_out', decidedAt: new Date(this.clock.now()).toISOString() };
    this.decided.set(approvalId, view);
    this.answer(p, { status: 'timed_out', fallback: p.view.fallback });
  }

  private answer(p: Pending, out: ApprovalOutput): void {
    if (p.resolve) return p.resolve(out);
    this.handover.set(p.view.id, out);
    this.watcher?.answered(p.view.taskId);
  }

  private settle(view: ApprovalView, d: Decision): ApprovalView {
    const settled: ApprovalView = { ...view, status: d.status, decidedBy: d.by, decidedAt: new Date(d.at).toISOString() };
    if (d.note !== undefined) settled.note = d.note;
    if (d.decider !== undefined) settled.decider = d.decider;
    if (d.edited !== undefined) settled.edited = d.edited;
    this.decided.set(view.id, settled);
    return settled;
  }
}

function outputOf(view: ApprovalView, d: Decision): ApprovalOutput {
  const out: ApprovalOutput = { status: d.status, fallback: view.fallback };
  if (d.note !== undefined) out.note = d.note;
  if (d.edited !== undefined) out.output = d.edited.output;
  return out;
}
