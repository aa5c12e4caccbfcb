// The task machine driven without an actor: XState's pure `initialTransition` / `transition`
// decide, and hand back the activities the machine invoked, which the caller runs (as DBOS steps
// in the cluster engine, as fakes in tests) and reports back as done or error events. Nothing
// here runs a side effect, reads a clock, or keeps a live child: the same results in the same
// order give the same snapshot, which is what a durable workflow replaying its steps needs.
import { initialTransition, transition } from 'xstate';
import type { AnyEventObject, SnapshotFrom } from 'xstate';
import { SystemError } from '../../core/errors.js';
import type {
  AgentStepInput,
  AgentStepOutput,
  ApprovalInput,
  ApprovalOutput,
  ExecuteInput,
  GateInput,
  GateOutput,
  HealInput,
  HealOutput,
} from '../task/activities.js';
import type { TaskRecord } from '../task/context.js';
import { taskMachine } from '../task/task-machine.js';
import type { TaskOutcome } from '../task/task-machine.js';

export type TaskSnapshot = SnapshotFrom<typeof taskMachine>;
/** How a task's workflow ended; a flow ends `cancelled` when a child of it was (as embedded). */
export type TaskResult = { outcome: TaskOutcome | 'cancelled'; reason?: string; code?: string };

/** Each activity's input and output, by the name the machine invokes it under. */
interface ActivityTypes {
  agentStep: { input: AgentStepInput; output: AgentStepOutput };
  gate: { input: GateInput; output: GateOutput };
  approval: { input: ApprovalInput; output: ApprovalOutput };
  heal: { input: HealInput; output: HealOutput };
  execute: { input: ExecuteInput; output: null };
}
type ActivityName = keyof ActivityTypes;
const ACTIVITY_NAMES: readonly ActivityName[] = ['agentStep', 'gate', 'approval', 'heal', 'execute'];

/** One activity the machine started: its invocation id (for the done event), logic name and input. */
export type Invocation = { [K in ActivityName]: { id: string; src: K; input: ActivityTypes[K]['input'] } }[ActivityName];

/** How an activity ended. A failure is a value, so it can be recorded like any output. */
export type Settled<O = unknown> = { ok: true; output: O } | { ok: false; error: { code: string; message: string } };

export interface Decision {
  snapshot: TaskSnapshot;
  /** Activities to run now, in the order the machine started them. */
  invocations: Invocation[];
}

/** The task's first decision: its initial state and the activities that state starts. */
export function begin(record: TaskRecord): Decision {
  const [snapshot, actions] = initialTransition(taskMachine, record);
  return { snapshot, invocations: invocationsOf(actions) };
}

/** Feeds one activity's end to the machine. An invocation the machine already left is ignored by it. */
export function advance(snapshot: TaskSnapshot, invocation: Invocation, settled: Settled): Decision {
  const event: AnyEventObject = settled.ok
    ? { type: `xstate.done.actor.${invocation.id}`, output: settled.output, actorId: invocation.id }
    : { type: `xstate.error.actor.${invocation.id}`, error: settled.error, actorId: invocation.id };
  const [next, actions] = transition(taskMachine, snapshot, event);
  return { snapshot: next, invocations: invocationsOf(actions) };
}

/** The task's result once its snapshot is final, else undefined. */
export function resultOf(snapshot: TaskSnapshot): TaskResult | undefined {
  return snapshot.status === 'done' ? snapshot.output : undefined;
}

/** One activity and how it ended. */
export interface Ended {
  invocation: Invocation;
  settled: Settled;
}

/**
 * Told the task's state once at its start and after each batch of activities ended (a replay
 * tells it again, in the same order): what the task's view is kept from.
 */
export type ObserveBatch = (snapshot: TaskSnapshot, ended: readonly Ended[]) => Promise<void>;

/** Runs one batch of activities the machine started together; their ends, in the same order. */
export type RunBatch = (batch: readonly Invocation[]) => Promise<Settled[]>;

/** A batch runner that starts every activity of a batch at once (what an actor does). */
export function concurrently(run: (invocation: Invocation) => Promise<Settled>): RunBatch {
  return (batch) => Promise.all(batch.map((inv) => run(inv)));
}

/**
 * Drives a task to its final state. The activities started together (the parallel reviews) go to
 * `run` as one batch, and their ends are fed back in the order they were started, not the order
 * they finished: a replay sees the same sequence whatever the timing was.
 */
export async function driveTask(record: TaskRecord, run: RunBatch, observe?: ObserveBatch): Promise<{ result: TaskResult; snapshot: TaskSnapshot }> {
  let { snapshot, invocations } = begin(record);
  await observe?.(snapshot, []);
  for (;;) {
    const result = resultOf(snapshot);
    if (result) return { result, snapshot };
    if (invocations.length === 0) throw new SystemError('INTERNAL', `task ${record.id}: the machine waits in ${JSON.stringify(snapshot.value)} with no activity running`);
    const batch = invocations;
    const ends = await run(batch);
    if (ends.length !== batch.length) throw new SystemError('INTERNAL', `task ${record.id}: ${batch.length} activities ran, ${ends.length} ends came back`);
    invocations = [];
    const ended: Ended[] = [];
    for (const [i, inv] of batch.entries()) {
      const settled = ends[i] as Settled;
      const next = advance(snapshot, inv, settled);
      snapshot = next.snapshot;
      invocations.push(...next.invocations);
      ended.push({ invocation: inv, settled });
    }
    await observe?.(snapshot, ended);
  }
}

/** The activities among a transition's actions (its `xstate.spawnChild` actions); the rest are XState's own. */
function invocationsOf(actions: ReadonlyArray<{ type: string; params?: unknown }>): Invocation[] {
  const out: Invocation[] = [];
  for (const action of actions) {
    if (action.type !== 'xstate.spawnChild') continue;
    const params = action.params as { id: unknown; src: unknown; input: unknown };
    if (typeof params.id !== 'string' || !ACTIVITY_NAMES.includes(params.src as ActivityName)) {
      throw new SystemError('INTERNAL', `the task machine started an unknown activity ${JSON.stringify(params.src)}`);
    }
    out.push({ id: params.id, src: params.src, input: params.input } as Invocation);
  }
  return out;
}
