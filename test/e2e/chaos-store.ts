// Reads the supervisor's files the way recovery does, from outside the process (only while it is
// dead or stopped): snapshot.json records, then journal.ndjson lines after the snapshot's seq,
// and the finished-task views in archive/*.ndjson.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dayOf } from '../../core/clock.js';
import type { JournalRecord } from '../../machines/supervisor/durable/records.js';
import { ARCHIVE_DIR, readArchive } from '../../memory/archive.js';
import { JOURNAL_FILE } from '../../memory/journal.js';
import { scanJournal } from '../../memory/journal-format.js';
import { readSnapshot } from '../../memory/snapshot.js';

export interface StoreState {
  /** Snapshot records first, then journal records after the snapshot's seq. */
  records: JournalRecord[];
  hasSnapshot: boolean;
  /** Why the journal would be refused at start-up (mid-file corruption), or null. */
  corrupt: string | null;
  /** A torn last line (dropped at start-up; never acknowledged). */
  torn: boolean;
}

export async function readStore(stateDir: string): Promise<StoreState> {
  const snapshot = await readSnapshot(stateDir);
  const buf = await readFile(join(stateDir, JOURNAL_FILE)).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return Buffer.alloc(0);
    throw err;
  });
  const scan = scanJournal(buf);
  const base = snapshot?.seq ?? 0;
  const snapRecords = snapshot ? ((snapshot.data as { records?: unknown[] }).records ?? []) : [];
  const after = scan.entries.filter((e) => e.seq > base).map((e) => e.record);
  return {
    records: [...snapRecords, ...after] as JournalRecord[],
    hasSnapshot: snapshot !== null,
    corrupt: scan.corrupt ? `line ${scan.corrupt.line}: ${scan.corrupt.reason}` : null,
    torn: scan.torn !== null,
  };
}

/** Every archived task view (archiving is at-least-once: the same id may appear more than once). */
export async function readArchivedViews(stateDir: string): Promise<{ id: string; status: string }[]> {
  const dir = join(stateDir, ARCHIVE_DIR);
  const files = await readdir(dir).catch(() => [] as string[]);
  const out: { id: string; status: string }[] = [];
  for (const file of files.filter((f) => f.endsWith('.ndjson')).sort()) {
    for (const { record } of await readArchive(join(dir, file))) {
      const view = record as { id?: unknown; status?: unknown };
      if (typeof view.id === 'string' && typeof view.status === 'string') out.push({ id: view.id, status: view.status });
    }
  }
  return out;
}

export const micros = (usd: number): number => Math.round(usd * 1_000_000);

/** Spend the ledger restores from these records for `day` (settled results + compacted spend). */
export function journalSpendMicros(records: readonly JournalRecord[], day: string): number {
  let usd = 0;
  // A call superseded by a later call of the same key was cut by a kill: the restart after that
  // kill charged its worst-case estimate (machines/supervisor/durable/recovery.ts).
  const lastCall = new Map<string, Extract<JournalRecord, { t: 'call' }>>();
  for (const r of records) {
    if (r.t === 'result' && r.costUsd > 0 && dayOf(r.at) === day) usd += r.costUsd;
    if (r.t === 'spend' && r.day === day) usd += r.usd;
    if (r.t === 'call') {
      const previous = lastCall.get(r.key);
      if (previous && dayOf(previous.at) === day) usd += previous.estimateUsd;
      lastCall.set(r.key, r);
    }
    if (r.t === 'result') lastCall.delete(r.key);
  }
  return micros(usd);
}

/** Activity keys with a `call` record and no `result` yet: requests a kill may have cut. */
export function openCallKeys(records: readonly JournalRecord[]): string[] {
  const open = new Set<string>();
  for (const r of records) {
    if (r.t === 'call') open.add(r.key);
    if (r.t === 'result') open.delete(r.key);
  }
  return [...open];
}
