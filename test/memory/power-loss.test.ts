// What a power loss can cost the journal (reliability.md §9 test 3), on a simulated disk that
// keeps only what an fdatasync covered (test/support/power-loss-fs.ts). A scripted run of
// appends (acknowledgements), writes (no acknowledgement), a deferred fsync and a compaction is cut
// before and after every file operation, with each way the unsynced bytes can end up; every cut
// must reopen cleanly and hold a prefix of what was written that includes every acknowledged record.
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { openJournal } from '../../memory/journal.js';
import type { Journal, JournalWarning, OpenedJournal } from '../../memory/journal.js';
import { imageKey, PowerLossDisk, TAILS, writeImage } from '../support/power-loss-fs.js';
import type { DiskImage, Tail } from '../support/power-loss-fs.js';
import { until } from '../support/until.js';
import { tempDir } from './support.js';

const SYNC_WITHIN_MS = 100;

interface Cut {
  at: string;
  tail: Tail;
  image: DiskImage;
  /** Records whose `append` had resolved when the power went. */
  acked: string[];
  /** Records whose `write` or `append` had resolved: in the kernel. */
  inKernel: string[];
}

/** The state a caller rebuilds: the snapshot's list, then the records after it. */
function stateOf(opened: OpenedJournal): unknown[] {
  return [...((opened.snapshot?.data ?? []) as unknown[]), ...opened.records];
}

async function reopen(image: DiskImage): Promise<{ dir: string; opened: OpenedJournal; warnings: JournalWarning[] }> {
  const dir = await tempDir();
  writeImage(image, dir);
  const warnings: JournalWarning[] = [];
  const opened = await openJournal(dir, { onWarning: (w) => warnings.push(w) });
  return { dir, opened, warnings };
}

/** Runs the script on a simulated disk, keeping the image of every cut point; returns them and every record in write order. */
async function scriptedRun(): Promise<{ cuts: Cut[]; order: string[] }> {
  const dir = await tempDir();
  const acked: string[] = [];
  const inKernel: string[] = [];
  const cuts: Cut[] = [];
  const seen = new Set<string>();
  const disk = new PowerLossDisk(dir, {
    onCutPoint: (at) => {
      for (const tail of TAILS) {
        const image = disk.image(tail);
        const key = `${imageKey(image)}|${acked.join(',')}|${inKernel.join(',')}`;
        if (seen.has(key)) continue;
        seen.add(key);
        cuts.push({ at, tail, image, acked: [...acked], inKernel: [...inKernel] });
      }
    },
  });
  const clock = new SimulatedClock();
  const { journal } = await openJournal(dir, { fs: disk.fs, timer: clock, syncWithinMs: SYNC_WITHIN_MS });
  const order: string[] = [];
  const append = async (r: string): Promise<void> => {
    order.push(r);
    await journal.append(r);
    acked.push(r);
    inKernel.push(r);
  };
  const write = async (r: string): Promise<void> => {
    order.push(r);
    await journal.write(r);
    inKernel.push(r);
  };
  const syncs = (): number => disk.ops.filter((op) => op.startsWith('after sync')).length;

  await append('a1');
  await Promise.all([write('w1'), write('w2')]);
  await Promise.all([append('a2'), write('w3'), append('a3')]); // one write, one fsync
  await write('w4');
  const before = syncs();
  clock.increment(SYNC_WITHIN_MS); // the deferred fsync of w4
  await until(() => syncs() > before, 'the deferred fsync');
  await write('w5');
  const compacted = journal.compact([...order]);
  await Promise.all([compacted, append('a4'), write('w6')]);
  await Promise.all([write('w7'), append('a5'), write('w8')]);
  await write('w9');
  await journal.close(); // fsyncs w9
  return { cuts, order };
}

describe('power loss: the journal on a disk that keeps only what an fdatasync covered', () => {
  let run: { cuts: Cut[]; order: string[] } | undefined;
  const cutRun = async (): Promise<{ cuts: Cut[]; order: string[] }> => (run ??= await scriptedRun());

  it('reopens every cut with every acknowledged record, as a prefix of what was written', async () => {
    const { cuts, order } = await cutRun();
    // Distinct disk states: before the first fsync, between group commits, inside the compaction.
    expect(cuts.length).toBeGreaterThan(20);
    expect(new Set(cuts.map((c) => c.at.split(' ')[0]))).toEqual(new Set(['before', 'after']));
    expect(cuts.some((c) => c.at.startsWith('after open .journal.ndjson.'))).toBe(true);
    const bad: string[] = [];
    for (const cut of cuts) {
      const where = `${cut.tail} tail, cut ${cut.at}`;
      const { opened } = await reopen(cut.image).catch((err: unknown) => {
        throw new Error(`${where}: ${String(err)}`);
      });
      const state = stateOf(opened);
      await opened.journal.close();
      if (JSON.stringify(state) !== JSON.stringify(order.slice(0, state.length))) bad.push(`${where}: ${state.join(',')} is not a prefix of ${order.join(',')}`);
      const missing = cut.acked.filter((r) => !state.includes(r));
      if (missing.length > 0) bad.push(`${where}: acknowledged ${missing.join(',')} lost`);
      // 'kept' is what a kill -9 leaves: the kernel has every record whose write returned.
      const notKept = cut.tail === 'kept' ? cut.inKernel.filter((r) => !state.includes(r)) : [];
      if (notKept.length > 0) bad.push(`${where}: written ${notKept.join(',')} lost`);
    }
    expect(bad).toEqual([]);
  });

  it('loses only records written without an acknowledgement, and only when no fsync covered them', async () => {
    const { cuts, order } = await cutRun();
    const lostSome = cuts.filter((c) => c.tail === 'lost').map(async (cut) => {
      const { opened } = await reopen(cut.image);
      await opened.journal.close();
      return { cut, state: stateOf(opened) };
    });
    const results = await Promise.all(lostSome);
    // The records between the last acknowledged one and the cut are the only ones ever missing.
    const lost = new Set(results.flatMap(({ cut, state }) => order.slice(state.length, order.indexOf(cut.acked.at(-1) ?? '') + 1)));
    expect([...lost]).toEqual([]);
    // And some cut did lose a written record: the model is not vacuous.
    const lostWrites = results.flatMap(({ state }) => order.slice(state.length).filter((r) => r.startsWith('w')));
    expect(lostWrites.length).toBeGreaterThan(0);
  });

  it('repairs a torn or zero-filled tail with a warning, and the repaired journal takes new records', async () => {
    const { cuts } = await cutRun();
    let torn = 0;
    const unexpected: string[] = [];
    for (const cut of cuts) {
      const { dir, opened, warnings } = await reopen(cut.image);
      const codes = warnings.map((w) => w.code).filter((c) => c === 'TORN_TAIL');
      // Whole lines only: what an fsync covered, or everything written.
      if ((cut.tail === 'lost' || cut.tail === 'kept') && codes.length > 0) unexpected.push(`${cut.tail} tail, cut ${cut.at}`);
      torn += codes.length;
      const state = stateOf(opened);
      await appendAndClose(opened.journal, 'after');
      const again = await openJournal(dir, { onWarning: (w) => warnings.push(w) });
      await again.journal.close();
      expect(stateOf(again)).toEqual([...state, 'after']);
      expect(warnings.filter((w) => w.code === 'TORN_TAIL')).toHaveLength(codes.length);
    }
    expect(unexpected).toEqual([]);
    expect(torn).toBeGreaterThan(0);
  });

  it(`puts a record written without an acknowledgement on the disk once ${SYNC_WITHIN_MS} ms pass on the journal's clock`, async () => {
    const dir = await tempDir();
    const disk = new PowerLossDisk(dir);
    const clock = new SimulatedClock();
    const { journal } = await openJournal(dir, { fs: disk.fs, timer: clock, syncWithinMs: SYNC_WITHIN_MS });
    await journal.append('a');
    await journal.write('w');
    const onDisk = async (): Promise<unknown[]> => {
      const { opened } = await reopen(disk.image('lost'));
      await opened.journal.close();
      return stateOf(opened);
    };
    expect(await onDisk()).toEqual(['a']); // in the kernel only: a kill -9 keeps it, a power cut may not
    expect(await stateOfKept(disk)).toEqual(['a', 'w']);
    clock.increment(SYNC_WITHIN_MS - 1);
    expect(disk.ops.filter((op) => op === 'before sync journal.ndjson')).toHaveLength(1);
    clock.increment(1);
    await until(() => disk.ops.filter((op) => op === 'after sync journal.ndjson').length === 2, 'the deferred fsync');
    expect(await onDisk()).toEqual(['a', 'w']);
    await journal.close();
  });
});

async function appendAndClose(journal: Journal, record: string): Promise<void> {
  await journal.append(record);
  await journal.close();
}

/** What a kill -9 leaves: everything in the kernel. */
async function stateOfKept(disk: PowerLossDisk): Promise<unknown[]> {
  const { opened } = await reopen(disk.image('kept'));
  await opened.journal.close();
  return stateOf(opened);
}
