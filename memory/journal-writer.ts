// The live journal: group commit, fail-closed error handling, compaction and archiving.
// Opening and replay live in journal.ts.
import { rename, unlink } from 'node:fs/promises';
import { StoreError } from '../core/errors.js';
import { appendArchive } from './archive.js';
import { fsyncDir, tempPathFor } from '../core/atomic-file.js';
import { errnoOf, storeUnavailable } from './errno.js';
import { writeFully } from './fs-ops.js';
import type { FileOps, FsOps } from './fs-ops.js';
import { encodeLine, recordJson } from './journal-format.js';
import { writeSnapshot } from './snapshot.js';
import type { StoreLogger } from './warn.js';

export interface JournalStats {
  /** Records acknowledged (written and fsync'd). */
  appends: number;
  /** fsync calls issued on the journal file (group commit keeps this far below `appends`). */
  fsyncs: number;
  /** Bytes acknowledged. */
  bytes: number;
}

/** `failed`: the last commit could not persist; the next append probes the disk again. */
export type JournalState = 'ok' | 'failed' | 'closed';

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
}

interface Settle<T> {
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}
interface RecordJob extends Settle<void> {
  kind: 'record';
  json: string;
}
interface CompactJob extends Settle<number> {
  kind: 'compact';
  data: unknown;
}
type Job = RecordJob | CompactJob;

const isRecordJob = (job: Job): job is RecordJob => job.kind === 'record';

export class Journal {
  readonly path: string;
  private readonly init: JournalInit;
  private file: FileOps;
  /** End of the last acknowledged line. After a failure the file is cut back to it. */
  private offset: number;
  /** Assigned at commit time, so a failed batch leaves no gap in the seqs. */
  private seq: number;
  private readonly queue: Job[] = [];
  private pumping: Promise<void> | null = null;
  private archiving: Promise<unknown> = Promise.resolve();
  /** Bytes past `offset` may exist (a failed write or fsync): truncate before the next write. */
  private dirty = false;
  /** A journal swap's rename is not yet fsync'd into the folder: do it before the next ack. */
  private dirUnsynced = false;
  private failed = false;
  private closed = false;
  private readonly counters: JournalStats = { appends: 0, fsyncs: 0, bytes: 0 };

  constructor(init: JournalInit) {
    this.init = init;
    this.path = init.path;
    this.file = init.file;
    this.offset = init.offset;
    this.seq = init.nextSeq;
  }

  get state(): JournalState {
    if (this.closed) return 'closed';
    return this.failed ? 'failed' : 'ok';
  }

  get stats(): JournalStats {
    return { ...this.counters };
  }

  /** The seq the next committed record will get. */
  get nextSeq(): number {
    return this.seq;
  }

  /** Resolves once the record is written and fsync'd; rejects with STORE_UNAVAILABLE if it could not be. */
  append(record: unknown): Promise<void> {
    let json: string;
    try {
      json = recordJson(record);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.closed) return Promise.reject(closedError(this.path));
    return new Promise((resolve, reject) => this.enqueue({ kind: 'record', json, resolve, reject }));
  }

  /** Fire-and-forget append: joins the next group commit; await the result later if the caller cares. */
  write(record: unknown): Promise<void> {
    const done = this.append(record);
    void done.catch(() => undefined); // an unawaited failure must not crash the process; `state` shows it
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

  /** Waits for queued work, then closes the file. Later appends reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pumping;
    await this.archiving;
    await this.file.close();
  }

  private enqueue(job: Job): void {
    this.queue.push(job);
    this.pumping ??= this.pump();
  }

  private async pump(): Promise<void> {
    await Promise.resolve(); // appends issued in the same tick join the first batch
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0];
        if (head?.kind === 'compact') {
          this.queue.shift();
          await this.runCompact(head);
          continue;
        }
        // Everything queued up to the next compaction goes into one write + one fsync.
        const end = this.queue.findIndex((job) => job.kind === 'compact');
        const batch = this.queue.splice(0, end === -1 ? this.queue.length : end).filter(isRecordJob);
        await this.commit(batch);
      }
    } catch (err) {
      for (const job of this.queue.splice(0)) job.reject(err); // a bug: fail loudly, never hang callers
    } finally {
      this.pumping = null;
    }
  }

  private async commit(batch: RecordJob[]): Promise<void> {
    const data = Buffer.concat(batch.map((job, i) => encodeLine(this.seq + i, job.json)));
    try {
      await this.cutBack();
      this.dirty = true;
      await writeFully(this.file, data, this.offset);
      await this.sync();
      if (this.dirUnsynced) await this.syncDir();
    } catch (err) {
      this.fail(batch, err);
      await this.cutBack().catch(() => undefined); // drop the partial bytes now if the disk lets us
      return;
    }
    this.dirty = false;
    this.failed = false;
    this.offset += data.length;
    this.seq += batch.length;
    this.counters.appends += batch.length;
    this.counters.bytes += data.length;
    for (const job of batch) job.resolve();
  }

  /** Never acknowledge what could not be persisted: every append in the batch rejects. */
  private fail(batch: RecordJob[], err: unknown): void {
    this.failed = true;
    const errno = errnoOf(err) ?? 'unknown';
    const error = new StoreError(
      'STORE_UNAVAILABLE',
      `${this.path}: could not persist ${batch.length} record(s) (${errno}); none was acknowledged`,
      { details: { file: this.path, errno, records: batch.length }, cause: err },
    );
    for (const job of batch) job.reject(error);
    this.init.logger?.warn({ code: error.code, file: this.path, errno, records: batch.length }, error.message);
  }

  /** Truncates back to the last acknowledged byte after a failed write, so the file stays parseable. */
  private async cutBack(): Promise<void> {
    if (!this.dirty) return;
    await this.file.truncate(this.offset);
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
    const seq = this.seq - 1; // every earlier record was committed (or rejected) before this job ran
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
    this.offset = 0;
    this.dirty = false;
    this.dirUnsynced = true;
    await old.close().catch(() => undefined);
    await this.syncDir(); // if this throws, the next commit retries it before acknowledging
  }
}

function closedError(path: string): StoreError {
  return new StoreError('STORE_UNAVAILABLE', `${path}: the journal is closed`, { details: { file: path } });
}
