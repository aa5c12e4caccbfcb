// How a new task is made on the cluster, before any of it is recorded: its record as the config
// and the learning store make it, a flow's children, the workflows of the tasks it waits for,
// and its input checked as its workflow and first agent read it. A refusal (full, an unknown
// dependency, bad input) is thrown here, so nothing of a refused task reaches Postgres.
import type { Clock } from '../../core/clock.js';
import { PolicyError, UserError } from '../../core/errors.js';
import type { ResolvedConfig } from '../../config/load.js';
import { checkTaskInput } from '../../config/task-input.js';
import type { WorkflowConfig } from '../../schemas/generated/types.js';
import type { CreateTaskRequest, TaskView } from '../contract.js';
import type { Routed } from '../supervisor/policy/event-routing.js';
import type { TaskRecord } from '../task/context.js';
import { checkFirstInput, flowChildren, newTaskId, recordFor, workflowOf } from '../task/new-record.js';
import type { NewRecord } from '../task/new-record.js';
import { outcomeWorkflowId } from './task-workflow.js';
import type { Dependency, TaskPlan } from './task-workflow.js';

export interface TaskPlannerDeps {
  config(): ResolvedConfig;
  clock: Clock;
  /** The cluster's active tasks, as this supervisor follows them. */
  active(): readonly TaskView[];
  /** A task by id, active or in history. */
  find(id: string): Promise<TaskView | undefined>;
  /** The review tier learned for a content type, if any. */
  learnedTier: NonNullable<NewRecord['learnedTier']>;
}

export type PlannedStatus = 'pending' | 'blocked' | 'running';

export class TaskPlanner {
  constructor(private readonly deps: TaskPlannerDeps) {}

  /** A created (or fired) task's plan and the status it shows first; `id`: the one its idempotency key gave it. */
  async plan(req: CreateTaskRequest, source: TaskRecord['source'], id?: string): Promise<{ plan: TaskPlan; status: PlannedStatus }> {
    this.assertRoom();
    const wf = workflowOf(this.deps.config(), req.workflow);
    const record = this.newRecord(req, wf, source, id);
    // Every task named in dependsOn must exist, a flow's as a single task's.
    const after = await Promise.all(record.dependsOn.map((dep) => this.dependency(dep)));
    if (wf.tasks) return { plan: await this.flowPlan(record, wf.tasks), status: 'running' };
    this.check(record, wf);
    return { plan: { record, after: after.map((a) => a.dependency) }, status: after.every((a) => a.completed) ? 'pending' : 'blocked' };
  }

  /** A routed event's task (a flow's with its children), checked as a created one is. */
  async routed(routed: Routed): Promise<TaskPlan> {
    const wf = workflowOf(this.deps.config(), routed.workflow);
    const record = this.newRecord({ workflow: routed.workflow, input: routed.input, priority: routed.priority }, wf, 'event');
    record.origin = routed.eventId;
    if (wf.tasks) return this.flowPlan(record, wf.tasks);
    this.check(record, wf);
    return { record };
  }

  /** limits.maxActiveTasks holds for the whole cluster here (each supervisor's queue takes as many at once). */
  assertRoom(): void {
    const limit = this.deps.config().limits.maxActiveTasks;
    const active = this.deps.active().length;
    if (active >= limit) throw new PolicyError('AGENT_BUSY', `${active} tasks are active in the cluster (limit ${limit}); try again later`);
  }

  /** A flow's plan: its children made, each waiting for its siblings (or other tasks) by their outcome workflows. */
  private async flowPlan(record: TaskRecord, tasks: NonNullable<WorkflowConfig['tasks']>): Promise<TaskPlan> {
    const children = flowChildren(this.deps.config(), record, tasks, () => newTaskId(this.deps.clock.now()), (r, w, id) => this.newRecord(r, w, 'flow', id));
    record.children = children.map((c) => c.id);
    const siblings = new Map(children.map((c) => [c.id, c]));
    const dependencyOf = async (id: string): Promise<Dependency> => {
      const sibling = siblings.get(id);
      return sibling ? { taskId: id, workflowId: outcomeWorkflowId(sibling) } : (await this.dependency(id)).dependency;
    };
    return { record, children: await Promise.all(children.map(async (c) => ({ record: c, after: await Promise.all(c.dependsOn.map(dependencyOf)) }))) };
  }

  /** A single task's input, checked as its workflow and its first agent read it: a bad request is refused, not failed later. */
  private check(record: TaskRecord, wf: WorkflowConfig): void {
    checkTaskInput(record.workflow, wf, record.input);
    checkFirstInput(record);
  }

  /** A task's record as the config makes it (its review tier the learned one where it learned it). */
  private newRecord(req: CreateTaskRequest, wf: WorkflowConfig, source: TaskRecord['source'], id?: string): TaskRecord {
    const now = this.deps.clock.now();
    return recordFor(this.deps.config(), req, wf, { id: id ?? newTaskId(now), source, now, learnedTier: this.deps.learnedTier });
  }

  /** A task a new one waits for, by the workflow whose result is its outcome; INVALID_INPUT when there is none. */
  private async dependency(id: string): Promise<{ dependency: Dependency; completed: boolean }> {
    const view = await this.deps.find(id);
    if (!view) throw new UserError('INVALID_INPUT', `dependsOn: no task ${id}`);
    return { dependency: { taskId: id, workflowId: outcomeWorkflowId(view) }, completed: view.status === 'completed' };
  }
}
