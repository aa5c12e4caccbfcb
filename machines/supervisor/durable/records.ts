// What the supervisor writes to its journal. Replaying these records rebuilds every active task,
// pending approval, settled spend and recent event after a restart.
import type { SupervisorEvent } from '../../events.js';
import type { Deliverable } from '../../deliveries/content.js';
import type { FinalStatus, TaskView } from '../../contract.js';
import type { TaskRecord } from '../../task/context.js';

export type JournalRecord =
  /** A task was accepted. */
  | { t: 'task'; record: TaskRecord }
  /** An activity is about to run (written before any model call). */
  | { t: 'intent'; key: string; taskId: string; at: number; estimateUsd?: number; data?: unknown }
  /**
   * A model request is about to be sent for activity `key` (the API may bill it from here on).
   * `estimateUsd` is its worst case: what a restart charges when the answer was cut off.
   */
  | { t: 'call'; key: string; taskId: string; at: number; model: string; estimateUsd: number }
  /** An activity finished; `value` is returned on replay instead of running it again. */
  | { t: 'result'; key: string; taskId: string; at: number; value: unknown; costUsd: number; rerun: boolean }
  | { t: 'event'; seq: number; key?: string; event: SupervisorEvent }
  | { t: 'decision'; approvalId: string; status: 'granted' | 'rejected'; by: 'person' | 'coordinator' | 'policy'; note?: string; at: number; decider?: string; edited?: { step: string; output: Record<string, unknown> } }
  /** A task ended; `view` is its final view (absent in journals written before it was added); `code`: the error registry code a failed task ended with (core/errors.ts). */
  | { t: 'final'; taskId: string; outcome: FinalStatus; reason?: string; code?: string; at: number; view?: TaskView }
  /** An idempotency key (event id, webhook delivery, spooled hook line) that was accepted. */
  | { t: 'seen'; id: string; at: number }
  | { t: 'domain'; domain: string; paused: boolean; at: number }
  /** Settled spend of finished tasks, carried over by a compaction. */
  | { t: 'spend'; day: string; usd: number }
  /** A delivery is about to be sent (durable first): its content and idempotency key, reused by every resend. */
  | { t: 'delivery'; taskId: string; sink: string; type: 'file' | 'webhook' | 'command'; key: string; at: number; content: Deliverable }
  /** A delivery's outcome; attempts count every send so far. */
  | { t: 'delivered'; taskId: string; sink: string; key: string; at: number; status: 'delivered' | 'failed'; attempts: number; target: string; error?: string }
  /** A routed event waiting for its batch window; done once a task has it as origin. */
  | { t: 'queued'; eventId: string; workflow: string; input: Record<string, unknown>; priority: 'P0' | 'P1' | 'P2' | 'P3'; at: number };

/** The journal as the supervisor uses it (memory/journal.ts implements it). */
export interface JournalSink {
  /** Resolves once the record is durable (fsync'd, group-committed): for acknowledgements. */
  append(record: JournalRecord): Promise<void>;
  /**
   * Resolves once the record is in the kernel, in order with every other record: a process crash
   * cannot lose it, a power loss before the next `append`'s fsync can (README, "What a crash costs").
   */
  write(record: JournalRecord): Promise<void>;
}
