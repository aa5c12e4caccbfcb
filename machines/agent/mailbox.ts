// The agent's mailbox and in-flight list: plain data in context, ordered P0..P3 then FIFO.
import type { Priority } from './events.js';
import type { RunInput } from '../run.js';

export interface QueuedRun {
  requestId: string;
  request: RunInput;
  priority: Priority;
  enqueuedAt: number;
}

export interface InFlightRun {
  requestId: string;
  /** The spawned child's id. */
  runId: string;
  startedAt: number;
  /** The request's stepKey, for the journal's task id. */
  stepKey: string;
}

const RANK: Record<Priority, number> = { P0: 0, P1: 1, P2: 2, P3: 3 };

/** Inserts after every entry of the same or a more urgent priority (FIFO within a priority). */
export function enqueue(mailbox: readonly QueuedRun[], run: QueuedRun): QueuedRun[] {
  const at = mailbox.findIndex((q) => RANK[q.priority] > RANK[run.priority]);
  return at < 0 ? [...mailbox, run] : [...mailbox.slice(0, at), run, ...mailbox.slice(at)];
}

export const runIdOf = (requestId: string): string => `run.${requestId}`;
