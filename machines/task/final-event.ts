// How a task's end is told: the error code its view carries and the event announcing it, the
// same whichever engine ran the task (the embedded task book, the cluster's workflow).
import type { FinalStatus, TaskView } from '../contract.js';
import { createEvent } from '../events.js';
import type { SupervisorEvent } from '../events.js';
import type { TaskRecord } from './context.js';
import type { RejectedBy, TaskOutcome } from './task-machine.js';

/** A failed task's error carries its registry code (INTERNAL when none was recorded); a rejection says `rejected`. */
export function errorCode(outcome: FinalStatus, code: string | undefined): string {
  if (outcome !== 'failed') return outcome;
  return code ?? 'INTERNAL';
}

export function finalEvent(record: TaskRecord, outcome: TaskOutcome, view: TaskView | undefined, reason: string | undefined, rejectedBy: RejectedBy | undefined, now: number): SupervisorEvent {
  if (outcome === 'completed') return createEvent('task.completed', { taskId: record.id, workflow: record.workflow, costUsd: view?.costUsd ?? 0 }, now);
  if (outcome === 'rejected') return createEvent('task.rejected', { taskId: record.id, by: rejectedBy ?? 'policy', reasons: [reason ?? 'rejected'] }, now);
  return createEvent('task.failed', { taskId: record.id, code: view?.error?.code ?? 'failed', message: reason ?? 'failed' }, now);
}
