// The cluster's queues, shared by every supervisor on the Postgres: tasks (each supervisor runs at
// most `tasksPerWorker` at once), model calls (at most `modelCallsInFlight` across the cluster,
// and at most a provider's rate) and timers (adopted waits, unlimited). DBOS keeps each queue's settings in its system database
// and takes registrations after launch only.
import { DBOS } from '@dbos-inc/dbos-sdk';
import type { ResolvedConfig } from '../../config/load.js';

export const TASK_QUEUE = 'agentry_tasks';
export const MODEL_QUEUE = 'agentry_models';
/** Adopted workflows that mostly wait (SLAs, schedule firings, routed events and their batch windows): no limit, so they hold no task's place. */
export const TIMER_QUEUE = 'agentry_timers';

export interface QueueLimits {
  /** Tasks one supervisor runs at once (most of them wait: for reviews, approvals, deadlines). */
  tasksPerWorker: number;
  /** Model calls in flight across the whole cluster. */
  modelCallsInFlight: number;
  /** A provider's rate limit: at most `calls` started in any `perSeconds`. */
  modelRate?: { calls: number; perSeconds: number };
  /** How often an idle queue is polled (DBOS's default is 1 s). */
  pollingIntervalMs: number;
}

/** The limits of the config: `limits.maxActiveTasks` tasks a supervisor, `limits.globalInFlight` calls. */
export function queueLimits(config: Pick<ResolvedConfig, 'limits'>, over: Partial<QueueLimits> = {}): QueueLimits {
  return { tasksPerWorker: config.limits.maxActiveTasks, modelCallsInFlight: config.limits.globalInFlight, pollingIntervalMs: 1000, ...over };
}

export async function registerQueues(limits: QueueLimits): Promise<void> {
  await DBOS.registerQueue(TASK_QUEUE, { workerConcurrency: limits.tasksPerWorker, minPollingIntervalMs: limits.pollingIntervalMs });
  await DBOS.registerQueue(TIMER_QUEUE, { minPollingIntervalMs: limits.pollingIntervalMs });
  await DBOS.registerQueue(MODEL_QUEUE, {
    globalConcurrency: limits.modelCallsInFlight,
    ...(limits.modelRate ? { rateLimit: { limitPerPeriod: limits.modelRate.calls, periodSec: limits.modelRate.perSeconds } } : {}),
    minPollingIntervalMs: limits.pollingIntervalMs,
  });
}
