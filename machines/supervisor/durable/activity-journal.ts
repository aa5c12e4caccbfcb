// Memoized activities (in the manner of Restate's ctx.run): an intent is journaled before the
// work, the result after it. On replay a recorded result is returned without running again; an
// intent without a result means the work may have happened already, so it runs again labelled
// as a re-run (the spend ledger reports re-runs apart).
import { AgentryError, SystemError } from '../../../core/errors.js';
import type { ErrorCode } from '../../../core/errors.js';
import type { JournalRecord, JournalSink } from './records.js';

/** Failures caused by our own shutdown are not outcomes: the work runs again after a restart. */
const NOT_RECORDED: readonly ErrorCode[] = ['MODEL_ABORTED', 'DRAINING', 'STORE_UNAVAILABLE'];

interface RecordedError {
  error: { code: ErrorCode; message: string; costUsd: number };
}

function isRecordedError(value: unknown): value is RecordedError {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, 'error') && Object.keys(value).length === 1;
}

/** A failure replayed from the journal, with the code it had. */
class ReplayedError extends SystemError {}

interface Entry {
  intents: number;
  /** Model requests sent for this key (journaled by the model wrapper before sending). */
  calls: number;
  /** Their worst-case estimates, kept so a compaction rewrites them as they were. */
  estimates: number[];
  data?: unknown;
  result?: { value: unknown; costUsd: number };
}

export interface ActivityRun<T> {
  value: T;
  costUsd: number;
  /** True when the value came from the journal. */
  replayed: boolean;
}

export interface RunContext {
  /** True when a model request of an earlier attempt was sent but its result never recorded (a crash). */
  rerun: boolean;
  /** Data stored with the first intent (e.g. an approval deadline). */
  data: unknown;
}

export class ActivityJournal {
  private readonly entries = new Map<string, Entry>();
  /** Keys by task id, so forgetting or snapshotting one task does not scan every task's keys. */
  private readonly keysByTask = new Map<string, Set<string>>();

  constructor(
    private readonly journal: JournalSink,
    private readonly now: () => number,
    private readonly onWriteError: (err: unknown) => void = () => {},
  ) {}

  /**
   * Intents and results need order, not their own fsync: the journal writes in call order, and
   * every acknowledgment (a task accepted, a final outcome) waits for an fsync that covers all
   * records before it. A failed write puts the journal in its failed state, so the next
   * acknowledged append fails too and nothing is acknowledged.
   */
  private write(record: JournalRecord): void {
    this.journal.write(record).catch(this.onWriteError);
  }

  /** Feeds one replayed journal record. */
  replay(record: JournalRecord): void {
    if (record.t === 'intent') {
      const e = this.entry(record.key);
      e.intents += 1;
      if (e.data === undefined && record.data !== undefined) e.data = record.data;
    } else if (record.t === 'call') {
      const e = this.entry(record.key);
      e.calls += 1;
      e.estimates.push(record.estimateUsd);
    } else if (record.t === 'result') {
      this.entry(record.key).result = { value: record.value, costUsd: record.costUsd };
    }
  }

  /** Drops the entries of a finished task (they move to the archive). */
  forget(taskId: string): void {
    for (const key of this.keysByTask.get(taskId) ?? []) this.entries.delete(key);
    this.keysByTask.delete(taskId);
  }

  /** A model request for `key` is being sent (its `call` record is journaled by the caller). */
  noteCall(key: string, estimateUsd: number): void {
    const e = this.entry(key);
    e.calls += 1;
    e.estimates.push(estimateUsd);
  }

  /** The records that rebuild this memo (for compaction snapshots). */
  records(taskId: string): JournalRecord[] {
    const out: JournalRecord[] = [];
    for (const key of this.keysByTask.get(taskId) ?? []) {
      const e = this.entries.get(key);
      if (!e) continue;
      if (e.intents > 0) out.push({ t: 'intent', key, taskId, at: 0, ...(e.data === undefined ? {} : { data: e.data }) });
      for (const estimateUsd of e.estimates) out.push({ t: 'call', key, taskId, at: 0, model: '', estimateUsd });
      if (e.result) out.push({ t: 'result', key, taskId, at: 0, value: e.result.value, costUsd: e.result.costUsd, rerun: false });
    }
    return out;
  }

  /**
   * Runs `work` once per key. `work` returns the value and its cost; `data` is stored with the
   * intent and handed back on a re-run.
   */
  async run<T>(
    key: string,
    taskId: string,
    work: (ctx: RunContext) => Promise<{ value: T; costUsd: number }>,
    opts: { estimateUsd?: number; data?: unknown } = {},
  ): Promise<ActivityRun<T>> {
    const e = this.entry(key);
    if (e.result) {
      if (isRecordedError(e.result.value)) {
        const { code, message } = e.result.value.error;
        throw new ReplayedError(code, message, { details: { replayed: true } });
      }
      return { value: e.result.value as T, costUsd: e.result.costUsd, replayed: true };
    }
    // A re-run is labelled only when a model request of an earlier attempt actually went out.
    const rerun = e.calls > 0;
    if (e.intents === 0) e.data = opts.data;
    const intent: JournalRecord = { t: 'intent', key, taskId, at: this.now() };
    if (opts.estimateUsd !== undefined) intent.estimateUsd = opts.estimateUsd;
    if (e.data !== undefined) intent.data = e.data;
    this.write(intent);
    e.intents += 1;
    let outcome: { value: unknown; costUsd: number };
    try {
      outcome = await work({ rerun, data: e.data });
    } catch (err) {
      // A definite failure is an outcome too: replay must fail the same way, not call again.
      if (err instanceof AgentryError && !NOT_RECORDED.includes(err.code)) {
        const costUsd = typeof err.details['costUsd'] === 'number' ? err.details['costUsd'] : 0;
        const value: RecordedError = { error: { code: err.code, message: err.message, costUsd } };
        this.write({ t: 'result', key, taskId, at: this.now(), value, costUsd, rerun });
        e.result = { value, costUsd };
      }
      throw err;
    }
    this.write({ t: 'result', key, taskId, at: this.now(), value: outcome.value, costUsd: outcome.costUsd, rerun });
    e.result = outcome;
    return { value: outcome.value as T, costUsd: outcome.costUsd, replayed: false };
  }

  private entry(key: string): Entry {
    let e = this.entries.get(key);
    if (!e) {
      e = { intents: 0, calls: 0, estimates: [] };
      this.entries.set(key, e);
      this.index(key);
    }
    return e;
  }

  /** Keys are `taskId:…` (activityKey); a key without a task prefix belongs to no task. */
  private index(key: string): void {
    const at = key.indexOf(':');
    if (at <= 0) return;
    const taskId = key.slice(0, at);
    let keys = this.keysByTask.get(taskId);
    if (!keys) {
      keys = new Set();
      this.keysByTask.set(taskId, keys);
    }
    keys.add(key);
  }
}
