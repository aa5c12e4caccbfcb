// Replays the journal into the supervisor's parts: tasks, memoized activities, events, approval
// decisions, idempotency keys, domain pauses, queued events and today's settled spend.
import { dayOf } from '../../core/clock.js';
import type { BudgetLedger } from '../ledger.js';
import type { Approvals } from './approvals.js';
import type { DayStats } from './day-stats.js';
import type { EventLog } from './event-log.js';
import type { Intake, Routed } from './intake.js';
import type { ActivityMemo } from './memo.js';
import type { JournalRecord } from './records.js';
import type { TaskBook } from './task-book.js';

export interface ReplayTargets {
  book: TaskBook;
  memo: ActivityMemo;
  events: EventLog;
  day: DayStats;
  approvals: Approvals;
  seen: Map<string, number>;
  pausedDomains: Set<string>;
  intake: Intake;
  ledger: BudgetLedger;
  today: string;
}

export interface ReplaySummary {
  records: number;
  tasks: number;
  finished: number;
  reruns: number;
}

interface Replay {
  finals: Extract<JournalRecord, { t: 'final' }>[];
  queued: Map<string, Routed>;
  origins: Set<string>;
  spentByTask: Record<string, number>;
  spent: number;
  tasks: number;
  open: Set<string>;
}

function replayOne(r: JournalRecord, t: ReplayTargets, acc: Replay): void {
  switch (r.t) {
    case 'task':
      t.book.records.set(r.record.id, r.record);
      if (r.record.origin !== undefined) acc.origins.add(r.record.origin);
      acc.tasks++;
      return;
    case 'intent':
      t.memo.replay(r);
      return;
    case 'call':
      t.memo.replay(r);
      acc.open.add(r.key);
      return;
    case 'result':
      t.memo.replay(r);
      acc.open.delete(r.key);
      // The per-task cap covers a task's life; the daily limit only today.
      if (r.costUsd > 0) acc.spentByTask[r.taskId] = (acc.spentByTask[r.taskId] ?? 0) + r.costUsd;
      if (r.costUsd > 0 && dayOf(r.at) === t.today) acc.spent += r.costUsd;
      return;
    case 'event':
      t.events.replay(r.seq, r.event, r.key);
      t.day.add(r.event);
      return;
    case 'decision':
      t.approvals.replayDecision(r.approvalId, r.note === undefined ? { status: r.status, by: r.by, at: r.at } : { status: r.status, by: r.by, note: r.note, at: r.at });
      return;
    case 'final':
      acc.finals.push(r);
      return;
    case 'seen':
      t.seen.set(r.id, r.at);
      return;
    case 'domain':
      if (r.paused) t.pausedDomains.add(r.domain);
      else t.pausedDomains.delete(r.domain);
      return;
    case 'queued':
      acc.queued.set(r.eventId, { eventId: r.eventId, workflow: r.workflow, input: r.input, priority: r.priority });
      return;
    case 'spend':
      if (r.day === t.today) acc.spent += r.usd;
      return;
  }
}

export function replayJournal(records: readonly JournalRecord[], t: ReplayTargets): ReplaySummary {
  const acc: Replay = { finals: [], queued: new Map(), origins: new Set(), spentByTask: {}, spent: 0, tasks: 0, open: new Set() };
  for (const r of records) replayOne(r, t, acc);
  for (const f of acc.finals) {
    t.book.restoreFinal(f.taskId, f.outcome, f.reason);
    t.memo.forget(f.taskId);
  }
  t.ledger.restoreSpent(t.today, acc.spent, acc.spentByTask);
  for (const [id, routed] of acc.queued) if (!acc.origins.has(id)) t.intake.enqueue(routed);
  return { records: records.length, tasks: acc.tasks, finished: acc.finals.length, reruns: acc.open.size };
}
