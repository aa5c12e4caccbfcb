// What a power loss can cost the supervisor: a run that creates tasks, decides an approval and
// emits an event is cut before and after every journal file operation, on a simulated disk that
// keeps only what an fdatasync covered (test/support/power-loss-fs.ts). Each distinct disk state
// must start a supervisor cleanly that holds every request acknowledged before the cut.
// What a kill -9 costs (nothing written) is test/e2e/chaos.test.ts, against the real process.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOfflineModel } from '../../../agents/offline/index.js';
import { resolveConfig } from '../../../config/load.js';
import { Supervisor } from '../../../machines/supervisor/supervisor.js';
import { imageKey, PowerLossDisk, writeImage } from '../../support/power-loss-fs.js';
import type { DiskImage, Tail } from '../../support/power-loss-fs.js';
import { until } from '../../support/until.js';
import { BRIEF as brief } from './replies.js';
import { TestClock } from './test-clock.js';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const config = resolveConfig({ version: 1, mode: 'manual', events: { rules: [{ event: 'competitor.rank_drop', workflow: 'content', priority: 'P1', input: { ...brief } }] } });
/**
 * 'lost' leaves the journal as of each fsync; 'torn' cuts it inside a write, so replay sees the
 * records cut at any point of a batch. 'zeros' replays the same records as 'lost' (its repair is
 * test/memory/power-loss.test.ts), and 'kept' is what a kill -9 leaves (test/e2e/chaos.test.ts).
 */
const CUT_TAILS: readonly Tail[] = ['lost', 'torn'];

/** What the caller was told had been accepted, when the power went. */
interface Acked {
  tasks: string[];
  /** Tasks whose approval a person granted. */
  approved: string[];
  events: { id: string; taskIds: string[] }[];
}

interface Cut {
  at: string;
  tail: Tail;
  image: DiskImage;
  acked: Acked;
}

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'agentry-power-'));
  dirs.push(dir);
  return dir;
}

const snapshotOf = (a: Acked): Acked => ({ tasks: [...a.tasks], approved: [...a.approved], events: a.events.map((e) => ({ ...e })) });

async function recordedRun(): Promise<Cut[]> {
  const dir = await freshDir();
  const acked: Acked = { tasks: [], approved: [], events: [] };
  const cuts: Cut[] = [];
  const seen = new Set<string>();
  const disk = new PowerLossDisk(dir, {
    onCutPoint: (at) => {
      for (const tail of CUT_TAILS) {
        const image = disk.image(tail);
        const key = `${imageKey(image)}|${JSON.stringify(acked)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        cuts.push({ at, tail, image, acked: snapshotOf(acked) });
      }
    },
  });
  const clock = new TestClock();
  clock.set(T0);
  const sup = await Supervisor.start({ stateDir: dir, config, model: createOfflineModel(), fs: disk.fs, clock });
  const a = await sup.createTask({ workflow: 'content', input: brief }, 'cli');
  acked.tasks.push(a.id);
  await until(() => sup.listApprovals({ status: 'pending' }).length === 1, 'the approval of the first task');
  const approval = sup.listApprovals({ status: 'pending' })[0];
  await sup.approve(approval?.id ?? '', { note: 'ok' });
  acked.approved.push(a.id);
  const ev = await sup.emitEvent({ id: 'ev-1', type: 'competitor.rank_drop', data: {} });
  acked.events.push({ id: 'ev-1', taskIds: ev.taskIds });
  const b = await sup.createTask({ workflow: 'content', input: brief }, 'cli');
  acked.tasks.push(b.id);
  await until(() => sup.getTask(a.id)?.status === 'completed', 'the approved task to complete');
  await sup.stop(); // compacts: the cuts cover the snapshot and the journal swap too
  return cuts;
}

/** Polls the task's status, live or archived (a compaction moves a finished task to the archive). */
async function untilTask(sup: Supervisor, id: string, status: string, what: string): Promise<void> {
  for (let i = 0; ; i++) {
    const current = (await sup.findTask(id))?.status;
    if (current === status) return;
    if (i >= 4000) throw new Error(`timed out waiting for ${what} (status ${current})`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('power loss: the supervisor on a disk that keeps only what an fdatasync covered', () => {
  it('starts cleanly after a cut at any journal operation, holding every acknowledged task, decision and event', async () => {
    const cuts = await recordedRun();
    expect(cuts.length).toBeGreaterThan(20);
    expect(cuts.at(-1)?.acked.tasks).toHaveLength(2);
    for (const cut of cuts) {
      const where = `${cut.tail} tail, cut ${cut.at}`;
      const dir = await freshDir();
      writeImage(cut.image, dir);
      const clock = new TestClock();
      clock.set(T0 + 60_000);
      const sup = await Supervisor.start({ stateDir: dir, config, model: createOfflineModel(), clock }).catch((err: unknown) => {
        throw new Error(`${where}: the supervisor did not start: ${String(err)}`);
      });
      const taskIds = [...cut.acked.tasks, ...cut.acked.events.flatMap((e) => e.taskIds)];
      const missing: string[] = [];
      for (const id of taskIds) if ((await sup.findTask(id)) === undefined) missing.push(`task ${id}`);
      for (const e of cut.acked.events) if (!sup.hasSeen(e.id)) missing.push(`event ${e.id}`);
      expect({ where, missing }).toEqual({ where, missing: [] });
      // A granted approval is replayed when its task asks again: the task completes without a person.
      for (const id of cut.acked.approved) await untilTask(sup, id, 'completed', `${where}: approved task ${id} to complete`);
      await sup.stop();
    }
  }, 600_000);
});
