// The invariants of a chaos run, as pure functions of what the run observed: the journal history
// after the last kill, the fake API's billing, the kill times and the files after a clean stop.
// Each check returns the offending items (empty = holds), so a failure names them.
import type { JournalRecord } from '../../machines/supervisor/durable/records.js';
import { fateOf, OUTCOME_OF, UNIT_MICROS } from './chaos-model.js';
import { micros } from './chaos-store.js';

export interface KillRecord {
  /** Date.now() just before SIGKILL, and once the process was seen gone. */
  sentAt: number;
  deadAt: number;
  /** Status spend (micro-USD) and its day, read just before the kill; null if status did not answer. */
  before: { micros: number; day: string } | null;
  /** Spend the journal holds once the process is dead: what the restart must restore. */
  journalMicros: number;
  /** Steps with a call and no result at the kill: each may have settled in memory, unjournaled. */
  openKeys: number;
  /** Status spend right after the restart answered. */
  after: { micros: number; day: string } | null;
  /** From spawning the new supervisor to its socket answering (replay included). */
  recoveryMs: number;
  corrupt: string | null;
  torn: boolean;
}

export interface ChaosRun {
  seed: number;
  globalInFlight: number;
  /** Submissions acknowledged: tasks (201) plus events (202). */
  accepted: number;
  /** Task ids acknowledged with 201, and those of first-time 202s for events. */
  acceptedTasks: string[];
  /** Event ids acknowledged with 202 (a retried one may be acknowledged as a duplicate). */
  acceptedEvents: string[];
  kills: KillRecord[];
  /** Supervisor processes that exited without being killed (output tails). */
  crashes: string[];
  /** The whole history: read after a final kill -9, before anything compacts it. */
  records: JournalRecord[];
  snapshotBeforeStop: boolean;
  /** 200 answers the fake sent per step key. */
  billed: ReadonlyMap<string, number>;
  /** Requests the fake could not answer. */
  fakeUnexpected: readonly string[];
  /**
   * After one more restart: the status the API answers for each accepted task (it keeps views of
   * the 1,000 most recent finished tasks; older ones answer 404 and are absent), and the spend.
   */
  apiStatus: ReadonlyMap<string, string>;
  restoredSpendMicros: number;
  /** After the clean stop: its exit code, archived views, and task records left in the snapshot. */
  stopCode: number | null;
  archived: readonly { id: string; status: string }[];
  activeAfterStop: number;
  submitFailures: number;
  durationMs: number;
}

interface KeyFacts {
  /** Times of the key's `call` records, in order. */
  calls: number[];
  /** Their worst-case estimates, in the same order. */
  estimates: number[];
  results: Extract<JournalRecord, { t: 'result' }>[];
}

function byKey(records: readonly JournalRecord[]): Map<string, KeyFacts> {
  const keys = new Map<string, KeyFacts>();
  const of = (key: string): KeyFacts => {
    let k = keys.get(key);
    if (!k) keys.set(key, (k = { calls: [], estimates: [], results: [] }));
    return k;
  };
  for (const r of records) {
    if (r.t === 'call') {
      of(r.key).calls.push(r.at);
      of(r.key).estimates.push(r.estimateUsd);
    }
    if (r.t === 'result') of(r.key).results.push(r);
  }
  return keys;
}

const count = <T>(items: readonly T[], keyOf: (item: T) => string): Map<string, number> => {
  const m = new Map<string, number>();
  for (const item of items) m.set(keyOf(item), (m.get(keyOf(item)) ?? 0) + 1);
  return m;
};

/** Invariants 1 and 2: one terminal state per task, nothing accepted lost, the path replayed. */
export function checkTasks(run: ChaosRun) {
  const tasks = run.records.filter((r): r is Extract<JournalRecord, { t: 'task' }> => r.t === 'task');
  const finals = run.records.filter((r): r is Extract<JournalRecord, { t: 'final' }> => r.t === 'final');
  const finalCount = count(finals, (f) => f.taskId);
  const outcome = new Map(finals.map((f) => [f.taskId, f.outcome]));
  const reason = new Map(finals.map((f) => [f.taskId, f.reason ?? '']));
  const taskIds = new Set(tasks.map((t) => t.record.id));
  const byOrigin = count(tasks, (t) => t.record.origin ?? '');
  const archived = new Map<string, Set<string>>();
  for (const a of run.archived) archived.set(a.id, (archived.get(a.id) ?? new Set()).add(a.status));
  return {
    notOneFinal: run.acceptedTasks.filter((id) => finalCount.get(id) !== 1).map((id) => `${id}: ${finalCount.get(id) ?? 0} final records`),
    duplicateFinals: [...finalCount].filter(([, n]) => n > 1).map(([id, n]) => `${id}: ${n} final records`),
    duplicateTaskRecords: [...count(tasks, (t) => t.record.id)].filter(([, n]) => n > 1).map(([id]) => id),
    unfinished: [...taskIds].filter((id) => !finalCount.has(id)),
    lostTasks: run.acceptedTasks.filter((id) => !taskIds.has(id)),
    lostEvents: run.acceptedEvents.filter((id) => byOrigin.get(`${id}#0`) !== 1).map((id) => `${id}: ${byOrigin.get(`${id}#0`) ?? 0} tasks`),
    wrongOutcomes: [...outcome].filter(([id, o]) => o !== OUTCOME_OF[fateOf(run.seed, id)]).map(([id, o]) => `${id}: ${o} (${reason.get(id)}), fate ${fateOf(run.seed, id)}`),
    apiMismatch: [...run.apiStatus].filter(([id, status]) => status !== outcome.get(id)).map(([id, status]) => `${id}: api ${status}, journal ${outcome.get(id)}`),
    apiMissing: run.acceptedTasks.filter((id) => !run.apiStatus.has(id)),
    archiveMismatch: run.acceptedTasks
      .filter((id) => archived.get(id)?.size !== 1 || !archived.get(id)?.has(outcome.get(id) ?? ''))
      .map((id) => `${id}: archived as ${[...(archived.get(id) ?? [])].join('/') || 'nothing'}, journal ${outcome.get(id)}`),
  };
}

/**
 * Invariant 3: a model step runs again only when a kill cut an earlier request (its `call` record
 * has no result), every such re-run is labelled `rerun: true` and nothing else is, and each kill
 * accounts for at most one extra request per step: between two consecutive `call` records of a key
 * there is a kill, a different one for each gap.
 */
export function checkReruns(run: ChaosRun) {
  const unlabelled: string[] = [];
  const withoutKill: string[] = [];
  const duplicateResults: string[] = [];
  const unresolved: string[] = [];
  let reruns = 0;
  let steps = 0;
  for (const [key, k] of byKey(run.records)) {
    const result = k.results[0];
    if (k.calls.length > 0) steps += 1;
    if (k.results.length > 1) duplicateResults.push(`${key}: ${k.results.length} results`);
    if (result === undefined) {
      if (k.calls.length > 0) unresolved.push(key);
      continue;
    }
    if (k.calls.length > 0 && result.rerun !== k.calls.length > 1) unlabelled.push(`${key}: ${k.calls.length} calls, rerun ${result.rerun}`);
    reruns += Math.max(0, k.calls.length - 1);
    let kill = -1;
    for (let i = 1; i < k.calls.length; i++) {
      const [prev, next] = [k.calls[i - 1] ?? 0, k.calls[i] ?? 0];
      kill = run.kills.findIndex((x, j) => j > kill && prev <= x.deadAt && x.sentAt <= next);
      if (kill === -1) {
        withoutKill.push(`${key}: calls at ${k.calls.join(', ')}`);
        break;
      }
    }
  }
  return { steps, reruns, unlabelled, withoutKill, duplicateResults, unresolved, bound: run.kills.length * run.globalInFlight };
}

/**
 * Invariant 4, spend. The supervisor records a step's cost from the response it received (one
 * request: UNIT_MICROS, or 0 for an error). A request the fake answered but whose response a kill
 * cut is billed and never recorded; it must be one of the step's earlier attempts, each of which
 * has its own `call` record. So, exactly, for every step key k with c calls, b billed answers and
 * recorded cost r (0 or one unit):
 *   lost(k) = b − r / UNIT ∈ [0, c − 1],  billed = recorded + UNIT × Σ lost(k),  Σ lost ≤ re-runs.
 * No key is billed without a `call` record (nothing reaches the API unjournaled).
 * The supervisor cannot know what a cut request cost, so a restart charges every unanswered
 * `call` at its worst-case estimate (orphanMicros): the spend it restores is recorded + orphans,
 * never below what was billed.
 */
export function checkSpend(run: ChaosRun) {
  const keys = byKey(run.records);
  const costMismatch: string[] = [];
  const lostOutOfRange: string[] = [];
  let recordedMicros = 0;
  let lostRequests = 0;
  let orphanMicros = 0;
  for (const [key, k] of keys) {
    const result = k.results[0];
    const r = result ? micros(result.costUsd) : 0;
    recordedMicros += k.results.reduce((sum, x) => sum + micros(x.costUsd), 0);
    if (r !== 0 && r !== UNIT_MICROS) costMismatch.push(`${key}: recorded ${r} µ$`);
    const lost = (run.billed.get(key) ?? 0) - r / UNIT_MICROS;
    if (lost < 0 || lost > Math.max(0, k.calls.length - (result ? 1 : 0))) lostOutOfRange.push(`${key}: billed ${run.billed.get(key) ?? 0}, calls ${k.calls.length}, recorded ${r} µ$`);
    lostRequests += Math.max(0, lost);
    for (const usd of result ? k.estimates.slice(0, -1) : k.estimates) orphanMicros += micros(usd);
  }
  const billedWithoutCall = [...run.billed.keys()].filter((key) => (keys.get(key)?.calls.length ?? 0) === 0);
  const billedMicros = [...run.billed.values()].reduce((sum, n) => sum + n * UNIT_MICROS, 0);
  return { recordedMicros, billedMicros, orphanMicros, lostRequests, lostMicros: lostRequests * UNIT_MICROS, costMismatch, lostOutOfRange, billedWithoutCall };
}

/**
 * Invariant 5 (reliability.md §9 test 18), at every kill: what the journal holds after the kill
 * never goes down from one kill to the next; the restart restores at least that (status read
 * after it may have moved on); and what status showed before the kill is covered by the journal
 * except for steps still open at the kill (settled in memory, result not yet durable: one unit
 * each at most). A kill across UTC midnight is skipped (the daily ledger rolls over).
 */
export function checkSpendRestore(run: ChaosRun): string[] {
  const bad: string[] = [];
  let previous = 0;
  for (const [i, k] of run.kills.entries()) {
    if (k.journalMicros < previous) bad.push(`kill ${i}: journal spend fell from ${previous} to ${k.journalMicros} µ$`);
    previous = Math.max(previous, k.journalMicros);
    const day = k.before?.day;
    if (k.before === null || k.after === null || day !== k.after.day) continue;
    if (k.after.micros < k.journalMicros) bad.push(`kill ${i}: restored ${k.after.micros} µ$ < journal ${k.journalMicros} µ$`);
    if (k.before.micros > k.journalMicros + k.openKeys * UNIT_MICROS) {
      bad.push(`kill ${i}: status showed ${k.before.micros} µ$ before, journal kept ${k.journalMicros} µ$ with ${k.openKeys} open steps`);
    }
  }
  return bad;
}
