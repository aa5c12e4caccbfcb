// Group commit, and reliability.md §9 test 6: ENOSPC/EIO never acknowledged, file stays parseable,
// the journal recovers once the disk does.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOURNAL_FILE, openJournal } from '../../memory/journal.js';
import type { Journal } from '../../memory/journal.js';
import { scanJournal } from '../../memory/journal-format.js';
import { faultyFs, modeOf, noFaults, tempDir } from './support.js';
import type { Faults } from './support.js';

/** What a reopen right now would see: the intact records, and whether a torn tail follows them. */
async function onDisk(dir: string): Promise<{ records: unknown[]; torn: boolean; corrupt: boolean }> {
  const scan = scanJournal(await readFile(join(dir, JOURNAL_FILE)));
  return { records: scan.entries.map((e) => e.record), torn: scan.torn !== null, corrupt: scan.corrupt !== null };
}

const ACKED = [{ n: 1 }, { n: 2 }, { n: 3 }];
const CLEAN = { records: ACKED, torn: false, corrupt: false };

async function settle(journal: Journal, values: number[]): Promise<PromiseSettledResult<void>[]> {
  return Promise.allSettled(values.map((n) => journal.append({ n })));
}

describe('group commit', () => {
  it('acknowledges 1,000 concurrent appends with a handful of fsyncs and replays them in order', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    const values = Array.from({ length: 1000 }, (_, n) => ({ n }));
    await Promise.all(values.map((v) => journal.append(v)));
    const stats = journal.stats;
    expect(stats.appends).toBe(1000);
    expect(stats.fsyncs).toBeLessThanOrEqual(3);
    expect(stats.bytes).toBe((await stat(join(dir, JOURNAL_FILE))).size);
    await journal.close();
    const reopened = await openJournal(dir);
    expect(reopened.records).toEqual(values);
    await reopened.journal.close();
  });

  it('batches every append issued during an in-flight fsync into the next single write + fsync', async () => {
    const dir = await tempDir();
    const faults = noFaults();
    const gate: { release?: () => void } = {};
    const syncStarted = new Promise<void>((started) => {
      faults.holdSync = (resume) => {
        gate.release = resume;
        started();
      };
    });
    const { journal } = await openJournal(dir, { fs: faultyFs(faults) });
    const first = journal.append({ n: 0 });
    await syncStarted;
    faults.holdSync = null;
    const acked: number[] = [];
    const rest = Array.from({ length: 100 }, (_, i) => journal.append({ n: i + 1 }).then(() => acked.push(i + 1)));
    expect(journal.stats.fsyncs).toBe(1);
    gate.release?.();
    await first;
    await Promise.all(rest);
    expect(journal.stats).toMatchObject({ appends: 101, fsyncs: 2 });
    expect(acked).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    await journal.close();
  });

  it('write() enqueues without waiting and joins the same group commit', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    const pending = [journal.write({ n: 1 }), journal.write({ n: 2 })];
    await journal.append({ n: 3 });
    await Promise.all(pending);
    expect(journal.stats).toMatchObject({ appends: 3, fsyncs: 1 });
    await journal.close();
    expect(modeOf(await stat(join(dir, JOURNAL_FILE)))).toBe(0o600);
  });

  it('rejects a record that has no JSON form without touching the journal', async () => {
    const dir = await tempDir();
    const { journal } = await openJournal(dir);
    await expect(journal.append(undefined)).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(journal.append({ big: 1n })).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(journal.stats.appends).toBe(0);
    await journal.close();
    await expect(journal.append({ n: 1 })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});

describe('disk full and I/O errors', () => {
  const cases: { name: string; fault: Partial<Faults>; afterFailure: Awaited<ReturnType<typeof onDisk>> }[] = [
    { name: 'ENOSPC on write, after a partial write', fault: { write: 'ENOSPC', partial: true }, afterFailure: CLEAN },
    { name: 'ENOSPC on write, nothing written', fault: { write: 'ENOSPC' }, afterFailure: CLEAN },
    { name: 'EIO on fsync', fault: { sync: 'EIO' }, afterFailure: CLEAN },
    {
      // Cutting back fails too: the half-written batch (record 4 whole, 5 torn) stays until the
      // next append cuts it back. A crash right now would replay record 4, which was never
      // acknowledged (at-least-once; its caller saw the rejection). The file still parses.
      name: 'ENOSPC on write while truncate fails too',
      fault: { write: 'ENOSPC', partial: true, truncate: 'EIO' },
      afterFailure: { records: [...ACKED, { n: 4 }], torn: true, corrupt: false },
    },
  ];

  for (const { name, fault, afterFailure } of cases) {
    it(`${name}: rejects with STORE_UNAVAILABLE, claims nothing unacknowledged, recovers when the fault clears`, async () => {
      const dir = await tempDir();
      const faults = noFaults();
      const { journal } = await openJournal(dir, { fs: faultyFs(faults) });
      const ok = await settle(journal, [1, 2, 3]);
      expect(ok.every((r) => r.status === 'fulfilled')).toBe(true);

      Object.assign(faults, fault);
      const failed = await settle(journal, [4, 5, 6]);
      const refused = { status: 'rejected', reason: expect.objectContaining({ code: 'STORE_UNAVAILABLE', details: expect.objectContaining({ records: 3 }) }) };
      expect(failed).toEqual([refused, refused, refused]);
      expect(journal.state).toBe('failed');
      expect(journal.stats.appends).toBe(3);
      expect(await onDisk(dir)).toEqual(afterFailure);

      // Still failing: the next append probes the disk again and is refused again.
      await expect(journal.append({ n: 7 })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });

      Object.assign(faults, noFaults());
      await journal.append({ n: 8 });
      await journal.append({ n: 9 });
      expect(journal.state).toBe('ok');
      expect(await onDisk(dir)).toEqual({ records: [...ACKED, { n: 8 }, { n: 9 }], torn: false, corrupt: false });
      await journal.close();

      const reopened = await openJournal(dir);
      expect(reopened.records).toEqual([...ACKED, { n: 8 }, { n: 9 }]);
      expect(reopened.nextSeq).toBe(6); // no gap where the rejected batches were
      await reopened.journal.close();
    });
  }

  it('stays failed when an fsync begun before a failed write ends well (it covers only older records)', async () => {
    const dir = await tempDir();
    const faults = noFaults();
    const gate: { release?: () => void } = {};
    const syncStarted = new Promise<void>((started) => {
      faults.holdSync = (resume) => {
        gate.release = resume;
        started();
      };
    });
    const { journal } = await openJournal(dir, { fs: faultyFs(faults) });
    const first = journal.append({ n: 1 });
    await syncStarted;
    faults.holdSync = null;
    faults.write = 'ENOSPC';
    await expect(journal.append({ n: 2 })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    gate.release?.();
    await first;
    expect(journal.state).toBe('failed');
    Object.assign(faults, noFaults());
    await journal.append({ n: 3 });
    expect(journal.state).toBe('ok');
    await journal.close();
  });

  it('logs the refusal through the injected logger', async () => {
    const dir = await tempDir();
    const faults = noFaults();
    const logged: { obj: Record<string, unknown>; msg: string }[] = [];
    const { journal } = await openJournal(dir, {
      fs: faultyFs(faults),
      logger: { warn: (obj, msg) => logged.push({ obj, msg }) },
    });
    faults.sync = 'EIO';
    await expect(journal.append({ n: 1 })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(logged).toEqual([
      {
        obj: { code: 'STORE_UNAVAILABLE', file: join(dir, JOURNAL_FILE), errno: 'EIO', records: 1 },
        msg: `${join(dir, JOURNAL_FILE)}: could not persist 1 record(s) (EIO); none was acknowledged`,
      },
    ]);
    faults.sync = null;
    await journal.close();
  });
});
