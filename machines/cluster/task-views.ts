// A cluster task's view, kept from the task machine's snapshots as its workflow drives it and
// written to agentry_tasks, where every supervisor reads it (the live list, `task show`, history).
// A replayed workflow tells the same snapshots in the same order, so the view it rebuilds is the
// one it had; each write replaces the row, and each event has a key, so nothing is told twice.
// Beside the view, the task's outcome is drafted from the same steps and recorded when it ends
// (once: a replay rebuilds the same record, and its id is written once).
import type { Clock } from '../../core/clock.js';
import { newDraft, noteDecision, outcomeOf } from '../../memory/learning/index.js';
import type { OutcomeDraft } from '../../memory/learning/index.js';
import type { PgHistory } from '../../memory/postgres/history.js';
import { SystemError } from '../../core/errors.js';
import type { ApprovalView, DeliveryView, TaskView } from '../contract.js';
import { createEvent } from '../events.js';
import { summarizeView } from '../supervisor/read-models/history.js';
import { isTerminal, newView, statusOf } from '../supervisor/tasks/views.js';
import type { TaskRecord } from '../task/context.js';
import { errorCode, finalEvent } from '../task/final-event.js';
import type { RejectedBy } from '../task/task-machine.js';
import type { ClusterEvents } from './cluster-events.js';
import type { Ended, TaskResult, TaskSnapshot } from './drive.js';
import type { OutcomeRecord } from '../../schemas/generated/types.js';
import { noteEnded } from './outcome-notes.js';
import type { TaskObserver } from './steps.js';

interface Live {
  record: TaskRecord;
  view: TaskView;
  rejectedBy?: RejectedBy;
  outcome: OutcomeDraft;
}

export interface ClusterTaskViewsDeps {
  history: PgHistory<TaskView>;
  events: Pick<ClusterEvents, 'emitDurable'>;
  clock: Clock;
  /** Every cost is the offline model's simulated one. */
  simulated: boolean;
  /** Where a finished task's outcome is recorded (the learning store). */
  outcomes?: { record(outcome: OutcomeRecord): Promise<void> };
}

export class ClusterTaskViews implements TaskObserver {
  /** Tasks whose workflow runs in this process, by id. */
  private readonly live = new Map<string, Live>();

  constructor(private readonly deps: ClusterTaskViewsDeps) {}

  /**
   * The view of a task just accepted, recorded with its `task.created` event (and `task.blocked`
   * when it waits), all idempotent. A flow shows as running from the start, as embedded.
   */
  async accepted(record: TaskRecord, status: 'pending' | 'blocked' | 'running' = record.children ? 'running' : 'pending'): Promise<TaskView> {
    const view = this.viewOf(record).view;
    view.status = status;
    await this.write(view);
    const payload = { taskId: record.id, workflow: record.workflow, priority: record.priority, source: record.source, dependsOn: record.dependsOn, contentType: record.contentType };
    const { events } = this.deps;
    await events.emitDurable(createEvent('task.created', record.parentId ? { ...payload, parentId: record.parentId } : payload, record.createdAt), `${record.id}:created`);
    if (status === 'blocked') await events.emitDurable(createEvent('task.blocked', { taskId: record.id, waitingFor: record.dependsOn }, record.createdAt), `${record.id}:blocked`);
    return view;
  }

  async dependencyResolved(record: TaskRecord, dependency: string): Promise<void> {
    await this.deps.events.emitDurable(createEvent('dependency.resolved', { taskId: record.id, dependency }, this.deps.clock.now()), `${record.id}:dep:${dependency}`);
  }

  async progress(record: TaskRecord, snapshot: TaskSnapshot, ended: readonly Ended[]): Promise<void> {
    if (ended.length === 0) {
      // The workflow's start (or its replay after a crash): the view starts over from the record.
      this.live.delete(record.id);
      await this.accepted(record, 'pending');
    }
    const live = this.viewOf(record);
    const { view } = live;
    for (const end of ended) {
      noteEnded(live.outcome, end);
      const { invocation, settled } = end;
      if (!settled.ok) continue;
      if (invocation.src === 'agentStep') {
        const out = settled.output as { costUsd: number; timeline: NonNullable<TaskView['steps']>[number] };
        view.costUsd += out.costUsd;
        view.steps = [...(view.steps ?? []), out.timeline];
      }
    }
    const ctx = snapshot.context;
    const status = statusOf(snapshot);
    if (!isTerminal(status)) view.status = status;
    view.round = ctx.round;
    view.outputs = ctx.outputs;
    view.reviews = ctx.reviews;
    if (ctx.error) view.error = ctx.error;
    if (ctx.failedPhase) view.failedPhase = ctx.failedPhase;
    const gate = (ctx as { gate?: TaskView['gate'] }).gate;
    if (gate) view.gate = gate;
    const rejectedBy = (ctx as { rejectedBy?: RejectedBy }).rejectedBy;
    if (rejectedBy) live.rejectedBy = rejectedBy;
    await this.write(view);
  }

  /** An approval the task asked for (pending) or its end (decided, timed out): the latest one shows. */
  async approval(record: TaskRecord, approval: ApprovalView): Promise<void> {
    const { view, outcome } = this.viewOf(record);
    if (approval.status === 'granted' || approval.status === 'rejected') noteDecision(outcome, { granted: approval.status === 'granted', byPerson: approval.decidedBy === 'person', edited: approval.edited !== undefined });
    view.approval = approval;
    view.approvals = [...(view.approvals ?? []).filter((a) => a.id !== approval.id), approval];
    await this.write(view);
  }

  async finished(record: TaskRecord, result: TaskResult): Promise<void> {
    const live = this.viewOf(record);
    const { view } = live;
    if (result.outcome === 'cancelled') {
      await this.cancelled(view, result.reason ?? 'cancelled');
      return;
    }
    view.status = result.outcome;
    if (result.reason && result.outcome !== 'completed') view.error = { code: errorCode(result.outcome, result.code), message: result.reason };
    await this.write(view);
    this.live.delete(record.id);
    await this.deps.events.emitDurable(finalEvent(record, result.outcome, view, result.reason, live.rejectedBy, this.deps.clock.now()), `${record.id}:final`);
    const outcome = outcomeOf(live.outcome, result.outcome, this.deps.clock.now());
    if (outcome) await this.deps.outcomes?.record(outcome);
  }

  /** A task cancelled from outside its workflow (which DBOS stopped): its view shows it. */
  async cancelled(view: TaskView, reason: string): Promise<TaskView> {
    this.live.delete(view.id);
    const next: TaskView = { ...view, status: 'cancelled', error: { code: 'cancelled', message: reason } };
    await this.write(next);
    const payload = view.parentId ? { taskId: view.id, reason, parentId: view.parentId } : { taskId: view.id, reason };
    await this.deps.events.emitDurable(createEvent('task.cancelled', payload, this.deps.clock.now()), `${view.id}:cancelled`);
    return next;
  }

  /** The record of a task whose workflow runs here (its steps run where it runs). */
  record(taskId: string): TaskRecord {
    const live = this.live.get(taskId);
    if (!live) throw new SystemError('INTERNAL', `task ${taskId} does not run in this supervisor`);
    return live.record;
  }

  /** What the task's model calls cost so far, USD. */
  costOf(taskId: string): number {
    return this.live.get(taskId)?.view.costUsd ?? 0;
  }

  latestApproval(taskId: string): ApprovalView | undefined {
    return this.live.get(taskId)?.view.approval;
  }

  approvalCount(taskId: string): number {
    return this.live.get(taskId)?.view.approvals?.length ?? 0;
  }

  async deliveries(record: TaskRecord, list: DeliveryView[]): Promise<void> {
    const { view } = this.viewOf(record);
    view.deliveries = list;
    await this.write(view);
  }

  private viewOf(record: TaskRecord): Live {
    let live = this.live.get(record.id);
    if (!live) {
      const view = newView(record, 'pending');
      if (this.deps.simulated) view.simulatedCost = true;
      live = { record, view, outcome: newDraft(record.id, record.workflow, record.contentType) };
      this.live.set(record.id, live);
    }
    return live;
  }

  private async write(view: TaskView): Promise<void> {
    view.updatedAt = new Date(this.deps.clock.now()).toISOString();
    const fields = summarizeView(view);
    if (fields) await this.deps.history.put(view, fields);
  }
}
