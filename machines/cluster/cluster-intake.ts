// Routed events on the cluster (POST /v1/events, GitHub webhooks): the embedded intake's rules
// (policy/event-routing.ts), with two things decided for the whole cluster. Whether an id is a
// duplicate is DBOS's: the event's workflow id is taken by one start only (event-workflow.ts).
// The batch window is a slice of the clock that every supervisor cuts the same way, so the P2/P3
// tasks of one window start together wherever their events arrived.
import type { Clock } from '../../core/clock.js';
import type { ResolvedConfig } from '../../config/load.js';
import type { EmitEventRequest, EmitEventResult, TaskView } from '../contract.js';
import { assertOutsideType, newEventId, outcomeOf, planEvent, startsAtOnce } from '../supervisor/policy/event-routing.js';
import type { Routed } from '../supervisor/policy/event-routing.js';
import type { EventRouting } from './event-workflow.js';
import type { TaskPlan } from './task-workflow.js';
import type { Cluster } from './executor.js';

export interface ClusterIntakeDeps {
  clock: Clock;
  config(): ResolvedConfig;
  cluster: Pick<Cluster, 'route' | 'eventSeen'>;
  /** A routed task's plan (a flow's with its children), checked as a created task's is: a refusal records nothing. */
  plan(routed: Routed): Promise<TaskPlan>;
  /** Refuses tasks that would start now when the cluster is full. */
  assertRoom(): void;
}

/** The end of the batch window `at` falls in: slices of the window counted from the epoch. */
function batchWindowEnd(at: number, windowSeconds: number): number {
  const ms = windowSeconds * 1000;
  return ms <= 0 ? at : (Math.floor(at / ms) + 1) * ms;
}

/**
 * One outside event, once per id across the cluster. Acknowledged once its workflow is durable
 * and has recorded it and put its P0/P1 tasks on the task queue; `started` are their views.
 */
export async function acceptEvent(req: EmitEventRequest, deps: ClusterIntakeDeps): Promise<{ result: EmitEventResult; started: TaskView[] }> {
  assertOutsideType(req.type);
  const at = deps.clock.now();
  const eventId = req.id ?? newEventId(at);
  const duplicate = { result: { eventId, duplicate: true, outcome: 'recorded' as const, taskIds: [] }, started: [] };
  // A known id is answered before its data is checked (as embedded); a race is the start's to decide.
  if (await deps.cluster.eventSeen(eventId)) return duplicate;
  const plan = planEvent(deps.config(), eventId, req.type, req.data);
  const routing: EventRouting = { eventId, type: req.type, data: req.data, at, ignored: [], now: [] };
  const later: TaskPlan[] = [];
  for (const step of plan) {
    if ('ignored' in step) routing.ignored.push({ index: step.index, reason: step.ignored });
    else (startsAtOnce(step.routed.priority) ? routing.now : later).push(await deps.plan(step.routed));
  }
  if (routing.now.length > 0) deps.assertRoom();
  if (later.length > 0) routing.later = { until: batchWindowEnd(at, deps.config().events.batchWindowSeconds), plans: later };
  const started = await deps.cluster.route(routing);
  if (started === undefined) return duplicate;
  return { result: { eventId, duplicate: false, outcome: outcomeOf(plan), taskIds: routing.now.map((p) => p.record.id) }, started };
}
