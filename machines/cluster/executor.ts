// One supervisor's DBOS executor: launched with an explicit executor id and application version
// (DBOS recovers only the workflows of its own id and version), the task and model-call
// workflows registered before launch and the queues after it (DBOS takes them in that order).
// Recovery is DBOS's: a restart with the same executor id resumes that executor's unfinished
// workflows at launch; a live peer adopts a dead one's through `adopt`, which lists its PENDING
// workflows and resumes them onto the queues, where any live supervisor picks them up.
import { DBOS, Error as DBOSError } from '@dbos-inc/dbos-sdk';
import pg from 'pg';
import { SystemError, UserError } from '../../core/errors.js';
import type { TaskView } from '../contract.js';
import type { TaskRecord } from '../task/context.js';
import type { TaskResult } from './drive.js';
import { eventWorkflowId } from './event-workflow.js';
import type { EventRouting } from './event-workflow.js';
import { ModelCallJournal } from './model-calls.js';
import type { ModelCallRow } from './model-calls.js';
import { MODEL_QUEUE, TASK_QUEUE, TIMER_QUEUE, registerQueues } from './queues.js';
import type { QueueLimits } from './queues.js';
import { slaWorkflowId } from './sla-workflow.js';
import type { ClusterServices } from './steps.js';
import { decideApproval, registerTaskWorkflows, scheduledWorkflowId, taskWorkflowId } from './task-workflow.js';
import type { ApprovalDecision, TaskPlan } from './task-workflow.js';

export interface ClusterOptions {
  /** The Postgres the cluster shares (DBOS's system tables live in its `dbos` schema). */
  url: string;
  /** Stable per supervisor: a restart with the same id resumes that supervisor's workflows. */
  executorId: string;
  /** Every supervisor of a cluster runs one version; DBOS recovers no workflow of another. */
  applicationVersion: string;
  limits: QueueLimits;
  /** DBOS's own log level (its logs mask the connection string's password). */
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

export interface Cluster {
  readonly executorId: string;
  /**
   * Puts a new task on the task queue, where a supervisor with room takes it; a flow, or a task
   * that waits for others, starts on the timers queue and puts its tasks there when they can run.
   * Idempotent by task id; `once`: a task id already started is CONFLICT (a keyed create that
   * another supervisor is making at this moment), so only its first plan is ever shown.
   */
  submit(plan: TaskPlan, once?: boolean): Promise<string>;
  /**
   * Starts one firing of a schedule with the task it makes. Every supervisor fires each
   * schedule; the first start of a firing's id is the one that runs, the others are no-ops.
   */
  schedule(plan: TaskPlan, scheduleId: string, at: number): Promise<void>;
  /**
   * Routes an accepted event, once for the whole cluster: resolves when it is recorded and its
   * P0/P1 tasks are on the task queue (their views), or with undefined when a start of the same
   * event id came first, on any supervisor.
   */
  route(routing: EventRouting): Promise<TaskView[] | undefined>;
  /** Whether any supervisor accepted an event with this id. */
  eventSeen(eventId: string): Promise<boolean>;
  /** Starts a task on this supervisor at once, off the queue. Idempotent by task id. */
  start(record: TaskRecord): Promise<string>;
  /** Waits for a task's result, wherever it runs. */
  result(taskId: string): Promise<TaskResult>;
  /** Sends a person's decision to the task waiting on that approval, once. */
  decide(taskId: string, approvalId: string, decision: ApprovalDecision): Promise<void>;
  /**
   * Stops tasks' workflows now (a wait, a flow, the run, the SLA: DBOS cancels them where they
   * run) and their model calls still queued. A call already sent runs to its end, so what it cost
   * is settled in the ledger rather than left held.
   */
  cancel(taskIds: readonly string[]): Promise<void>;
  /** Takes over a dead supervisor's unfinished workflows; returns their ids. */
  adopt(deadExecutorId: string): Promise<string[]>;
  /** The model-call journal (intents, sends, re-runs), for inspection. */
  modelCalls(workflowIdPrefix?: string): Promise<ModelCallRow[]>;
  shutdown(): Promise<void>;
}

const MODEL_CALL_WORKFLOW = 'agentry.modelCall';
const TASK_WORKFLOW = 'agentry.task';

/** Where an adopted workflow goes back to: its own queue; anything that mostly waits (SLAs, firings, flows, blocked tasks), the timers'. */
function queueOf(workflowName: string): string {
  if (workflowName === MODEL_CALL_WORKFLOW) return MODEL_QUEUE;
  return workflowName === TASK_WORKFLOW ? TASK_QUEUE : TIMER_QUEUE;
}
/** The advisory lock supervisors take in turn to launch: DBOS's own schema migrations deadlock when two run at once. */
const LAUNCH_LOCK = 0x61677472; // 'agtr'
const LAUNCH_LOCK_RETRY_MS = 100;

/**
 * Launches DBOS holding the launch lock. The lock is tried, not waited on: a session blocked in
 * pg_advisory_lock is a running statement, and DBOS's CREATE INDEX CONCURRENTLY in the holder
 * waits for every running statement to end, so a blocking wait would hang both.
 */
async function launchedOneAtATime(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    for (;;) {
      const r = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [LAUNCH_LOCK]);
      if (r.rows[0]?.locked === true) break;
      await new Promise((resolve) => setTimeout(resolve, LAUNCH_LOCK_RETRY_MS));
    }
    try {
      await DBOS.launch();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LAUNCH_LOCK]);
    }
  } finally {
    client.release();
  }
}

export async function launchCluster(opts: ClusterOptions, services: ClusterServices): Promise<Cluster> {
  if (DBOS.isInitialized()) throw new SystemError('INTERNAL', 'DBOS is launched already in this process: one cluster executor a process');
  const pool = new pg.Pool({ connectionString: opts.url, max: 4 });
  // An idle connection cut by the server (a restart, an outage) is dropped by the pool and the
  // next query connects again; without a listener its error would end the process.
  pool.on('error', () => undefined);
  const journal = new ModelCallJournal(pool);
  try {
    DBOS.setConfig({ name: 'agentry', systemDatabaseUrl: opts.url, executorID: opts.executorId, applicationVersion: opts.applicationVersion, logLevel: opts.logLevel ?? 'warn' });
    const workflows = registerTaskWorkflows(services, journal, { pollingIntervalMs: opts.limits.pollingIntervalMs });
    await launchedOneAtATime(pool);
    await registerQueues(opts.limits);
    const polling = { pollingIntervalMs: opts.limits.pollingIntervalMs };

    const begin = async (record: TaskRecord, queueName?: string): Promise<string> => {
      const handle = await DBOS.startWorkflow(workflows.task, { workflowID: taskWorkflowId(record.id), ...(queueName ? { queueName } : {}) })(record);
      return handle.workflowID;
    };
    return {
      executorId: opts.executorId,
      submit: (plan, once = false) =>
        workflows.start(plan, once).catch((err: unknown) => {
          if (!once || !DBOSError.isWorkflowIDInUseError(err)) throw err;
          throw new UserError('CONFLICT', `task ${plan.record.id} of this idempotency key is being made by another supervisor at this moment; send the request again to get it`, { details: { taskId: plan.record.id } });
        }),
      start: (record) => begin(record),
      async schedule(plan, scheduleId, at) {
        await DBOS.startWorkflow(workflows.scheduled, { workflowID: scheduledWorkflowId(scheduleId, at) })(plan, scheduleId);
      },
      async route(routing) {
        // "reject": the first start of the id is the one that runs; every later one throws.
        const handle = await DBOS.startWorkflow(workflows.event, { workflowID: eventWorkflowId(routing.eventId), workflowIDReusePolicy: 'reject' })(routing).catch((err: unknown) => {
          if (DBOSError.isWorkflowIDInUseError(err)) return undefined;
          throw err;
        });
        return handle?.getResult(polling);
      },
      async eventSeen(eventId) {
        return (await DBOS.getWorkflowStatus(eventWorkflowId(eventId))) !== null;
      },
      async result(taskId) {
        const out = await DBOS.retrieveWorkflow<TaskResult>(taskWorkflowId(taskId)).getResult(polling);
        if (out === null) throw new SystemError('INTERNAL', `task ${taskId}: no result`);
        return out;
      },
      decide: (taskId, approvalId, decision) => decideApproval(DBOS, taskId, approvalId, decision),
      async cancel(taskIds) {
        await DBOS.cancelWorkflows(taskIds.flatMap((id) => [`wait:${id}`, `flow:${id}`, taskWorkflowId(id), slaWorkflowId(id)]));
        const queued = await Promise.all(taskIds.map((id) => DBOS.listWorkflows({ workflow_id_prefix: `model:${id}:`, status: 'ENQUEUED' })));
        const ids = queued.flat().map((w) => w.workflowID);
        if (ids.length > 0) await DBOS.cancelWorkflows(ids);
      },
      async adopt(deadExecutorId) {
        if (deadExecutorId === opts.executorId) throw new SystemError('INTERNAL', 'a supervisor does not adopt its own workflows: it recovers them at launch');
        const pending = await DBOS.listWorkflows({ status: 'PENDING', executorId: deadExecutorId, applicationVersion: opts.applicationVersion });
        // Back on their queues, so the cluster's limits hold for adopted work too.
        const byQueue = new Map<string, string[]>();
        for (const w of pending) byQueue.set(queueOf(w.workflowName), [...(byQueue.get(queueOf(w.workflowName)) ?? []), w.workflowID]);
        for (const [queueName, ids] of byQueue) await DBOS.resumeWorkflows(ids, { queueName });
        return pending.map((w) => w.workflowID);
      },
      modelCalls: (prefix) => journal.list(prefix),
      async shutdown() {
        await DBOS.shutdown({ deregister: true });
        await pool.end();
      },
    };
  } catch (err) {
    if (DBOS.isInitialized()) await DBOS.shutdown({ deregister: true });
    await pool.end();
    throw err;
  }
}
