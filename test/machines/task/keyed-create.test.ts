// Idempotent creates (keyed-create.ts): a key names one task; a repeat answers it, a repeat
// while the first is being made waits for it, another request under the key is CONFLICT, and a
// refused first create leaves the key free.
import { describe, expect, it } from 'vitest';
import type { CreateTaskRequest, TaskView } from '../../../machines/contract.js';
import { KeyedCreates, taskIdForKey } from '../../../machines/task/keyed-create.js';
import { deferred } from '../supervisor/harness.js';

const REQ: CreateTaskRequest = { workflow: 'content', input: { goal: 'launch', channel: 'blog' }, idempotencyKey: 'k-1' };

function viewOf(id: string, req: CreateTaskRequest): TaskView {
  return { id, workflow: req.workflow, status: 'pending', priority: req.priority ?? 'P2', input: req.input, dependsOn: req.dependsOn ?? [], round: 0, costUsd: 0, outputs: {}, reviews: [], createdAt: '', updatedAt: '' };
}

/** A store of made tasks and a `make` that records each id it was given. */
function store(): { tasks: Map<string, TaskView>; ids: (string | undefined)[]; keyed: KeyedCreates; make: (req: CreateTaskRequest) => (id: string | undefined) => Promise<TaskView> } {
  const tasks = new Map<string, TaskView>();
  const ids: (string | undefined)[] = [];
  const keyed = new KeyedCreates((id) => Promise.resolve(tasks.get(id)));
  const make = (req: CreateTaskRequest) => (id: string | undefined) => {
    ids.push(id);
    const view = viewOf(id ?? `t_fresh${ids.length}`, req);
    tasks.set(view.id, view);
    return Promise.resolve(view);
  };
  return { tasks, ids, keyed, make };
}

describe('keyed creates', () => {
  it('derives one id from a key, another from another key', () => {
    expect(taskIdForKey('k-1')).toBe(taskIdForKey('k-1'));
    expect(taskIdForKey('k-1')).not.toBe(taskIdForKey('k-2'));
    expect(taskIdForKey('k-1')).toMatch(/^t_k[0-9a-f]{24}$/);
  });

  it('makes a task once for a key and answers the repeat with it', async () => {
    const s = store();
    const first = await s.keyed.create(REQ, s.make(REQ));
    const again = await s.keyed.create({ ...REQ, priority: 'P2' }, s.make(REQ));
    expect(first.id).toBe(taskIdForKey('k-1'));
    expect(again).toBe(first);
    expect(s.ids).toEqual([taskIdForKey('k-1')]);
  });

  it('gives an unkeyed create a fresh id every time', async () => {
    const s = store();
    const { idempotencyKey: _k, ...plain } = REQ;
    await s.keyed.create(plain, s.make(plain));
    await s.keyed.create(plain, s.make(plain));
    expect(s.ids).toEqual([undefined, undefined]);
  });

  it('lets a repeat that comes while the first is being made wait for it', async () => {
    const tasks = new Map<string, TaskView>();
    const keyed = new KeyedCreates((id) => Promise.resolve(tasks.get(id)));
    const gate = deferred<void>();
    let makes = 0;
    const make = async (id: string | undefined): Promise<TaskView> => {
      makes++;
      await gate.promise;
      return viewOf(id as string, REQ);
    };
    const both = Promise.all([keyed.create(REQ, make), keyed.create(REQ, make)]);
    gate.resolve();
    const [a, b] = await both;
    expect(b).toBe(a);
    expect(makes).toBe(1);
  });

  it('refuses another request under a used key, naming the task it made', async () => {
    const s = store();
    const first = await s.keyed.create(REQ, s.make(REQ));
    for (const other of [{ ...REQ, input: { goal: 'other', channel: 'blog' } }, { ...REQ, workflow: 'lead' }, { ...REQ, priority: 'P0' as const }, { ...REQ, dependsOn: ['t_x'] }]) {
      await expect(s.keyed.create(other, s.make(other))).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(`already made task ${first.id}`) });
    }
    expect(s.ids).toHaveLength(1);
  });

  it('leaves a key free when its first create was refused, for it and for a repeat waiting on it', async () => {
    const s = store();
    const gate = deferred<void>();
    const refused = async (): Promise<TaskView> => {
      await gate.promise;
      throw new Error('full');
    };
    const first = s.keyed.create(REQ, refused);
    const waiting = s.keyed.create(REQ, s.make(REQ));
    gate.resolve();
    await expect(first).rejects.toThrow('full');
    expect((await waiting).id).toBe(taskIdForKey('k-1'));
    expect(s.ids).toEqual([taskIdForKey('k-1')]);
  });
});
