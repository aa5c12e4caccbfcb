// What a compaction keeps: the smallest set of records that rebuilds the live state. Finished
// tasks leave the journal for the archive (their final view, outputs included).
import type { TaskView } from '../../contract.js';
import type { SupervisorEvent } from '../../events.js';
import type { Deliveries } from '../../deliveries/deliveries.js';
import type { BudgetLedger } from '../../ledger.js';
import type { Intake } from '../policy/intake.js';
import type { ActivityJournal } from './activity-journal.js';
import type { JournalRecord } from './records.js';
import type { TaskBook } from '../tasks/task-book.js';

export interface LiveState {
  book: TaskBook;
  memo: ActivityJournal;
  ledger: BudgetLedger;
  intake: Intake;
  deliveries: Deliveries;
  events: { seq: number; event: SupervisorEvent; key?: string }[];
  /** The idempotency keys still within their TTL (durable/idempotency.ts). */
  seen: readonly JournalRecord[];
  /** Finished tasks not archived yet (they finished during this compaction): kept in the snapshot. */
  unarchived: ReadonlySet<string>;
  /** The paused domains (policy/escalation.ts). */
  domains: readonly JournalRecord[];
  now: number;
  /** A task's current view (a kept final record carries it). */
  view(id: string): TaskView | undefined;
}

export function compactionRecords(s: LiveState): JournalRecord[] {
  const out: JournalRecord[] = [];
  const active = [...s.book.records.values()].filter((r) => !s.book.outcomes.has(r.id));
  const needed = new Set<string>();
  for (const r of active) {
    for (const dep of r.dependsOn) needed.add(dep);
    for (const child of r.children ?? []) needed.add(child);
    if (r.parentId) needed.add(r.parentId);
  }
  // Finished tasks that an active one still refers to keep their record and outcome, and so
  // do finished tasks not archived yet (they finished while the archive was being written).
  for (const id of s.unarchived) needed.add(id);
  for (const id of needed) out.push(...keptFinished(s, id));
  for (const r of active) out.push({ t: 'task', record: r }, ...s.memo.records(r.id));
  for (const e of s.events) out.push(e.key === undefined ? { t: 'event', seq: e.seq, event: e.event } : { t: 'event', seq: e.seq, key: e.key, event: e.event });
  out.push(...s.seen, ...s.domains);
  out.push(...s.deliveries.records());
  for (const q of s.intake.queued()) out.push({ t: 'queued', ...q, at: s.now });
  const spend = s.ledger.view();
  out.push({ t: 'spend', day: spend.day, usd: spend.spentUsd });
  return out;
}

/** A finished task kept in the snapshot: its record and final outcome, with its final view. */
function keptFinished(s: LiveState, id: string): JournalRecord[] {
  const r = s.book.records.get(id);
  const outcome = s.book.outcomes.get(id);
  if (!r || outcome === undefined) return [];
  const view = s.view(id);
  return [{ t: 'task', record: r }, view ? { t: 'final', taskId: id, outcome, at: s.now, view } : { t: 'final', taskId: id, outcome, at: s.now }];
}
