// History that lasts (issue 11 part 1): finished tasks and decided approvals are read back from
// the archive after a restart, listed with filters and a cursor, and the index is rebuilt from
// the archive when it is damaged or missing. Steering (part 3): cancel and retry.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StructuredCallRequest, StructuredCallResult, StructuredModel } from '../../../agents/client/types.js';
import { createOfflineModel } from '../../../agents/offline/index.js';
import { resolveConfig } from '../../../config/load.js';
import { Supervisor } from '../../../machines/supervisor/supervisor.js';
import { HISTORY_INDEX_FILE } from '../../../memory/history-index.js';
import type { TaskView } from '../../../server/contract.js';
import { until } from '../../support/until.js';
import { BRIEF as brief, LEAD } from './replies.js';

const full = resolveConfig({ version: 1, mode: 'full' });
const manual = resolveConfig({ version: 1, mode: 'manual' });

let dir = '';
let running: Supervisor | undefined;
afterEach(async () => {
  await running?.stop('test end');
  running = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function start(config = full, model: StructuredModel = createOfflineModel()): Promise<Supervisor> {
  running = await Supervisor.start({ stateDir: dir, config, model });
  return running;
}

async function stop(sup: Supervisor): Promise<void> {
  await sup.stop('restart');
  running = undefined;
}

const sorted = (xs: readonly (string | undefined)[]): (string | undefined)[] => [...xs].sort((x, y) => (x ?? '').localeCompare(y ?? ''));
const done = (sup: Supervisor, id: string) => ['completed', 'rejected', 'failed', 'cancelled'].includes(sup.getTask(id)?.status ?? '');

/** The offline model, except that reviewer calls never answer until they are cancelled. */
function stallingReviews(): StructuredModel {
  const offline = createOfflineModel();
  return {
    offline: true,
    worstCaseCost: () => 0,
    call<T>(req: StructuredCallRequest): Promise<StructuredCallResult<T>> {
      if (req.agent !== 'reviewer') return offline.call<T>(req);
      return new Promise((_, reject) => req.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    },
  };
}

/** A finished task read back whole: output, reviews, timeline, the gate and the decision. */
function expectShown(shown: TaskView | undefined, id: string): void {
  expect(shown).toMatchObject({ id, status: 'completed', approval: { status: 'granted', note: 'ship it', decider: 'ada', decidedBy: 'person' } });
  expect(Object.keys(shown?.outputs ?? {})).not.toHaveLength(0);
  expect(shown?.reviews.length).toBeGreaterThan(0);
  expect(shown?.steps?.map((s) => s.agent)).toContain('marketing');
  expect(shown?.gate?.decision).toBe('approval');
}

describe('history across restarts', () => {
  it('task show, filters, a cursor and decided approvals come back from the archive', async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentry-hist-'));
    const a = await start(manual);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await a.createTask({ workflow: 'content', input: { ...brief, goal: `Launch post ${i}` } }, 'cli')).id);
    const lead = await a.createTask({ workflow: 'lead', input: { ...LEAD } }, 'cli');
    await until(() => a.listApprovals({ status: 'pending' }).length === 4, 'four approvals');
    const byTask = new Map(a.listApprovals({ status: 'pending' }).flatMap((p) => (p.kind === 'action' ? [[p.taskId, p.id] as const] : [])));
    await a.approve(byTask.get(ids[0] ?? '') ?? '', { note: 'ship it', by: 'ada' });
    await a.reject(byTask.get(ids[1] ?? '') ?? '', { note: 'off-message' });
    await a.approve(byTask.get(ids[2] ?? '') ?? '', {});
    await a.approve(byTask.get(lead.id) ?? '', {});
    await until(() => [...ids, lead.id].every((id) => done(a, id)), 'all finished');
    await stop(a);

    const b = await start(manual);
    expectShown(await b.findTask(ids[0] ?? ''), ids[0] ?? '');

    expect(sorted((await b.queryTasks({ status: 'completed' })).items.map((t) => t.id))).toEqual(sorted([ids[0], ids[2], lead.id]));
    expect((await b.queryTasks({ workflow: 'lead' })).items.map((t) => t.id)).toEqual([lead.id]);
    expect((await b.queryTasks({ search: 'LAUNCH POST 1' })).items.map((t) => t.id)).toEqual([ids[1]]);
    const page1 = await b.queryTasks({ limit: 3 });
    const page2 = await b.queryTasks({ limit: 3, after: page1.nextCursor ?? '' });
    expect(page1.items).toHaveLength(3);
    expect([page2.items.length, page2.nextCursor]).toEqual([1, null]);
    expect(new Set([...page1.items, ...page2.items].map((t) => t.id)).size).toBe(4);
    expect((await b.queryTasks({ since: '2999-01-01' })).items).toEqual([]);

    const granted = await b.queryApprovals({ status: 'granted' });
    expect(sorted(granted.items.map((g) => (g.kind === 'action' ? g.taskId : g.id)))).toEqual(sorted([ids[0], ids[2], lead.id]));
    const rejected = await b.queryApprovals({ status: 'rejected' });
    expect(rejected.items.map((r) => [r.kind === 'action' ? r.taskId : r.id, r.note])).toEqual([[ids[1], 'off-message']]);
    await expect(b.approve(byTask.get(ids[0] ?? '') ?? '', {})).rejects.toThrow(/already granted by ada at \d{4}-/);

    const exported: TaskView[] = [];
    expect(await b.exportTasks(0, (t) => exported.push(t))).toBe(4);
    expect(exported.map((t) => t.createdAt)).toEqual(exported.map((t) => t.createdAt).sort());
  });

  it('a damaged or missing index is rebuilt from the archive at start', async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentry-hist-'));
    const a = await start();
    const id = (await a.createTask({ workflow: 'content', input: brief }, 'cli')).id;
    await until(() => done(a, id), 'finished');
    await stop(a);
    const indexPath = join(dir, HISTORY_INDEX_FILE);
    expect(await readFile(indexPath, 'utf8')).toContain(id);

    await writeFile(indexPath, '["garbage"\n{not json\n');
    const b = await start();
    expect((await b.findTask(id))?.status).toBe('completed');
    await stop(b);
    await rm(indexPath);
    const c = await start();
    expect((await c.queryTasks({ status: 'completed' })).items.map((t) => t.id)).toEqual([id]);
  });
});

describe('steering', () => {
  it('cancel ends a flow and its open children; retry re-runs a cancelled task as a labelled new task', async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentry-steer-'));
    const sup = await start(full, stallingReviews());
    const flow = await sup.createTask({ workflow: 'campaign', input: brief }, 'cli');
    await until(() => sup.listTasks({ status: 'reviewing' }).length > 0, 'a child in review');
    const cancelled = await sup.cancelTask(flow.id, { reason: 'wrong launch date' });
    expect(cancelled.status).toBe('cancelled');
    for (const child of flow.children ?? []) expect(sup.getTask(child)?.status).toBe('cancelled');
    expect(sup.status().spend.reservedUsd).toBe(0);
    await expect(sup.cancelTask(flow.id, {})).rejects.toMatchObject({ code: 'CONFLICT' });

    const child = flow.children?.[0] ?? '';
    const retry = await sup.retryTask(child);
    expect(retry).toMatchObject({ retryOf: child, workflow: sup.getTask(child)?.workflow });
    await expect(sup.retryTask(retry.id)).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
