// Every task the supervisor knows: creation (validated, then journaled before it is
// acknowledged), spawning when dependencies allow, flows of child tasks, and completion.
import type { AnyActorRef, Subscription } from 'xstate';
import { UserError } from '../../../core/errors.js';
import type { ReviewTier, WorkflowConfig } from '../../../schemas/generated/types.js';
import { checkFirstInput, flowChildren, newTaskId, recordFor, workflowOf } from '../../task/new-record.js';
import { errorCode, finalEvent } from '../../task/final-event.js';
import type { CreateTaskRequest, FinalStatus, TaskStatus, TaskView } from '../../contract.js';
import { createEvent } from '../../events.js';
import type { RetrySeed, TaskContext, TaskRecord } from '../../task/context.js';
import { checkTaskInput } from '../../../config/task-input.js';
import type { RejectedBy, TaskOutcome } from '../../task/task-machine.js';
import type { Runtime } from '../activities/runtime.js';
import type { TaskRegistry } from './registry.js';
import { isTerminal, newView, statusOf } from './views.js';

type Source = TaskRecord['source'];
type FlowTask = NonNullable<WorkflowConfig['tasks']>[number];
/** A task actor's snapshot as the book reads it; `rejectedBy` is set by the transition that rejected the task. */
type TaskSnapshot = { status: string; hasTag(tag: TaskStatus): boolean; context: TaskContext & { rejectedBy?: RejectedBy }; output?: { outcome: TaskOutcome; reason?: string; code?: string } };

export interface TaskBookDeps {
  rt: Runtime;
  registry: TaskRegistry;
  /** A new, not yet started task actor for `record`. */
  createActor(record: TaskRecord): AnyActorRef;
  learnedTier(contentType: string): ReviewTier | undefined;
  /** A task is being cancelled: its queued and running model calls are cut off, its approval withdrawn. */
  onCancel(taskId: string): void;
}

/** Wait before a final outcome the journal refused is written again. */
const FINAL_RETRY_MS = 5_000;

export type FinishedListener = (record: TaskRecord, outcome: FinalStatus) => void;

export class TaskBook {
  readonly records: Map<string, TaskRecord>;
  readonly outcomes: Map<string, FinalStatus>;
  private readonly finishedListeners = new Set<FinishedListener>();
  /** Flows being cancelled: their end is the cancel's, not their children's. */
  private readonly cancelling = new Set<string>();
  private readonly subscriptions = new Map<string, Subscription>();
  /**
   * Live task actors. Kept here rather than as children of the root actor: XState copies a
   * parent's children on every spawn and stop, which makes 10k active tasks quadratic.
   */
  private readonly actors = new Map<string, AnyActorRef>();
  /** Tasks accepted and not finished (flows included). */
  private readonly active = new Set<string>();
  /**
   * Tasks parked while they wait for a person: no actor, only their record, view, journaled
   * steps and pending approval. The answer wakes them: a new actor replays the recorded steps
   * (no model call, no event told again) and takes the answer (approvals.ts hands it over).
   */
  private readonly parked = new Set<string>();
  private draining = false;
  /** Tasks with an outcome whose `final` record is not durable yet. */
  readonly finishing = new Set<string>();
  /** Timers of final outcomes waiting for the journal to accept them again. */
  private readonly finalRetries = new Set<unknown>();

  constructor(private readonly deps: TaskBookDeps) {
    this.records = deps.registry.records;
    this.outcomes = deps.registry.outcomes;
    deps.rt.approvals.watch({ waiting: (id) => this.park(id), answered: (id) => this.wake(id) });
  }

  /** Once the task's turn is over (its snapshot told), stops its actor if it still only waits for an answer. */
  private park(taskId: string): void {
    queueMicrotask(() => {
      const actor = this.actors.get(taskId);
      if (!actor || this.draining || this.outcomes.has(taskId) || !this.deps.rt.approvals.park(taskId)) return;
      this.subscriptions.get(taskId)?.unsubscribe();
      this.subscriptions.delete(taskId);
      actor.stop();
      this.actors.delete(taskId);
      this.parked.add(taskId);
    });
  }

  /** Whether the task is parked (waiting for a person with no actor). */
  isParked(taskId: string): boolean {
    return this.parked.has(taskId);
  }

  private wake(taskId: string): void {
    if (!this.parked.delete(taskId) || this.draining || this.outcomes.has(taskId)) return;
    this.spawn(this.record(taskId));
  }

  record(id: string): TaskRecord {
    return this.deps.registry.record(id);
  }

  /** Calls `listener` each time a task's final outcome is durable (before its dependents move on). */
  onFinished(listener: FinishedListener): void {
    this.finishedListeners.add(listener);
  }

  /** Whether new tasks are taken (false once a shutdown began). */
  get accepting(): boolean {
    return !this.draining;
  }

  /** Validates, journals (durably) and starts or blocks a new task; flows create their children. */
  /** `extra.id`: the id an idempotency key gave it (keyed-create.ts); otherwise a new one. */
  async create(req: CreateTaskRequest, source: Source, extra: { id?: string; origin?: string; parentId?: string; retry?: RetrySeed } = {}): Promise<TaskView> {
    const { rt } = this.deps;
    const wf = this.workflow(req.workflow);
    for (const dep of req.dependsOn ?? []) if (!this.records.has(dep)) throw new UserError('INVALID_INPUT', `dependsOn: no task ${dep}`);
    const record = this.recordFor(req, wf, extra.id ?? newTaskId(rt.clock.now()), source);
    if (extra.origin !== undefined) record.origin = extra.origin;
    if (extra.parentId !== undefined) record.parentId = extra.parentId;
    if (extra.retry !== undefined) record.retry = extra.retry;
    if (wf.tasks) return this.createFlow(record, wf.tasks);
    checkTaskInput(req.workflow, wf, req.input);
    checkFirstInput(record);
    await rt.journal.append({ t: 'task', record });
    return this.admit(record);
  }

  private workflow(name: string): WorkflowConfig {
    return workflowOf(this.deps.rt.config(), name);
  }

  private recordFor(req: CreateTaskRequest, wf: WorkflowConfig, id: string, source: Source): TaskRecord {
    return recordFor(this.deps.rt.config(), req, wf, { id, source, now: this.deps.rt.clock.now(), learnedTier: (c) => this.deps.learnedTier(c) });
  }

  private async createFlow(record: TaskRecord, tasks: FlowTask[]): Promise<TaskView> {
    const { rt } = this.deps;
    const children = flowChildren(rt.config(), record, tasks, () => newTaskId(rt.clock.now()), (req, wf, id) => this.recordFor(req, wf, id, 'flow'));
    record.children = children.map((c) => c.id);
    // One group commit for the whole flow, the parent last: a torn write can lose the parent
    // (then nothing was acknowledged) but never leave a parent waiting for missing children.
    await Promise.all([...children.map((child) => rt.journal.append({ t: 'task', record: child })), rt.journal.append({ t: 'task', record })]);
    const view = this.admit(record);
    for (const child of children) this.admit(child);
    return view;
  }

  /** Registers a journaled record: a view, then spawn it or wait for its dependencies. */
  admit(record: TaskRecord): TaskView {
    const { rt } = this.deps;
    this.records.set(record.id, record);
    this.active.add(record.id);
    const waiting = this.waitingFor(record);
    const status: TaskStatus = record.children ? 'running' : waiting.length > 0 ? 'blocked' : 'pending';
    const view = newView(record, status);
    rt.views.set(view);
    const payload = { taskId: record.id, workflow: record.workflow, priority: record.priority, source: record.source, dependsOn: record.dependsOn, contentType: record.contentType };
    rt.events.emit(createEvent('task.created', record.parentId ? { ...payload, parentId: record.parentId } : payload, rt.clock.now()), `${record.id}:created`);
    this.armTaskSla(record);
    if (record.children) return view;
    if (waiting.length > 0) rt.events.emit(createEvent('task.blocked', { taskId: record.id, waitingFor: waiting }, rt.clock.now()), `${record.id}:blocked`);
    else this.spawn(record);
    return view;
  }

  /** The whole task's deadline by priority (sla.priorityHours), from its creation: absolute, so a restart keeps it. */
  private armTaskSla(record: TaskRecord): void {
    const hours = this.deps.rt.config().sla.priorityHours[record.priority];
    const deadline = record.createdAt + hours * 3_600_000;
    this.deps.rt.sla.arm({ key: `${record.id}:task`, taskId: record.id, domain: record.definition.domain, scope: 'task', deadline });
  }

  /** A replayed final outcome: the task is done and is not spawned again. */
  restoreFinal(taskId: string, outcome: FinalStatus, reason?: string, final?: TaskView, code?: string): void {
    this.outcomes.set(taskId, outcome);
    const record = this.records.get(taskId);
    if (!record) return;
    if (final) return this.deps.rt.views.set({ ...final, status: outcome });
    const view = newView(record, outcome);
    if (reason) view.error = { code: errorCode(outcome, code), message: reason };
    this.deps.rt.views.set(view);
  }

  /**
   * Ends a task now, as cancelled: a flow's unfinished children first. Its model calls are cut
   * off (their reservations released), its pending approval withdrawn; dependents then fail.
   */
  async cancel(id: string, reason: string): Promise<TaskView> {
    const record = this.record(id);
    const done = this.outcomes.get(id);
    if (done !== undefined) throw new UserError('CONFLICT', `task ${id} is already ${done}`);
    if (record.children) {
      this.cancelling.add(id);
      try {
        for (const child of record.children) if (!this.outcomes.has(child)) await this.cancel(child, `its flow ${id} was cancelled`);
      } finally {
        this.cancelling.delete(id);
      }
    }
    this.subscriptions.get(id)?.unsubscribe();
    this.subscriptions.delete(id);
    this.deps.onCancel(id);
    this.actors.get(id)?.stop();
    this.actors.delete(id);
    const { rt } = this.deps;
    const approvals = rt.approvals.allFor(id);
    const latest = approvals.at(-1);
    if (latest) rt.views.update(id, { approvals, approval: latest }, rt.clock.now());
    await this.finish(record, 'cancelled', reason);
    const payload = record.parentId ? { taskId: id, reason, parentId: record.parentId } : { taskId: id, reason };
    rt.events.emit(createEvent('task.cancelled', payload, rt.clock.now()), `${id}:cancelled`);
    return rt.views.get(id) ?? newView(record, 'cancelled');
  }

  /**
   * After replay: every unfinished task gets its view and deadlines at once; the ones that can run
   * are restarted in batches, yielding between them, so the supervisor serves while it resumes.
   * Resolves with the number restarted.
   */
  async resumeAll(batch = 250): Promise<number> {
    const runnable: TaskRecord[] = [];
    for (const record of this.records.values()) {
      if (this.outcomes.has(record.id)) continue;
      this.active.add(record.id);
      if (record.children) continue;
      const waiting = this.waitingFor(record);
      this.deps.rt.views.set(newView(record, waiting.length > 0 ? 'blocked' : 'pending'));
      this.armTaskSla(record);
      if (waiting.length === 0 && this.failedDependency(record) === undefined) runnable.push(record);
    }
    this.resuming = runnable.length;
    this.recovered = runnable.length;
    for (let i = 0; i < runnable.length; i += batch) {
      if (i > 0) await new Promise((r) => setImmediate(r));
      if (this.draining) break;
      for (const record of runnable.slice(i, i + batch)) if (!this.actors.has(record.id) && !this.outcomes.has(record.id)) this.spawn(record);
      this.resuming = Math.max(0, runnable.length - i - batch);
    }
    for (const record of this.records.values()) if (record.children && !this.outcomes.has(record.id)) this.checkFlow(record);
    return runnable.length;
  }

  /** Recovered tasks not restarted yet. */
  resuming = 0;
  /** Unfinished tasks the last resumeAll found (set before its first batch, so callers can read it at once). */
  recovered = 0;

  /** Forgets finished tasks no active task refers to, except `keep` (not archived yet). */
  dropFinished(keep: ReadonlySet<string>): void {
    const needed = new Set<string>();
    for (const r of this.records.values()) {
      if (this.outcomes.has(r.id)) continue;
      for (const id of [...r.dependsOn, ...(r.children ?? []), ...(r.parentId ? [r.parentId] : [])]) needed.add(id);
    }
    for (const id of this.outcomes.keys()) {
      if (needed.has(id) || keep.has(id)) continue;
      this.records.delete(id);
      this.outcomes.delete(id);
    }
  }

  stopAccepting(): void {
    this.draining = true;
  }

  private spawn(record: TaskRecord): void {
    const child = this.deps.createActor(record);
    this.actors.set(record.id, child);
    const sub = child.subscribe({
      next: (snap: TaskSnapshot) => this.onSnapshot(record, snap),
      error: (err: unknown) => void this.finish(record, 'failed', `task actor crashed: ${String(err)}`),
    });
    this.subscriptions.set(record.id, sub);
    child.start();
  }

  /** Stops every task actor (shutdown); their work resumes from the journal after a restart. */
  stopAll(): void {
    for (const timer of this.finalRetries) this.deps.rt.clock.clearTimeout(timer);
    this.finalRetries.clear();
    for (const sub of this.subscriptions.values()) sub.unsubscribe();
    this.subscriptions.clear();
    for (const actor of this.actors.values()) actor.stop();
    this.actors.clear();
  }

  private onSnapshot(record: TaskRecord, snap: TaskSnapshot): void {
    const { rt } = this.deps;
    const ctx = snap.context;
    const status = statusOf(snap);
    // A terminal status shows only once finish() has made the `final` record durable: a kill
    // in between would otherwise take back an outcome the API already reported.
    const patch: Partial<TaskView> = { ...(isTerminal(status) ? {} : { status }), round: ctx.round, outputs: ctx.outputs, reviews: ctx.reviews };
    if (ctx.error) patch.error = ctx.error;
    if (ctx.failedPhase) patch.failedPhase = ctx.failedPhase;
    const gate = (ctx as TaskContext & { gate?: TaskView['gate'] }).gate;
    if (gate) patch.gate = gate;
    const approval = rt.approvals.latestFor(record.id);
    if (approval) {
      patch.approval = approval;
      patch.approvals = rt.approvals.allFor(record.id);
    }
    rt.views.update(record.id, patch, rt.clock.now());
    if (snap.status === 'done' && snap.output) void this.finish(record, snap.output.outcome, snap.output.reason, snap.output.code, ctx.rejectedBy);
  }

  /** `rejectedBy`: who rejected it (a rejection without one, e.g. a flow's child's, is policy's). */
  private async finish(record: TaskRecord, outcome: FinalStatus, reason?: string, code?: string, rejectedBy?: RejectedBy): Promise<void> {
    const { rt } = this.deps;
    // During a shutdown, failures are the shutdown's, not the task's: it resumes after the restart.
    if (this.outcomes.has(record.id) || this.draining) return;
    this.outcomes.set(record.id, outcome);
    this.parked.delete(record.id);
    this.finishing.add(record.id);
    this.subscriptions.get(record.id)?.unsubscribe();
    this.subscriptions.delete(record.id);
    const now = rt.clock.now();
    const patch: Partial<TaskView> = reason && outcome !== 'completed' ? { status: outcome, error: { code: errorCode(outcome, code), message: reason } } : { status: outcome };
    // The final view (outputs, reviews, decisions, timeline) goes with the outcome, so history
    // keeps the work even when a kill comes before the archive.
    const current = rt.views.get(record.id);
    const final = current && { ...current, ...patch, updatedAt: new Date(now).toISOString() };
    try {
      await rt.journal.append({
        t: 'final',
        taskId: record.id,
        outcome,
        at: now,
        ...(reason === undefined ? {} : { reason }),
        ...(code === undefined ? {} : { code }),
        ...(final ? { view: final } : {}),
      });
    } catch (err) {
      this.finishing.delete(record.id);
      // Not durable, so not final: callers run this fire-and-forget, so a rejection here would
      // crash the process. Try again until the disk takes it (a restart replays the task anyway).
      this.outcomes.delete(record.id);
      rt.logger.error({ err, taskId: record.id }, 'final outcome not journaled; retrying');
      const timer = rt.clock.setTimeout(() => {
        this.finalRetries.delete(timer);
        void this.finish(record, outcome, reason, code, rejectedBy);
      }, FINAL_RETRY_MS);
      this.finalRetries.add(timer);
      return;
    }
    this.finishing.delete(record.id);
    const view = rt.views.update(record.id, patch, now);
    if (outcome !== 'cancelled') rt.events.emit(finalEvent(record, outcome, view, reason, rejectedBy, now), `${record.id}:final`);
    rt.sla.clearTask(record.id);
    this.actors.get(record.id)?.stop();
    this.actors.delete(record.id);
    this.active.delete(record.id);
    for (const listener of this.finishedListeners) listener(record, outcome);
    this.unblockDependents(record.id);
    const parent = record.parentId ? this.records.get(record.parentId) : undefined;
    if (parent) this.checkFlow(parent);
  }

  private unblockDependents(doneId: string): void {
    const { rt } = this.deps;
    for (const r of this.records.values()) {
      if (!r.dependsOn.includes(doneId) || this.outcomes.has(r.id) || this.actors.has(r.id)) continue;
      if (r.parentId !== undefined && this.cancelling.has(r.parentId)) continue; // cancelled next, not failed
      const failed = this.failedDependency(r);
      if (failed !== undefined) {
        void this.finish(r, 'failed', `dependency ${failed} did not complete`);
        continue;
      }
      rt.events.emit(createEvent('dependency.resolved', { taskId: r.id, dependency: doneId }, rt.clock.now()), `${r.id}:dep:${doneId}`);
      if (this.waitingFor(r).length === 0) {
        rt.views.update(r.id, { status: 'pending' }, rt.clock.now());
        this.spawn(r);
      }
    }
  }

  private checkFlow(parent: TaskRecord): void {
    if (this.cancelling.has(parent.id)) return;
    const outcomes = (parent.children ?? []).map((id) => this.outcomes.get(id));
    if (outcomes.some((o) => o === undefined)) return;
    const failed = outcomes.find((o) => o !== 'completed');
    void this.finish(parent, failed ?? 'completed', failed ? `a child task ended ${failed}` : undefined);
  }

  private waitingFor(record: TaskRecord): string[] {
    return record.dependsOn.filter((d) => this.outcomes.get(d) !== 'completed');
  }

  private failedDependency(record: TaskRecord): string | undefined {
    return record.dependsOn.find((d) => {
      const o = this.outcomes.get(d);
      return o !== undefined && o !== 'completed';
    });
  }

  get activeCount(): number {
    return this.active.size;
  }
}
