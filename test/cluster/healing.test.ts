// Healing on the cluster, in one supervisor process against a real Postgres: a failed step goes to
// the policy, which asks the healer agent (a model call on the model queue, journaled as any
// other) and applies its remedy within policy; the task then completes. The model is the offline
// one, except that the author's first call of a task whose goal says "flaky" breaks its contract.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StructuredModel } from '../../agents/client/types.js';
import { createOfflineModel } from '../../agents/offline/index.js';
import { ModelBehaviorError } from '../../core/errors.js';
import { createRootLogger } from '../../core/logger.js';
import { resolveConfig } from '../../config/load.js';
import type { ResolvedConfig } from '../../config/load.js';
import { ClusterSupervisor } from '../../machines/cluster/cluster-supervisor.js';
import type { TaskView } from '../../machines/contract.js';
import { migrate, openPgStore } from '../../memory/postgres/index.js';
import { startPostgres } from '../support/postgres.js';
import type { TestPostgres } from '../support/postgres.js';
import { until } from '../support/until.js';

let pg: TestPostgres;
let sup: ClusterSupervisor;
let dir: string;
const broken = new Set<string>();

function flakyOnce(): StructuredModel {
  const offline = createOfflineModel({ simulateCost: false });
  return {
    ...offline,
    call(request) {
      const key = request.stepKey ?? '';
      const goal = (request.input as { brief?: { goal?: string } }).brief?.goal ?? '';
      if (request.agent === 'marketing' && goal.includes('flaky') && !broken.has(key.split(':')[0] ?? '')) {
        broken.add(key.split(':')[0] ?? '');
        return Promise.reject(new ModelBehaviorError('INVALID_OUTPUT', 'the draft broke its contract: /headline is missing'));
      }
      return offline.call(request);
    },
  };
}

function config(url: string, over: Record<string, unknown> = {}): ResolvedConfig {
  return resolveConfig({ version: 1, mode: 'full', store: { kind: 'postgres', url, executorId: 'healer-a', pollMs: 20 }, learning: { enabled: false }, ...over });
}

beforeAll(async () => {
  pg = await startPostgres();
  const url = await pg.createDatabase('cluster_heal');
  const store = await openPgStore(url);
  await migrate(store);
  await store.close();
  dir = mkdtempSync(join(tmpdir(), 'agentry-heal-'));
  sup = await ClusterSupervisor.start({ url, config: config(url), model: flakyOnce(), logger: createRootLogger({ level: 'silent' }), projectDir: dir, env: {}, applicationVersion: 'test' });
}, 120_000);

afterAll(async () => {
  await sup?.stop();
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function finished(id: string): Promise<TaskView> {
  await until(() => ['completed', 'failed', 'rejected', 'cancelled'].includes(sup.getTask(id)?.status ?? ''), `task ${id} to finish`, 60_000);
  const view = await sup.findTask(id);
  if (!view) throw new Error(`no task ${id}`);
  return view;
}

describe('healing on the cluster', () => {
  it('asks the healer agent about a failed step and applies its remedy: the task completes', async () => {
    const task = await sup.createTask({ workflow: 'content', input: { goal: 'a flaky launch post', channel: 'blog' } });
    expect((await finished(task.id)).status).toBe('completed');
    await until(() => sup.events().some((e) => e.event.type === 'task.completed' && e.event.taskId === task.id), 'the completion in the followed log');
    const told = sup.events().filter((e) => 'taskId' in e.event && e.event.taskId === task.id).map((e) => e.event.type);
    expect(told).toEqual(expect.arrayContaining(['step.failed', 'heal.requested', 'task.completed']));
    const applied = sup.events().find((e) => e.event.type === 'heal.applied');
    expect(applied?.event).toMatchObject({ remedy: 'retry', by: 'policy' });
    // The healer's call went through the model queue and its journal, as any other call.
    const calls = await sup.modelCalls(`model:${task.id}:`);
    expect(calls.filter((c) => c.agent === 'healer').map((c) => [c.sends, c.done])).toEqual([[1, true]]);
  });
});
