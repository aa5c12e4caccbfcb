// Opening the journal: load snapshot.json, replay journal.ndjson after it, drop a torn tail,
// refuse mid-file corruption. The line format is documented in journal-format.ts.
// The caller must hold the store lock (lock.ts): opening sweeps temp files and truncates.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from '../core/errors.js';
import type { ErrorDetails } from '../core/errors.js';
import { fsyncDir } from '../core/atomic-file.js';
import { ensureStateDir, removeTempFiles } from './durable-file.js';
import { errnoOf, storeUnavailable } from './errno.js';
import { nodeFsOps } from './fs-ops.js';
import type { FileOps, FsOps } from './fs-ops.js';
import { scanJournal } from './journal-format.js';
import type { BadLine, JournalEntry } from './journal-format.js';
import { Journal } from './journal-writer.js';
import type { JournalInit, SyncTimer } from './journal-writer.js';
import { readSnapshot } from './snapshot.js';
import type { Snapshot } from './snapshot.js';
import type { StoreLogger } from './warn.js';

export { Journal } from './journal-writer.js';

export const JOURNAL_FILE = 'journal.ndjson';

export interface JournalWarning {
  code: 'TORN_TAIL' | 'TEMP_FILES_REMOVED';
  message: string;
  details: ErrorDetails;
}

export interface OpenJournalOptions {
  logger?: StoreLogger;
  onWarning?: (warning: JournalWarning) => void;
  /** File operations of the journal (tests inject ENOSPC/EIO here). */
  fs?: FsOps;
  /** Clock for archive file names. */
  now?: () => Date;
  /** Timer of the deferred fsync (default: the system's, not keeping the process alive). */
  timer?: SyncTimer;
  /** Records written without an acknowledgement are fsync'd at the latest this long after (default 100 ms). */
  syncWithinMs?: number;
}

/** The bound on what a power loss can take: records written this long ago are on the disk. */
const SYNC_WITHIN_MS = 100;

const systemTimer: SyncTimer = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

export interface OpenedJournal {
  journal: Journal;
  /** The latest snapshot, or null if none was ever taken. */
  snapshot: Snapshot | null;
  /** Records after the snapshot, in seq order. */
  records: unknown[];
  nextSeq: number;
}

export async function openJournal(dir: string, options: OpenJournalOptions = {}): Promise<OpenedJournal> {
  const path = join(dir, JOURNAL_FILE);
  const warn = warner(options);
  await ensureStateDir(dir);
  const removed = await removeTempFiles(dir);
  if (removed.length > 0) {
    warn({
      code: 'TEMP_FILES_REMOVED',
      message: `${dir}: removed ${removed.length} temp file(s) left by an interrupted write`,
      details: { dir, files: removed },
    });
  }
  const snapshot = await readSnapshot(dir);
  const existing = await readJournalFile(path);
  const scan = scanJournal(existing ?? Buffer.alloc(0));
  if (scan.corrupt) throw corruptError(path, scan.corrupt);
  const base = snapshot?.seq ?? 0;
  checkNoGap(path, scan.entries, base);

  const fs = options.fs ?? nodeFsOps;
  const file = await openFile(fs, path);
  try {
    if (existing === null) await fsyncDir(dir); // the new file's folder entry
    if (scan.torn) {
      await file.truncate(scan.goodLength);
      await file.sync();
      const { line, offset, reason } = scan.torn;
      const bytes = (existing?.length ?? 0) - offset;
      warn({
        code: 'TORN_TAIL',
        message: `${path}: dropped a torn last line ${line} at byte offset ${offset} (${bytes} bytes, ${reason}); it was never acknowledged`,
        details: { file: path, line, offset, bytes },
      });
    }
  } catch (err) {
    await file.close().catch(() => undefined);
    throw storeUnavailable(path, 'repairing the journal tail', err);
  }

  const lastSeq = scan.entries.at(-1)?.seq ?? 0;
  const nextSeq = Math.max(lastSeq, base) + 1;
  const records = scan.entries.filter((e) => e.seq > base).map((e) => e.record);
  const journal = new Journal({
    dir,
    path,
    fs,
    file,
    offset: scan.goodLength,
    nextSeq,
    ...writerOptions(options),
  });
  return { journal, snapshot, records, nextSeq };
}

function writerOptions(options: OpenJournalOptions): Pick<JournalInit, 'now' | 'logger' | 'timer' | 'syncWithinMs'> {
  return {
    now: options.now ?? (() => new Date()),
    logger: options.logger,
    timer: options.timer ?? systemTimer,
    syncWithinMs: options.syncWithinMs ?? SYNC_WITHIN_MS,
  };
}

function warner(options: OpenJournalOptions): (w: JournalWarning) => void {
  return (w) => {
    options.onWarning?.(w);
    options.logger?.warn({ code: w.code, ...w.details }, w.message);
  };
}

async function readJournalFile(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return null;
    throw storeUnavailable(path, 'reading the journal', err);
  }
}

async function openFile(fs: FsOps, path: string): Promise<FileOps> {
  try {
    return await fs.open(path);
  } catch (err) {
    throw storeUnavailable(path, 'opening the journal', err);
  }
}

function corruptError(path: string, bad: BadLine): StoreError {
  return new StoreError(
    'STORE_CORRUPT',
    `${path}: line ${bad.line} (byte offset ${bad.offset}) is corrupt: ${bad.reason}. ` +
      `This is not a torn write, so agentry will not guess. To keep lines 1-${bad.line - 1} and drop the rest, ` +
      `run \`agentry repair --truncate-at ${bad.line}\`, or restore the store from a snapshot.`,
    { details: { file: path, line: bad.line, offset: bad.offset, reason: bad.reason } },
  );
}

/** A journal that starts past the snapshot's seq has lost records (e.g. an older snapshot restored). */
function checkNoGap(path: string, entries: readonly JournalEntry[], base: number): void {
  const first = entries[0];
  if (first === undefined || first.seq <= base + 1) return;
  throw new StoreError(
    'STORE_CORRUPT',
    `${path}: starts at seq ${first.seq} but the snapshot covers only up to seq ${base}; ` +
      `records ${base + 1}-${first.seq - 1} are missing. Restore the matching snapshot.json.`,
    { details: { file: path, line: 1, offset: 0, firstSeq: first.seq, snapshotSeq: base } },
  );
}
