// A journal that refuses writes (full disk) for a while: nothing may crash the process through an
// unhandled rejection, nothing refused may later be answered as a duplicate, and nothing finished
// may drop out of both the snapshot and the archive.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOfflineModel } from '../../../agents/offline/index.js';
import { resolveConfig } from '../../../config/load.js';
import { MAX_TIMER_MS, Schedules } from '../../../machines/supervisor/policy/schedules.js';
import { Supervisor } from '../../../machines/supervisor/supervisor.js';
import { nodeFsOps } from '../../../memory/fs-ops.js';
import type { FsOps } from '../../../memory/fs-ops.js';
import { ARCHIVE_DIR, readArchive } from '../../../memory/archive.js';
import { BRIEF as brief } from './replies.js';
import { TestClock } from './test-clock.js';
import { until } from '../../support/until.js';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});


/** Journal file operations whose writes fail with ENOSPC while `disk.full`. */
function fullableDisk(): { fs: FsOps; disk: { full: boolean } } {
  const disk = { full: false };
  const fs: FsOps = {
    async open(path) {
      const file = await nodeFsOps.open(path);
      return {
        ...file,
        write: (data, position) => {
          if (disk.full) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
          return file.write(data, position);
        },
      };
    },
  };
  return { fs, disk };
}

const T0 = Date.parse('2026-03-02T09:00:00Z');

describe('store faults', () => {
  it('routes a retried event id that a full disk refused, instead of calling it a duplicate', async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentry-faults-'));
    const { fs, disk } = fullableDisk();
    const config = resolveConfig({ version: 1, mode: 'full', events: { rules: [{ event: 'competitor.rank_drop', workflow: 'content', priority: 'P1', input: { ...brief } }] } });
    const sup = await Supervisor.start({ stateDir: dir, config, model: createOfflineModel(), fs });
    disk.full = true;
    await expect(sup.emitEvent({ id: 'ev-1', type: 'competitor.rank_drop', data: {} })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(sup.hasSeen('ev-1')).toBe(false);
    disk.full = false;
    const retry = await sup.emitEvent({ id: 'ev-1', type: 'competitor.rank_drop', data: {} });
    expect(retry).toMatchObject({ duplicate: false, outcome: 'started' });
    expect(retry.taskIds).toHaveLength(1);
    await sup.stop();
  });

  it('survives a schedule firing while the disk is full', async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentry-faults-'));
    const { fs, disk } = fullableDisk();
    const clock = new TestClock();
    clock.set(T0);
    const config = resolveConfig({ version: 1, mode: 'full', schedules: [{ id: 'pulse', cron: '*/5 * * * *', workflow: 'content', input: { ...brief } }] });
    const sup = await Supervisor.start({ stateDir: dir, config, model: createOfflineModel(), fs, clock });
    disk.full = true;
    clock.increment(5 * 60_000); // 09:05: the fire's `seen` write fails
    await new Promise((r) => setTimeout(r, 20)); // an unhandled rejection would fail this test file
    expect(sup.listTasks()).toEqual([]);
    disk.full = false;
    clock.increment(5 * 60_000); // 09:10 fires normally
    await until(() => sup.listTasks().length === 1, 'the next scheduled task');
    await sup.stop();
  });

  it('finishes a task whose final record a full disk refused, once space returns', async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentry-faults-'));
    const { fs, disk } = fullableDisk();
    const clock = new TestClock();
    clock.set(T0);
    const config = resolveConfig({ version: 1, mode: 'full', risk: { randomReviewPercent: 0 } });
    const sup = await Supervisor.start({ stateDir: dir, config, model: createOfflineModel(), fs, clock });
    const task = await sup.createTask({ workflow: 'content', input: brief }, 'cli');
    disk.full = true; // every write from here fails, the task's final record included
    await until(() => clock.armedAt(clock.now() + 5_000), 'the retry of the final record');
    expect(sup.getTask(task.id)?.status).not.toMatch(/completed|failed|rejected/);
    disk.full = false;
    clock.increment(5_000);
    await until(() => ['completed', 'failed', 'rejected'].includes(sup.getTask(task.id)?.status ?? ''), 'a final status');
    await sup.stop();
  });

  it('keeps finished tasks for the next compaction when archiving fails', async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentry-faults-'));
    const config = resolveConfig({ version: 1, mode: 'full', risk: { randomReviewPercent: 0 } });
    const a = await Supervisor.start({ stateDir: dir, config, model: createOfflineModel() });
    const task = await a.createTask({ workflow: 'content', input: brief }, 'cli');
    await until(() => a.getTask(task.id)?.status === 'completed', 'completion');
    await writeFile(join(dir, ARCHIVE_DIR), 'not a folder'); // the archive cannot be written
    await a.compact();
    await rm(join(dir, ARCHIVE_DIR));
    await a.stop(); // compacts again: this time the archive works
    const files = await readdir(join(dir, ARCHIVE_DIR));
    const archived = (await Promise.all(files.map((f) => readArchive(join(dir, ARCHIVE_DIR, f))))).flat();
    expect(archived.map((r) => (r.record as { id: string }).id)).toContain(task.id);
  });
});

describe('schedules', () => {
  it('never asks for a timer longer than setTimeout honours (a monthly cron must not fire at once)', () => {
    const clock = new TestClock();
    clock.set(Date.parse('2026-03-02T00:00:00Z'));
    const delays: number[] = [];
    const setTimeout = clock.setTimeout.bind(clock);
    clock.setTimeout = (fn, ms) => (delays.push(ms), setTimeout(fn, ms));
    const fired: number[] = [];
    const s = new Schedules(clock, (_s, at) => fired.push(at));
    s.arm([{ id: 'monthly', cron: '0 0 1 * *', workflow: 'content' }]);
    clock.increment(MAX_TIMER_MS);
    expect(fired).toEqual([]);
    clock.increment(Date.parse('2026-04-01T00:00:00Z') - clock.now());
    expect(fired).toEqual([Date.parse('2026-04-01T00:00:00Z')]);
    expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_TIMER_MS);
    s.close();
  });
});
