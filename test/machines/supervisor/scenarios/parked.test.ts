// Parked tasks (issue 10, memory): a task waiting for a person's decision holds no actor, only
// its record, view, journaled steps and pending approval. The answer (a decision or the deadline)
// wakes it: a new actor replays the recorded steps without calling the model or telling any event
// again, and goes on as the task would have.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StructuredModel } from '../../../../agents/client/types.js';
import { createOfflineModel } from '../../../../agents/offline/index.js';
import { resolveConfig } from '../../../../config/load.js';
import { Supervisor } from '../../../../machines/supervisor/supervisor.js';
import { until } from '../../../support/until.js';
import { MINUTE, scenarios } from '../harness.js';
import type { Harness } from '../harness.js';
import { BRIEF, brief } from '../replies.js';

const start = scenarios();
const TIMEOUT_MIN = 60;

/** The task book is internal: its parked set is read here only to show the mechanism runs. */
const isParked = (sup: Supervisor, taskId: string): boolean => (sup as unknown as { p: { book: { isParked(id: string): boolean } } }).p.book.isParked(taskId);

async function parkedTask(h: Harness) {
  const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');
  const approval = await h.pendingApproval(task.id);
  await h.settle(() => isParked(h.sup, task.id), `task ${task.id} parked`);
  return { task, approval };
}

const count = (types: string[]): Record<string, number> => types.reduce<Record<string, number>>((acc, t) => ({ ...acc, [t]: (acc[t] ?? 0) + 1 }), {});

describe('a task parked at its approval', () => {
  it('shows as awaiting approval with its work, and completes on a grant with no model call and no event again', async () => {
    const h = await start({ config: { mode: 'manual', approvals: { timeoutMinutes: TIMEOUT_MIN, fallback: 'reject' } } });
    const { task, approval } = await parkedTask(h);
    const parked = h.sup.getTask(task.id);
    const callsBefore = h.calls.length;

    expect(parked).toMatchObject({ status: 'awaiting_approval', approval: { id: approval.id, status: 'pending' } });
    expect(Object.keys(parked?.outputs ?? {})).toEqual(['draft']);
    expect(parked?.reviews.map((r) => r.kind)).toEqual(['canon', 'cultural', 'coordinator']);

    await h.sup.approve(approval.id, { note: 'ship it' });
    const view = await h.final(task.id);

    expect(isParked(h.sup, task.id)).toBe(false);
    expect(h.calls.length).toBe(callsBefore);
    expect(view).toMatchObject({ status: 'completed', outputs: parked?.outputs, reviews: parked?.reviews, steps: parked?.steps, costUsd: parked?.costUsd, approval: { id: approval.id, status: 'granted', note: 'ship it' } });
    expect(count(h.eventTypes(task.id))).toEqual({
      'task.created': 1,
      'step.started': 4,
      'step.completed': 4,
      'review.requested': 3,
      'review.completed': 3,
      'gate.decided': 1,
      'approval.requested': 1,
      'approval.granted': 1,
      'delivery.started': 1,
      'delivery.succeeded': 1,
      'action.executed': 1,
      'task.completed': 1,
    });
    expect(h.events('action.executed', task.id)).toMatchObject([{ by: 'person' }]);
  });

  it('ends rejected by a person on a rejection', async () => {
    const h = await start({ config: { mode: 'manual' } });
    const { task, approval } = await parkedTask(h);

    await h.sup.reject(approval.id, { note: 'not now' });
    const view = await h.final(task.id);

    expect(view.status).toBe('rejected');
    expect(h.events('task.rejected', task.id)).toMatchObject([{ by: 'person', reasons: ['a person rejected it'] }]);
  });

  it('wakes at its deadline and follows the fallback: escalated once, parked again, then rejected', async () => {
    const h = await start({ config: { mode: 'manual', approvals: { timeoutMinutes: TIMEOUT_MIN, fallback: 'escalate' } } });
    const { task, approval } = await parkedTask(h);

    await h.advance(TIMEOUT_MIN * MINUTE);
    const escalated = await h.settle(() => h.sup.listApprovals({ status: 'pending' }).find((a) => a.kind === 'action' && a.taskId === task.id && a.id !== approval.id), 'the escalated request');
    await h.settle(() => isParked(h.sup, task.id), 'parked again');
    await h.advance(TIMEOUT_MIN * MINUTE);
    const view = await h.final(task.id);

    expect(view.status).toBe('rejected');
    expect(h.events('approval.requested', task.id).map((e) => e.approvalId)).toEqual([approval.id, escalated.id]);
    expect(h.events('approval.timed_out', task.id).map((e) => e.approvalId)).toEqual([approval.id, escalated.id]);
    expect(h.events('escalation.raised', task.id)).toHaveLength(1);
  });

  it('is cancelled with its approval withdrawn', async () => {
    const h = await start({ config: { mode: 'manual' } });
    const { task, approval } = await parkedTask(h);

    const view = await h.sup.cancelTask(task.id, { reason: 'no longer needed' });

    expect(view.status).toBe('cancelled');
    expect(isParked(h.sup, task.id)).toBe(false);
    expect(view.approval).toMatchObject({ id: approval.id, status: 'withdrawn' });
    expect(h.sup.listApprovals({ status: 'pending' })).toEqual([]);
  });
});

describe('a parked task across a restart', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is parked again after the restart and completes on a decision made after it, calling no model', async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentry-parked-'));
    const manual = resolveConfig({ version: 1, mode: 'manual' });
    const calls: string[] = [];
    const offline = createOfflineModel();
    const model: StructuredModel = { offline: true, worstCaseCost: () => 0, call: (req) => (calls.push(req.stepKey), offline.call(req)) };
    const a = await Supervisor.start({ stateDir: dir, config: manual, model });
    const task = await a.createTask({ workflow: 'content', input: BRIEF }, 'cli');
    await until(() => isParked(a, task.id), 'parked');
    const before = a.getTask(task.id);
    await a.stop();
    const callsBefore = calls.length;

    const b = await Supervisor.start({ stateDir: dir, config: manual, model });
    await until(() => isParked(b, task.id), 'parked after the restart');
    const pending = b.listApprovals({ status: 'pending' });
    expect(pending).toMatchObject([{ taskId: task.id, id: before?.approval?.id }]);
    await b.approve(pending[0]?.id ?? '', { note: 'after the restart' });
    await until(() => b.getTask(task.id)?.status === 'completed', 'completion');

    expect(calls.length).toBe(callsBefore);
    expect(b.getTask(task.id)).toMatchObject({ outputs: before?.outputs, reviews: before?.reviews });
    await b.stop();
  });
});
