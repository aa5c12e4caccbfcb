import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOfflineModel } from '../../../agents/offline/index.js';
import { resolveConfig } from '../../../config/load.js';
import { Supervisor } from '../../../machines/supervisor/supervisor.js';
import { BRIEF as brief } from './replies.js';
import { until } from '../../support/until.js';


let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});


describe('supervisor smoke', () => {
  it('runs a content task to completion in full mode with the offline model', async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentry-'));
    const sup = await Supervisor.start({ stateDir: dir, config: resolveConfig({ version: 1, mode: 'full' }), model: createOfflineModel() });
    const task = await sup.createTask({ workflow: 'content', input: brief }, 'cli');
    await until(() => sup.getTask(task.id)?.status === 'completed' || sup.getTask(task.id)?.status === 'failed' || sup.getTask(task.id)?.status === 'rejected');
    const view = sup.getTask(task.id);
    console.log(JSON.stringify({ status: view?.status, error: view?.error, reviews: view?.reviews.map((r) => [r.kind, r.verdict]) }));
    console.log(sup.events().map((e) => e.event.type).join(' '));
    expect(view?.status).toBe('completed');
    await sup.stop();
  });
});
