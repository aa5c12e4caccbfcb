// The repair path a mid-file corruption error names: cut back to the intact prefix, keep the
// damaged file, and the journal opens again.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openJournal } from '../../memory/journal.js';
import { acquireLock } from '../../memory/lock.js';
import { repairJournal } from '../../memory/repair.js';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('agentry repair', () => {
  it('cuts a journal damaged in the middle back to the lines before the damage', async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentry-repair-'));
    const opened = await openJournal(dir);
    for (let i = 1; i <= 5; i++) await opened.journal.append({ n: i });
    await opened.journal.close();
    const path = join(dir, 'journal.ndjson');
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines[2] = (lines[2] ?? '').replace('"n":3', '"n":9'); // checksum no longer matches
    await writeFile(path, lines.join('\n'));
    await expect(openJournal(dir)).rejects.toMatchObject({ code: 'STORE_CORRUPT', message: expect.stringContaining('agentry repair --truncate-at 3') as unknown });

    const result = await repairJournal(dir, 3, new Date('2026-11-21T10:00:00Z'));
    expect(result).toMatchObject({ keptLines: 2, droppedLines: 3, backup: `${path}.damaged-2026-11-21T10-00-00-000Z` });
    expect(await readFile(result.backup, 'utf8')).toBe(lines.join('\n'));
    const reopened = await openJournal(dir);
    expect(reopened.records).toEqual([{ n: 1 }, { n: 2 }]);
    await reopened.journal.close();
  });

  it('refuses while a supervisor holds the store, and refuses a line past the end', async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentry-repair-'));
    const opened = await openJournal(dir);
    await opened.journal.append({ n: 1 });
    await opened.journal.close();
    const held = await acquireLock(dir);
    await expect(repairJournal(dir, 1)).rejects.toMatchObject({ code: 'STORE_LOCKED' });
    await held.release();
    await expect(repairJournal(dir, 5)).rejects.toMatchObject({ code: 'USAGE' });
    await expect(repairJournal(dir, 0)).rejects.toMatchObject({ code: 'USAGE' });
  });
});
