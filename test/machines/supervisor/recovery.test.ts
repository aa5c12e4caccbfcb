// Recovery (issue 4): a supervisor stopped with model calls in flight resumes every task where it
// was after a restart; finished steps are not called again; interrupted ones re-run labelled.
// And a full disk: nothing is acknowledged that could not be persisted, and work resumes after.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StructuredCallRequest, StructuredCallResult, StructuredModel } from '../../../agents/client/types.js';
import { createOfflineModel } from '../../../agents/offline/index.js';
import { resolveConfig } from '../../../config/load.js';
import { Supervisor } from '../../../machines/supervisor/supervisor.js';
import { BRIEF as brief } from './replies.js';
import { nodeFsOps } from '../../../memory/fs-ops.js';
import type { FsOps } from '../../../memory/fs-ops.js';
import { until } from '../../support/until.js';

const config = resolveConfig({ version: 1, mode: 'full' });

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});


/** The offline model, except that reviewer calls never answer until they are cancelled. */
function stallingReviews(calls: string[]): StructuredModel {
  const offline = createOfflineModel();
  return {
    offline: true,
    worstCaseCost: () => 0,
    call<T>(req: StructuredCallRequest): Promise<StructuredCallResult<T>> {
      calls.push(`${req.agent}:${req.stepKey}`);
      if (req.agent !== 'reviewer') return offline.call<T>(req);
      return new Promise((_, reject) => req.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    },
  };
}

function counting(calls: string[]): StructuredModel {
  const offline = createOfflineModel();
  return { offline: true, worstCaseCost: () => 0, call: (req) => (calls.push(`${req.agent}:${req.stepKey}`), offline.call(req)) };
}

describe('recovery', () => {
  it('resumes interrupted tasks without calling finished steps again and labels re-runs', async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentry-rec-'));
    const first: string[] = [];
    const a = await Supervisor.start({ stateDir: dir, config, model: stallingReviews(first) });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await a.createTask({ workflow: 'content', input: brief }, 'cli')).id);
    // Every draft recorded; two reviewer calls in flight (its concurrency), four queued behind them.
    await until(() => ids.every((id) => a.getTask(id)?.status === 'reviewing') && first.filter((c) => c.startsWith('reviewer')).length === 2, 'drafts done, two stalled reviews');
    await a.stop('test restart');

    const second: string[] = [];
    const b = await Supervisor.start({ stateDir: dir, config, model: counting(second) });
    const started = b.events().filter((e) => e.event.type === 'supervisor.started').at(-1)?.event;
    expect(started).toMatchObject({ recoveredTasks: 3 });
    await until(() => ids.every((id) => b.getTask(id)?.status === 'completed'), 'all tasks completed');
    // The marketing drafts were recorded before the stop: not one is called again.
    expect(second.filter((c) => c.startsWith('marketing'))).toEqual([]);
    expect(second.filter((c) => c.startsWith('reviewer'))).toHaveLength(6);
    // Only the two requests that were sent before the stop are re-runs; the queued four are not.
    const reruns = b.events().filter((e) => e.event.type === 'step.completed' && e.event.rerun).map((e) => (e.event.type === 'step.completed' ? `reviewer:${e.event.stepKey}` : ''));
    expect(reruns.sort()).toEqual(first.filter((c) => c.startsWith('reviewer')).sort());
    await b.stop();
  });

  it('keeps approvals pending across a restart and honours a decision made after it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentry-rec-'));
    const manual = resolveConfig({ version: 1, mode: 'manual' });
    const a = await Supervisor.start({ stateDir: dir, config: manual, model: createOfflineModel() });
    const task = await a.createTask({ workflow: 'content', input: brief }, 'cli');
    await until(() => a.listApprovals({ status: 'pending' }).length === 1, 'a pending approval');
    const pending = a.listApprovals({ status: 'pending' })[0];
    await a.stop();

    const b = await Supervisor.start({ stateDir: dir, config: manual, model: createOfflineModel() });
    await until(() => b.listApprovals({ status: 'pending' }).length === 1, 'the approval again');
    expect(b.listApprovals({ status: 'pending' })[0]).toMatchObject({ id: pending?.id, deadline: pending?.deadline });
    await b.approve(pending?.id ?? '', { note: 'ok after restart' });
    await until(() => b.getTask(task.id)?.status === 'completed', 'completion');
    await b.stop();
  });

  it('stops acknowledging while the disk is full and recovers when space returns', async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentry-full-'));
    let full = false;
    const fs: FsOps = {
      async open(path) {
        const file = await nodeFsOps.open(path);
        return {
          ...file,
          write: (data, position) => {
          if (full) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
          return file.write(data, position);
        },
        };
      },
    };
    const sup = await Supervisor.start({ stateDir: dir, config, model: createOfflineModel(), fs });
    full = true;
    await expect(sup.createTask({ workflow: 'content', input: brief }, 'cli')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(sup.listTasks()).toEqual([]);
    expect(sup.status().health.store).toBe('unavailable');
    full = false;
    const task = await sup.createTask({ workflow: 'content', input: brief }, 'cli');
    await until(() => sup.getTask(task.id)?.status === 'completed', 'completion after space returned');
    await sup.stop();
  });
});
