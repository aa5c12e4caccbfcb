// A create with an idempotency key, embedded: the repeat answers the task the key made (while it
// runs, once it finished, after a restart, with the supervisor full), never a second task.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOfflineModel } from '../../../../agents/offline/index.js';
import { resolveConfig } from '../../../../config/load.js';
import { Supervisor } from '../../../../machines/supervisor/supervisor.js';
import { taskIdForKey } from '../../../../machines/task/keyed-create.js';
import { until } from '../../../support/until.js';
import { BRIEF } from '../replies.js';

const KEYED = { workflow: 'content', input: BRIEF, idempotencyKey: 'brief-42' };

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('idempotent creates (embedded)', () => {
  it('makes one task for a key, through repeats, a restart and a full supervisor', async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentry-keyed-'));
    const config = resolveConfig({ version: 1, mode: 'manual', limits: { maxActiveTasks: 1 } });
    const a = await Supervisor.start({ stateDir: dir, config, model: createOfflineModel() });
    const [first, second] = await Promise.all([a.createTask(KEYED, 'cli'), a.createTask(KEYED, 'http')]);
    expect(first.id).toBe(taskIdForKey('brief-42'));
    expect(second.id).toBe(first.id);
    await until(() => a.listApprovals({ status: 'pending' }).length === 1, 'the task awaiting its approval');
    // Full (one active task): a new task is refused, the repeat still answers its task.
    await expect(a.createTask({ workflow: 'content', input: BRIEF }, 'cli')).rejects.toMatchObject({ code: 'AGENT_BUSY' });
    expect((await a.createTask(KEYED, 'cli')).id).toBe(first.id);
    await a.stop('test restart');

    const b = await Supervisor.start({ stateDir: dir, config, model: createOfflineModel() });
    try {
      await b.recovered;
      expect((await b.createTask(KEYED, 'cli')).id).toBe(first.id);
      await expect(b.createTask({ ...KEYED, input: { ...BRIEF, goal: 'another goal' } }, 'cli')).rejects.toMatchObject({ code: 'CONFLICT', details: { taskId: first.id } });
      const approval = b.listApprovals({ status: 'pending' })[0];
      if (approval === undefined) throw new Error('no pending approval after the restart');
      await b.approve(approval.id, { note: 'ship it' });
      await until(() => b.getTask(first.id)?.status === 'completed', 'the task completed');
      expect((await b.createTask(KEYED, 'cli'))).toMatchObject({ id: first.id, status: 'completed' });
      const created = b.events().filter((e) => e.event.type === 'task.created');
      expect(created.map((e) => (e.event as { taskId: string }).taskId)).toEqual([first.id]);
    } finally {
      await b.stop('test done');
    }
  });
});
