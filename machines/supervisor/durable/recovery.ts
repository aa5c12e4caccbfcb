// Replays the journal into the supervisor's parts: tasks, memoized activities, events, approval
// decisions, idempotency keys, domain pauses, queued events and today's settled spend.
import { dayOf } from '../../../core/clock.js';
import type { Deliveries } from '../../deliveries/deliveries.js';
import type { BudgetLedger } from '../../ledger.js';
import type { Approvals } from '../policy/approvals.js';
import type { DayStats } from '../read-models/day-stats.js';
import type { EventLog } from '../read-models/event-log.js';
import type { Routed } from '../policy/event-routing.js';
import type { Intake } from '../policy/intake.js';
import type { Escalation } from '../policy/escalation.js';
import type { ActivityJournal } from './activity-journal.js';
import type { Idempotency } from './idempotency.js';
import type { JournalRecord } from './records.js';
import type { TaskBook } from '../tasks/task-book.js';

export interface ReplayTargets {
  book: TaskBook;
  memo: ActivityJournal;
  events: EventLog;
  day: DayStats;
  approvals: Approvals;
  idempotency: Idempotency;
  escalation: Escalation;
  intake: Intake;
  ledger: BudgetLedger;
  deliveries: Deliveries;
  today: string;
}

export interface ReplaySummary {
  records: number;
  tasks: number;
  finished: number;
  reruns: number;
  /** Requests cut off by a crash, charged at their worst case. */
  orphanCalls: number;
  orphanUsd: number;
}

interface Replay {
  finals: Extract<JournalRecord, { t: 'final' }>[];
  queued: Map<string, Routed>;
  origins: Set<string>;
  spentByTask: Record<string, number>;
  spent: number;
  tasks: number;
  open: Set<string>;
  /** Per key, the estimates of requests sent and not yet answered in the journal. */
  calls: Map<string, { usd: number; today: boolean; taskId: string }[]>;
}

/**
 * A request whose answer a crash cut off may have been billed, at an unknown cost: the ledger
 * charges its worst-case estimate (reliability.md §9 test 9: both attempts are charged), so the
 * hard limit holds whatever the crash timing. The last request of a key is the one its result
 * answers; every earlier one, and every one of a key with no result, is such an orphan.
 */
function chargeOrphans(acc: Replay): { count: number; usd: number } {
  let count = 0;
  let usd = 0;
  for (const pending of acc.calls.values()) {
    for (const c of pending) {
      count++;
      usd += c.usd;
      acc.spentByTask[c.taskId] = (acc.spentByTask[c.taskId] ?? 0) + c.usd;
      if (c.today) acc.spent += c.usd;
    }
  }
  return { count, usd };
}

type Handler<K extends JournalRecord['t']> = (r: Extract<JournalRecord, { t: K }>, t: ReplayTargets, acc: Replay) => void;

/** What each record kind rebuilds. */
const REPLAY: { [K in JournalRecord['t']]: Handler<K> } = {
  task: (r, t, acc) => {
    t.book.records.set(r.record.id, r.record);
    if (r.record.origin !== undefined) acc.origins.add(r.record.origin);
    acc.tasks++;
  },
  intent: (r, t) => t.memo.replay(r),
  call: (r, t, acc) => {
    t.memo.replay(r);
    acc.open.add(r.key);
    const pending = acc.calls.get(r.key) ?? [];
    pending.push({ usd: r.estimateUsd, today: dayOf(r.at) === t.today, taskId: r.taskId });
    acc.calls.set(r.key, pending);
  },
  result: (r, t, acc) => {
    t.memo.replay(r);
    acc.open.delete(r.key);
    acc.calls.get(r.key)?.pop(); // the request this result answers
    // The per-task cap covers a task's life; the daily limit only today.
    if (r.costUsd > 0) acc.spentByTask[r.taskId] = (acc.spentByTask[r.taskId] ?? 0) + r.costUsd;
    if (r.costUsd > 0 && dayOf(r.at) === t.today) acc.spent += r.costUsd;
  },
  event: (r, t) => {
    t.events.replay(r.seq, r.event, r.key);
    t.day.add(r.event);
  },
  decision: (r, t) => {
    const { t: _t, approvalId, ...decision } = r;
    t.approvals.replayDecision(approvalId, decision);
  },
  final: (r, _t, acc) => void acc.finals.push(r),
  seen: (r, t) => t.idempotency.replay(r.id, r.at),
  domain: (r, t) => t.escalation.replay(r.domain, r.paused),
  queued: (r, _t, acc) => void acc.queued.set(r.eventId, { eventId: r.eventId, workflow: r.workflow, input: r.input, priority: r.priority }),
  delivery: (r, t) => t.deliveries.replay(r),
  delivered: (r, t) => t.deliveries.replay(r),
  spend: (r, t, acc) => {
    if (r.day === t.today) acc.spent += r.usd;
  },
};

function replayOne(r: JournalRecord, t: ReplayTargets, acc: Replay): void {
  REPLAY[r.t](r as never, t, acc);
}

/**
 * A routed task's origin, or a queued event, is `<eventId>#<rule>`: that event was accepted even
 * if a kill came before its `seen` record (emitEvent journals it after routing).
 */
function markRoutedEvents(records: readonly JournalRecord[], seen: Idempotency): void {
  for (const r of records) {
    const routed = r.t === 'task' ? { id: r.record.origin, at: r.record.createdAt } : r.t === 'queued' ? { id: r.eventId, at: r.at } : undefined;
    const eventId = routed?.id === undefined ? undefined : /^(.+)#\d+$/.exec(routed.id)?.[1];
    if (routed && eventId !== undefined && !seen.has(eventId)) seen.replay(eventId, routed.at);
  }
}

export function replayJournal(records: readonly JournalRecord[], t: ReplayTargets): ReplaySummary {
  const acc: Replay = { finals: [], queued: new Map(), origins: new Set(), spentByTask: {}, spent: 0, tasks: 0, open: new Set(), calls: new Map() };
  for (const r of records) replayOne(r, t, acc);
  markRoutedEvents(records, t.idempotency);
  for (const f of acc.finals) {
    t.book.restoreFinal(f.taskId, f.outcome, f.reason, f.view, f.code);
    t.memo.forget(f.taskId);
  }
  const orphans = chargeOrphans(acc);
  t.ledger.restoreSpent(t.today, acc.spent, acc.spentByTask);
  for (const [id, routed] of acc.queued) if (!acc.origins.has(id)) t.intake.enqueue(routed);
  return { records: records.length, tasks: acc.tasks, finished: acc.finals.length, reruns: acc.open.size, orphanCalls: orphans.count, orphanUsd: orphans.usd };
}
