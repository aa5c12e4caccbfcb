// task retry: a failed, rejected or cancelled task runs again as a new task labelled as its
// retry. It starts at the phase that failed, with what the first run had produced: a failed
// review re-runs the review, a blocked gate the gate, a rejected draft is written again with the
// rejection's issues (and the person's note) as feedback.
import type { Clock } from '../../../core/clock.js';
import { UserError } from '../../../core/errors.js';
import type { ResolvedConfig } from '../../../config/load.js';
import type { CreateTaskRequest, TaskView } from '../../contract.js';
import { createEvent } from '../../events.js';
import type { RetrySeed, TaskPhase } from '../../task/context.js';
import type { EventLog } from '../read-models/event-log.js';
import { approvalsOf } from '../read-models/history.js';

const RETRYABLE = new Set(['failed', 'rejected', 'cancelled']);
const PHASES = new Set<TaskPhase>(['authoring', 'reviewing', 'gating', 'approval', 'executing']);

export interface RetryDeps {
  clock: Clock;
  config(): ResolvedConfig;
  events: Pick<EventLog, 'emit'>;
  /** The task, live or from history. */
  find(id: string): Promise<TaskView | undefined>;
  create(req: CreateTaskRequest, seed: RetrySeed): Promise<TaskView>;
}

/** Runs task `id` again as a new task (`task.retried` names both). */
export async function retryTask(id: string, deps: RetryDeps): Promise<TaskView> {
  const task = await deps.find(id);
  if (!task) throw new UserError('NOT_FOUND', `no task ${id}; list them with \`agentry tasks\``);
  const workflows = deps.config().workflows;
  const steps = (Object.hasOwn(workflows, task.workflow) ? workflows[task.workflow]?.steps : undefined) ?? [];
  const seed = retrySeed(task, steps.map((s) => s.id));
  const view = await deps.create({ workflow: task.workflow, input: task.input as Record<string, unknown>, priority: task.priority }, seed);
  deps.events.emit(createEvent('task.retried', { taskId: view.id, retryOf: id, fromPhase: seed.phase }, deps.clock.now()), `${view.id}:retried`);
  return view;
}

/** Where a retry of `task` starts; `stepIds` are its workflow's author steps in order. */
function retrySeed(task: TaskView, stepIds: readonly string[]): RetrySeed {
  if (!RETRYABLE.has(task.status)) {
    throw new UserError('CONFLICT', `task ${task.id} is ${task.status}; only failed, rejected or cancelled tasks can be retried`);
  }
  const base = { of: task.id, outputs: task.outputs, confidence: 0, round: task.round, reviews: task.reviews, feedback: [] as RetrySeed['feedback'] };
  const written = stepIds.filter((id) => Object.hasOwn(task.outputs, id)).length;
  const lastStep = Math.max(0, stepIds.length - 1);
  if (task.status === 'rejected' && task.gate?.decision !== 'blocked') {
    // The draft was turned down: write the last step again, told why, in a fresh review round.
    const lastRound = task.reviews.filter((r) => r.round === task.round).flatMap((r) => r.issues);
    const note = approvalsOf(task).findLast((a) => a.status === 'rejected')?.note;
    const feedback = note === undefined ? lastRound : [...lastRound, { severity: 'high', quote: '', fix: note }];
    return { ...base, phase: 'authoring', round: 1, reviews: [], stepIndex: lastStep, feedback };
  }
  const phase: TaskPhase = task.gate?.decision === 'blocked' ? 'gating' : PHASES.has(task.failedPhase as TaskPhase) ? (task.failedPhase as TaskPhase) : task.status === 'cancelled' ? phaseReached(task, written, stepIds.length) : 'authoring';
  const feedback = phase === 'authoring' && task.round > 1 ? task.reviews.filter((r) => r.round === task.round - 1).flatMap((r) => r.issues) : [];
  return { ...base, phase, stepIndex: Math.min(written, lastStep), feedback };
}

/** A cancelled task resumes where it was: authoring until every step has an output, then reviews, then the gate. */
function phaseReached(task: TaskView, written: number, steps: number): TaskPhase {
  if (written < steps) return 'authoring';
  if (task.gate !== undefined) return 'gating';
  return 'reviewing';
}
