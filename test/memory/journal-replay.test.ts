// reliability.md §9 test 4: torn tail dropped with a warning, mid-file corruption refused.
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../core/errors.js';
import { JOURNAL_FILE, openJournal } from '../../memory/journal.js';
import type { JournalWarning } from '../../memory/journal.js';
import { encodeLine } from '../../memory/journal-format.js';
import { writeSnapshot } from '../../memory/snapshot.js';
import { tempDir } from './support.js';

// Multi-byte text makes byte offsets differ from character offsets.
const RECORDS = Array.from({ length: 10 }, (_, i) => ({ i, text: `tâche ${i} ✓`.repeat(1 + (i % 3)) }));

async function journalWith(records: readonly unknown[]): Promise<{ dir: string; path: string; bytes: Buffer; ends: number[] }> {
  const dir = await tempDir();
  const { journal } = await openJournal(dir);
  for (const r of records) await journal.append(r);
  await journal.close();
  const path = join(dir, JOURNAL_FILE);
  const bytes = await readFile(path);
  const ends: number[] = [];
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) ends.push(i + 1);
  return { dir, path, bytes, ends };
}

describe('journal replay', () => {
  it('replays every record in order after a clean close', async () => {
    const { dir, ends } = await journalWith(RECORDS);
    expect(ends).toHaveLength(10);
    const opened = await openJournal(dir);
    expect(opened.records).toEqual(RECORDS);
    expect(opened.nextSeq).toBe(11);
    expect(opened.snapshot).toBeNull();
    await opened.journal.close();
  });

  it('drops a torn tail at every byte offset inside the last 3 records, warns, and keeps appending', async () => {
    const { dir, path, bytes, ends } = await journalWith(RECORDS);
    const from = ends[6] ?? 0; // start of record 8
    let torn = 0;
    for (let cut = from; cut < bytes.length; cut++) {
      await writeFile(path, bytes.subarray(0, cut));
      const warnings: JournalWarning[] = [];
      const { journal, records, nextSeq } = await openJournal(dir, { onWarning: (w) => warnings.push(w) });
      const intact = ends.filter((end) => end <= cut).length;
      expect(records).toEqual(RECORDS.slice(0, intact));
      expect(nextSeq).toBe(intact + 1);
      const lastGood = ends[intact - 1] ?? 0;
      const boundary = cut === lastGood;
      if (!boundary) torn += 1;
      const expected = { code: 'TORN_TAIL', details: { line: intact + 1, offset: lastGood, bytes: cut - lastGood } };
      expect(warnings).toMatchObject(boundary ? [] : [expected]);
      // The file was cut back to the last intact byte, so a new append lands on a clean line.
      expect((await stat(path)).size).toBe(ends[intact - 1]);
      await journal.append({ after: cut });
      await journal.close();
      const reopened = await openJournal(dir);
      expect(reopened.records).toEqual([...RECORDS.slice(0, intact), { after: cut }]);
      await reopened.journal.close();
    }
    expect(torn).toBe(bytes.length - from - 3); // every cut but the 3 line starts (records 8, 9, 10)
  });

  it('drops a zero-filled tail (power loss before the data blocks were written)', async () => {
    const { dir, path } = await journalWith(RECORDS);
    await appendFile(path, Buffer.alloc(4096));
    const warnings: JournalWarning[] = [];
    const { journal, records } = await openJournal(dir, { onWarning: (w) => warnings.push(w) });
    expect(records).toEqual(RECORDS);
    expect(warnings.map((w) => w.code)).toEqual(['TORN_TAIL']);
    await journal.close();
  });

  it('logs the torn tail through a real pino logger', async () => {
    const { dir, path } = await journalWith(RECORDS);
    await appendFile(path, '{"s":11,"c":"0');
    const lines: string[] = [];
    const logger = pino({ base: null, timestamp: false }, { write: (line: string) => lines.push(line) });
    const { journal } = await openJournal(dir, { logger });
    await journal.close();
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      expect.objectContaining({ level: 40, code: 'TORN_TAIL', file: path, line: 11, bytes: 14 }),
    ]);
  });

  it('treats a damaged last line like a torn one: it was the last write, never acknowledged as intact', async () => {
    const { dir, path, bytes, ends } = await journalWith(RECORDS);
    const damaged = Buffer.from(bytes);
    const at = (ends[8] ?? 0) + 12;
    damaged[at] = (damaged[at] ?? 0) ^ 0x01;
    await writeFile(path, damaged);
    const { journal, records } = await openJournal(dir);
    expect(records).toEqual(RECORDS.slice(0, 9));
    await journal.close();
  });

  it('refuses a flipped byte anywhere in a middle record with STORE_CORRUPT naming line, offset and repair', async () => {
    const { dir, path, bytes, ends } = await journalWith(RECORDS);
    const start = ends[3] ?? 0; // line 5
    const end = ends[4] ?? 0;
    for (let at = start; at < end; at++) {
      const damaged = Buffer.from(bytes);
      damaged[at] = (damaged[at] ?? 0) ^ 0x01;
      await writeFile(path, damaged);
      const err = await openJournal(dir).catch((e: unknown) => e);
      expect(err, `byte ${at - start} of line 5`).toBeInstanceOf(StoreError);
      expect(err).toMatchObject({ code: 'STORE_CORRUPT', details: { file: path, line: 5, offset: start } });
      expect((err as StoreError).message).toContain(`${path}: line 5 (byte offset ${start}) is corrupt`);
      expect((err as StoreError).message).toContain('agentry repair --truncate-at 5');
      expect((err as StoreError).message).toContain('restore the store from a snapshot');
    }
    // Refusing must not modify the file.
    expect((await stat(path)).size).toBe(bytes.length);
  });

  it('refuses a seq that skips or repeats', async () => {
    const dir = await tempDir();
    const lines = [encodeLine(1, '"a"'), encodeLine(2, '"b"'), encodeLine(4, '"d"')];
    await writeFile(join(dir, JOURNAL_FILE), Buffer.concat(lines));
    await expect(openJournal(dir)).rejects.toMatchObject({
      code: 'STORE_CORRUPT',
      details: { line: 3, reason: 'seq 4 follows seq 2' },
    });
  });

  it('refuses a journal that starts after the snapshot ends (lost records)', async () => {
    const dir = await tempDir();
    await writeSnapshot(dir, { seq: 3, data: ['a', 'b', 'c'] });
    await writeFile(join(dir, JOURNAL_FILE), Buffer.concat([encodeLine(6, '"f"'), encodeLine(7, '"g"')]));
    await expect(openJournal(dir)).rejects.toMatchObject({
      code: 'STORE_CORRUPT',
      message: expect.stringContaining('records 4-5 are missing') as string,
    });
  });

  it('reopens a 100k-record journal correctly (correctness only; speed belongs to bench/)', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    const total = 100_000;
    for (let chunk = 0; chunk < total; chunk += 10_000) {
      await Promise.all(Array.from({ length: 10_000 }, (_, k) => journal.append({ n: chunk + k, kind: 'event' })));
    }
    expect(journal.stats.appends).toBe(total);
    await journal.close();
    const { records, nextSeq, journal: reopened } = await openJournal(dir);
    expect(records).toHaveLength(total);
    expect(records.every((r, i) => (r as { n: number }).n === i)).toBe(true);
    expect(nextSeq).toBe(total + 1);
    await reopened.close();
  });
});
