// A routed event on the cluster is one DBOS workflow, `event:<id>`, started with DBOS's "reject"
// id policy: of every supervisor handed the same event id (a GitHub redelivery to a peer, a
// retried POST) exactly one start creates it, and the others learn they were not first. The
// workflow records the event, starts its P0/P1 tasks on the task queue, and leaves its P2/P3
// tasks to a child that sleeps durably until the batch window ends, then starts them.
import { DBOS } from '@dbos-inc/dbos-sdk';
import type { TaskView } from '../contract.js';
import { recordStep } from './steps.js';
import type { TaskPlan } from './task-workflow.js';

export const eventWorkflowId = (eventId: string): string => `event:${eventId}`;
const batchWorkflowId = (eventId: string): string => `event:${eventId}:batch`;

/** One accepted event, as its accepting supervisor planned it (its records are the ones that run). */
export interface EventRouting {
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  /** When it was accepted (epoch ms). */
  at: number;
  /** Rules under their thresholds, with the reason. */
  ignored: { index: number; reason: string }[];
  /** Tasks (single, or flows with their children) that start at once (P0/P1), origin `<eventId>#<rule>`. */
  now: TaskPlan[];
  /** Tasks that wait for the end of the batch window (epoch ms). */
  later?: { until: number; plans: TaskPlan[] };
}

export interface EventServices {
  /** `event.received`, `event.ignored` and the views of the tasks it starts now. */
  eventRouted?(routing: EventRouting): Promise<TaskView[]>;
  /** The batch window ended: its tasks made now (their views), most urgent first. */
  eventBatchDue?(plans: TaskPlan[]): Promise<TaskPlan[]>;
}

/** Registers the event and batch workflows; `startTask` starts a task or a flow (idempotent by id). */
export function registerEventWorkflows(
  services: EventServices,
  startTask: (plan: TaskPlan) => Promise<unknown>,
  opts: { pollingIntervalMs: number },
): (routing: EventRouting) => Promise<TaskView[]> {
  const batch = DBOS.registerWorkflow(
    async (until: number, plans: TaskPlan[]) => {
      // DBOS records the wake-up time at the first call: a replay sleeps what is left of it.
      await DBOS.sleepms(Math.max(0, until - (await DBOS.now())));
      const due = await recordStep('event.batch', () => services.eventBatchDue?.(plans) ?? Promise.resolve(plans), opts.pollingIntervalMs);
      for (const plan of due) await startTask(plan);
    },
    { name: 'agentry.eventBatch' },
  );
  return DBOS.registerWorkflow(
    async (routing: EventRouting) => {
      const views = await recordStep('event.route', () => services.eventRouted?.(routing) ?? Promise.resolve([]), opts.pollingIntervalMs);
      for (const plan of routing.now) await startTask(plan);
      if (routing.later) await DBOS.startWorkflow(batch, { workflowID: batchWorkflowId(routing.eventId) })(routing.later.until, routing.later.plans);
      return views;
    },
    { name: 'agentry.event' },
  );
}
