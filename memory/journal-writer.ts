// The live journal: group commit, fail-closed error handling, compaction and archiving.
// Opening and replay live in journal.ts.
import { rename, unlink } from 'node:fs/promises';
import { StoreError } from '../core/errors.js';
import { appendArchive } from './archive.js';
import { fsyncDir, tempPathFor } from '../core/atomic-file.js';
import { errnoOf, storeUnavailable } from './errno.js';
import { writeFully } from './fs-ops.js';
import type { FileOps, FsOps } from './fs-ops.js';
import { encodeLines, recordJson } from './journal-format.js';
import { writeSnapshot } from './snapshot.js';
import type { StoreLogger } from './warn.js';

export interface JournalStats {
  /** Records made durable (written and covered by an fsync). */
  appends: number;
  /** fsync calls issued on the journal file (group commit keeps this far below `appends`). */
  fsyncs: number;
  /** Bytes made durable. */
  bytes: number;
}

/** `failed`: the last write or fsync did not succeed; the next append probes the disk again. */
export type JournalState = 'ok' | 'failed' | 'closed';

/** The timer of the deferred fsync (the supervisor's clock, so a simulated clock holds it). */
export interface SyncTimer {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export interface JournalInit {
  dir: string;
  path: string;
  fs: FsOps;
  file: FileOps;
  /** Length of the intact journal: where the next line goes. */
  offset: number;
  nextSeq: number;
  now: () => Date;
  logger: StoreLogger | undefined;
  timer: SyncTimer;
  /** A record written with `write` is fsync'd at the latest this long after it (unless an `append` comes first). */
  syncWithinMs: number;
}

interface Settle<T> {
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}
interface RecordJob extends Settle<void> {
  kind: 'record';
  json: string;
  /** Resolve only once fsync'd (an acknowledgement); otherwise once in the kernel. */
  durable: boolean;
}
interface CompactJob extends Settle<number> {
  kind: 'compact';
  data: unknown;
}
type Job = RecordJob | CompactJob;

const isRecordJob = (job: Job): job is RecordJob => job.kind === 'record';

/**
 * Two levels of "written", one file. Every record reaches the kernel in order, one write per
 * microtask batch, before its promise settles: a crash of the process (kill -9) loses nothing
 * written. Only `append` (an acknowledgement: a task accepted, an outcome about to be reported)
 * waits for an fsync, and one fsync covers everything written before it (group commit); a
 * record written with `write` rides on the next one, or on a deferred fsync `syncWithinMs` later.
 * So a power loss loses at most the records written since the last fsync, none of them
 * acknowledged. When an fsync fails, everything after the last good one is cut off the file
 * (its pages may never reach the disk) and the waiting appends reject.
 */
export class Journal {
  readonly path: string;
  private readonly init: JournalInit;
  private file: FileOps;
  /** End of the bytes in the kernel; the next line goes here. */
  private written: number;
  /** End of the bytes an fsync covered. */
  private synced: number;
  /** Seq of the next record written; assigned at write time, so a failed write leaves no gap. */
  private seq: number;
  /** `seq` as it was at `synced`: where it goes back to when an fsync fails. */
  private syncedSeq: number;
  /** Jobs not written yet, in call order. */
  private readonly queue: Job[] = [];
  private flushQueued = false;
  /** Async work writes must wait for (a cut back, a compaction); it flushes the queue when done. */
  private busy: Promise<void> | null = null;
  /** Appends written and waiting for an fsync that starts after their write. */
  private waiters: RecordJob[] = [];
  private syncing: Promise<void> | null = null;
  private deferred: unknown = null;
  private archiving: Promise<unknown> = Promise.resolve();
  /** Bytes past `written` may exist (a failed write or fsync): truncate before the next write. */
  private dirty = false;
  /** A journal swap's rename is not yet fsync'd into the folder: do it before the next ack. */
  private dirUnsynced = false;
  private failed = false;
  /** Where the file ended when a write or fsync last failed: only an fsync past it proves the disk good again. */
  private failedAt = 0;
  private closed = false;
  private readonly counters: JournalStats = { appends: 0, fsyncs: 0, bytes: 0 };

  constructor(init: JournalInit) {
    this.init = init;
    this.path = init.path;
    this.file = init.file;
    this.written = init.offset;
    this.synced = init.offset;
    this.seq = init.nextSeq;
    this.syncedSeq = init.nextSeq;
  }

  get state(): JournalState {
    if (this.closed) return 'closed';
    return this.failed ? 'failed' : 'ok';
  }

  get stats(): JournalStats {
    return { ...this.counters };
  }

  /** The seq the next record written will get. */
  get nextSeq(): number {
    return this.seq;
  }

  /** Resolves once the record is written and fsync'd; rejects with STORE_UNAVAILABLE if it could not be. */
  append(record: unknown): Promise<void> {
    return this.enqueueRecord(record, true);
  }

  /**
   * Resolves once the record is in the kernel: it survives a crash of this process, and a power
   * loss only if an fsync follows (the next `append`, or `syncWithinMs` later). Not awaiting it is
   * safe: a failure shows in `state` and in the next append.
   */
  write(record: unknown): Promise<void> {
    const done = this.enqueueRecord(record, false);
    void done.catch(() => undefined);
    return done;
  }

  /**
   * Saves `data` as the state covering every record appended before this call, then starts an
   * empty journal. Safe to crash at any step: replay skips lines with seq <= the snapshot's seq.
   * Resolves with that seq.
   */
  compact(data: unknown): Promise<number> {
    if (this.closed) return Promise.reject(closedError(this.path));
    return new Promise((resolve, reject) => this.enqueue({ kind: 'compact', data, resolve, reject }));
  }

  /** Appends finished-task records to archive/<yyyy-mm-dd>.ndjson (fsync'd). Returns the file. */
  archive(name: string, records: readonly unknown[]): Promise<string> {
    if (this.closed) return Promise.reject(closedError(this.path));
    const run = this.archiving.then(() => appendArchive(this.init.dir, name, records, this.init.now()));
    this.archiving = run.catch(() => undefined);
    return run;
  }

  /** Writes and fsyncs queued work, then closes the file. Later appends reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    while (this.busy !== null || this.syncing !== null) await (this.busy ?? this.syncing);
    if (this.synced < this.written) await this.startSync();
    this.cancelDeferred();
    await this.archiving;
    await this.file.close();
  }

  private enqueueRecord(record: unknown, durable: boolean): Promise<void> {
    let json: string;
    try {
      json = recordJson(record);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.closed) return Promise.reject(closedError(this.path));
    return new Promise((resolve, reject) => this.enqueue({ kind: 'record', json, durable, resolve, reject }));
  }

  private enqueue(job: Job): void {
    this.queue.push(job);
    if (this.flushQueued || this.busy !== null) return;
    this.flushQueued = true;
    queueMicrotask(() => this.flush()); // records issued in the same tick share one write
  }

  /** Writes the queue up to the next job that needs async work, which then continues it. */
  private flush(): void {
    this.flushQueued = false;
    while (this.busy === null && this.queue.length > 0) {
      const head = this.queue[0];
      if (head?.kind === 'compact') {
        this.queue.shift();
        this.runBusy(this.runCompact(head));
      } else if (this.dirty) {
        this.runBusy(this.cutBackBeforeWrite());
      } else {
        const end = this.queue.findIndex((job) => job.kind === 'compact');
        this.writeBatch(this.queue.splice(0, end === -1 ? this.queue.length : end).filter(isRecordJob));
      }
    }
  }

  private runBusy(work: Promise<void>): void {
    this.busy = work.finally(() => {
      this.busy = null;
      this.flush();
    });
  }

  private writeBatch(batch: RecordJob[]): void {
    const data = encodeLines(this.seq, batch.map((job) => job.json));
    this.dirty = true;
    try {
      writeFully(this.file, data, this.written);
    } catch (err) {
      this.fail(batch, err);
      this.scheduleCutBack(); // drop the partial bytes now if the disk lets us
      return;
    }
    this.dirty = false;
    this.written += data.length;
    this.seq += batch.length;
    let acks = false;
    for (const job of batch) {
      if (job.durable) {
        this.waiters.push(job);
        acks = true;
      } else {
        job.resolve();
      }
    }
    if (acks) void this.startSync();
    else this.deferSync();
  }

  /** One fsync at a time; appends written while one runs wait for the next (it may not cover them). */
  private startSync(): Promise<void> {
    this.syncing ??= this.syncRounds().finally(() => {
      this.syncing = null;
      if (this.synced < this.written) this.deferSync();
    });
    return this.syncing;
  }

  private async syncRounds(): Promise<void> {
    do {
      const upTo = this.written;
      const upToSeq = this.seq;
      const covered = this.waiters.splice(0);
      try {
        await this.sync();
        if (this.dirUnsynced) await this.syncDir();
      } catch (err) {
        this.failSync(covered, err);
        return;
      }
      this.counters.appends += upToSeq - this.syncedSeq;
      this.counters.bytes += upTo - this.synced;
      this.synced = upTo;
      this.syncedSeq = upToSeq;
      if (upTo > this.failedAt) this.failed = false;
      for (const job of covered) job.resolve();
    } while (this.waiters.length > 0);
  }

  /** Records written with `write` and no append after them: fsync them a little later. */
  private deferSync(): void {
    if (this.deferred !== null || this.closed) return;
    this.deferred = this.init.timer.setTimeout(() => {
      this.deferred = null;
      if (this.synced < this.written && !this.closed) void this.startSync();
    }, this.init.syncWithinMs);
  }

  private cancelDeferred(): void {
    if (this.deferred === null) return;
    this.init.timer.clearTimeout(this.deferred);
    this.deferred = null;
  }

  /**
   * An fsync failed: nothing since the last good one can be trusted to reach the disk, so it is cut
   * off (before the next write) and every append waiting on it rejects.
   */
  private failSync(covered: RecordJob[], err: unknown): void {
    const rejected = [...covered, ...this.waiters.splice(0)];
    const lost = this.seq - this.syncedSeq; // every record written since the last good fsync
    this.written = this.synced;
    this.seq = this.syncedSeq;
    this.dirty = true;
    this.fail(rejected, err, lost);
    this.scheduleCutBack();
  }

  private scheduleCutBack(): void {
    if (this.busy === null) this.runBusy(this.cutBackBeforeWrite());
  }

  /** Never acknowledge what could not be persisted: every append in the batch rejects. */
  private fail(batch: RecordJob[], err: unknown, records = batch.length): void {
    this.failed = true;
    this.failedAt = this.written;
    const errno = errnoOf(err) ?? 'unknown';
    const error = new StoreError(
      'STORE_UNAVAILABLE',
      `${this.path}: could not persist ${records} record(s) (${errno}); none was acknowledged`,
      { details: { file: this.path, errno, records }, cause: err },
    );
    for (const job of batch) job.reject(error);
    this.init.logger?.warn({ code: error.code, file: this.path, errno, records }, error.message);
  }

  /** Queued records wait for the cut back; if it fails they are refused (the disk is still bad) and stay dirty. */
  private async cutBackBeforeWrite(): Promise<void> {
    while (this.syncing !== null) await this.syncing; // an fsync in flight must not see the file shrink under it
    try {
      await this.cutBack();
    } catch (err) {
      const end = this.queue.findIndex((job) => job.kind === 'compact');
      const refused = this.queue.splice(0, end === -1 ? this.queue.length : end).filter(isRecordJob);
      if (refused.length > 0) this.fail(refused, err);
    }
  }

  /** Truncates back to the last good byte after a failed write or fsync, so the file stays parseable. */
  private async cutBack(): Promise<void> {
    if (!this.dirty) return;
    await this.file.truncate(this.written);
    await this.sync();
    this.dirty = false;
  }

  private async sync(): Promise<void> {
    this.counters.fsyncs += 1;
    await this.file.sync();
  }

  private async syncDir(): Promise<void> {
    await fsyncDir(this.init.dir);
    this.dirUnsynced = false;
  }

  private async runCompact(job: CompactJob): Promise<void> {
    // Everything written before this job is fsync'd (or refused) first, so its waiters settle.
    while (this.syncing !== null) await this.syncing;
    if (this.synced < this.written) await this.startSync();
    const seq = this.seq - 1;
    try {
      await writeSnapshot(this.init.dir, { seq, data: job.data });
      await this.swapToEmptyJournal();
      job.resolve(seq);
    } catch (err) {
      job.reject(storeUnavailable(this.path, 'compaction', err));
    }
  }

  /** New empty file: temp -> fsync -> rename over the journal -> fsync(dir). */
  private async swapToEmptyJournal(): Promise<void> {
    const tmp = tempPathFor(this.path);
    const fresh = await this.init.fs.open(tmp);
    try {
      await fresh.sync();
      await rename(tmp, this.path);
    } catch (err) {
      await fresh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    // The rename happened: from here on the fresh file is the journal whatever else fails.
    const old = this.file;
    this.file = fresh;
    this.written = 0;
    this.synced = 0;
    this.syncedSeq = this.seq;
    this.dirty = false;
    this.dirUnsynced = true;
    await old.close().catch(() => undefined);
    await this.syncDir(); // if this throws, the next commit retries it before acknowledging
  }
}

function closedError(path: string): StoreError {
  return new StoreError('STORE_UNAVAILABLE', `${path}: the journal is closed`, { details: { file: path } });
}
