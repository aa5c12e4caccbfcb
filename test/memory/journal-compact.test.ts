// Snapshots + compaction are crash-safe at every step; archive keeps active state small.
import { readFile, readdir, stat, writeFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archivePath, readArchive } from '../../memory/archive.js';
import { JOURNAL_FILE, openJournal } from '../../memory/journal.js';
import type { JournalWarning, OpenedJournal } from '../../memory/journal.js';
import { scanJournal } from '../../memory/journal-format.js';
import { SNAPSHOT_FILE, writeSnapshot } from '../../memory/snapshot.js';
import { modeOf, tempDir } from './support.js';

/** The state a caller rebuilds: the snapshot's list, then the replayed records. */
function stateOf(opened: OpenedJournal): unknown[] {
  const base = (opened.snapshot?.data ?? []) as unknown[];
  return [...base, ...opened.records];
}

async function reopen(dir: string, warnings: JournalWarning[] = []): Promise<{ state: unknown[]; nextSeq: number }> {
  const opened = await openJournal(dir, { onWarning: (w) => warnings.push(w) });
  await opened.journal.close();
  return { state: stateOf(opened), nextSeq: opened.nextSeq };
}

async function journalOf(dir: string, values: number[]): Promise<void> {
  const { journal } = await openJournal(dir);
  for (const n of values) await journal.append(n);
  await journal.close();
}

describe('compaction', () => {
  it('snapshots everything appended before the call and starts a journal holding only later records', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    for (const n of [1, 2, 3, 4]) await journal.append(n);
    const five = journal.append(5);
    const compacted = journal.compact([1, 2, 3, 4, 5]);
    const six = journal.append(6);
    await Promise.all([five, six]);
    expect(await compacted).toBe(5);
    await journal.close();

    const entries = scanJournal(await readFile(join(dir, JOURNAL_FILE))).entries;
    expect(entries).toEqual([{ seq: 6, record: 6 }]);
    expect(JSON.parse(await readFile(join(dir, SNAPSHOT_FILE), 'utf8'))).toEqual({ schemaVersion: 1, seq: 5, data: [1, 2, 3, 4, 5] });
    for (const file of [JOURNAL_FILE, SNAPSHOT_FILE]) expect(modeOf(await stat(join(dir, file)))).toBe(0o600);
    expect(await reopen(dir)).toEqual({ state: [1, 2, 3, 4, 5, 6], nextSeq: 7 });
  });

  it('an empty journal after compaction continues the seq from the snapshot', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    await journal.append('a');
    await journal.compact(['a']);
    await journal.close();
    const opened = await openJournal(dir);
    expect(opened.nextSeq).toBe(2);
    await opened.journal.append('b');
    await opened.journal.close();
    expect(scanJournal(await readFile(join(dir, JOURNAL_FILE))).entries).toEqual([{ seq: 2, record: 'b' }]);
  });

  describe('a crash at each step gives the same state on reopen', () => {
    const before = [1, 2, 3, 4, 5];

    it('killed while writing the snapshot temp file: the temp is swept, the old state stands', async () => {
      const dir = await tempDir();
      await journalOf(dir, before);
      await writeFile(join(dir, `.${SNAPSHOT_FILE}.99999.1.tmp`), '{"schemaVersion":1,"seq":5,"da');
      const warnings: JournalWarning[] = [];
      expect(await reopen(dir, warnings)).toEqual({ state: before, nextSeq: 6 });
      expect(warnings.map((w) => w.code)).toEqual(['TEMP_FILES_REMOVED']);
      expect((await readdir(dir)).sort()).toEqual([JOURNAL_FILE]);
    });

    it('killed after the snapshot rename, before the journal swap: lines covered by the snapshot are skipped', async () => {
      const dir = await tempDir();
      await journalOf(dir, before);
      await writeSnapshot(dir, { seq: 5, data: before });
      expect(await reopen(dir)).toEqual({ state: before, nextSeq: 6 });
      // And it keeps working: the next record gets seq 6 in the old journal.
      const { journal } = await openJournal(dir);
      await journal.append(6);
      await journal.close();
      expect(await reopen(dir)).toEqual({ state: [...before, 6], nextSeq: 7 });
    });

    it('killed with the new empty journal still a temp file: same state, temp swept', async () => {
      const dir = await tempDir();
      await journalOf(dir, before);
      await writeSnapshot(dir, { seq: 5, data: before });
      await writeFile(join(dir, `.${JOURNAL_FILE}.99999.2.tmp`), '');
      expect(await reopen(dir)).toEqual({ state: before, nextSeq: 6 });
    });

    it('killed after the journal swap: same state', async () => {
      const dir = await tempDir();
      await journalOf(dir, before);
      const { journal } = await openJournal(dir);
      await journal.compact(before);
      await journal.close();
      expect(await reopen(dir)).toEqual({ state: before, nextSeq: 6 });
    });
  });
});

describe('archive', () => {
  it('appends finished-task records to archive/<yyyy-mm-dd>.ndjson with 0600/0700 modes', async () => {
    const dir = await tempDir();
    const day = new Date('2025-03-04T23:59:00Z');
    const { journal } = await openJournal(dir, { now: () => day });
    const path = await journal.archive('task-1', [{ id: 'task-1', status: 'done' }]);
    await journal.archive('task-2', [{ id: 'task-2', status: 'failed' }, { id: 'task-2', step: 3 }]);
    await journal.close();
    expect(path).toBe(join(dir, 'archive', '2025-03-04.ndjson'));
    expect(archivePath(dir, day)).toBe(path);
    expect(await readArchive(path)).toEqual([
      { name: 'task-1', record: { id: 'task-1', status: 'done' } },
      { name: 'task-2', record: { id: 'task-2', status: 'failed' } },
      { name: 'task-2', record: { id: 'task-2', step: 3 } },
    ]);
    expect(modeOf(await stat(path))).toBe(0o600);
    expect(modeOf(await stat(join(dir, 'archive')))).toBe(0o700);
  });

  it('cuts a torn last archive line before appending, so it never glues onto a new record', async () => {
    const dir = await tempDir();
    const day = new Date('2025-03-05T00:00:00Z');
    const { journal } = await openJournal(dir, { now: () => day });
    const path = await journal.archive('t1', [1]);
    await appendFile(path, '{"n":"t2","r":');
    await journal.archive('t3', [3]);
    await journal.close();
    expect(await readFile(path, 'utf8')).toBe('{"n":"t1","r":1}\n{"n":"t3","r":3}\n');
  });
});
