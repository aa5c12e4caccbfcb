// Dependencies between tasks: a task waits (blocked) until every task it depends on completes,
// and fails when one of them ends otherwise. The campaign flow builds the same DAG from config.
import { describe, expect, it } from 'vitest';
import type { FakeReply } from '../../../support/fake-anthropic.js';
import { deferred, scenarios } from '../harness.js';
import type { Harness } from '../harness.js';
import { brief, draft, review } from '../replies.js';

const start = scenarios();

/** Sequence numbers of the first event of `type` about `taskId`. */
function seqOf(h: Harness, type: string, taskId: string): number {
  const found = h.sup.events().find((e) => e.event.type === type && (e.event as { taskId?: string }).taskId === taskId);
  if (!found) throw new Error(`no ${type} for ${taskId}`);
  return found.seq;
}

describe('a task that depends on another', () => {
  it('is blocked until its dependency completes, then runs and completes', async () => {
    const first = deferred<FakeReply>();
    let drafts = 0;
    const h = await start({ responders: { marketing: () => (++drafts === 1 ? first.promise : draft()) } });
    const a = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');
    await h.settle(() => h.callsOf('marketing').length === 1, "A's draft request at the fake");

    const b = await h.sup.createTask({ workflow: 'content', input: brief({ goal: 'Follow-up post' }), dependsOn: [a.id] }, 'cli');

    expect(b.status).toBe('blocked');
    expect(h.events('task.blocked', b.id)).toMatchObject([{ waitingFor: [a.id] }]);
    expect(h.events('step.started', b.id)).toEqual([]);

    first.resolve(draft());
    const viewB = await h.final(b.id);

    expect(h.status(a.id)).toBe('completed');
    expect(viewB.status).toBe('completed');
    expect(h.events('dependency.resolved', b.id)).toMatchObject([{ dependency: a.id }]);
    expect(seqOf(h, 'task.completed', a.id)).toBeLessThan(seqOf(h, 'dependency.resolved', b.id));
    expect(seqOf(h, 'dependency.resolved', b.id)).toBeLessThan(seqOf(h, 'step.started', b.id));
    expect(h.callsOf('marketing', b.id).map((c) => (c.input['brief'] as { goal: string }).goal)).toEqual(['Follow-up post']);
  });

  it('fails when its dependency is rejected, without calling any agent', async () => {
    const h = await start({ config: { mode: 'manual' } });
    const a = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');
    const b = await h.sup.createTask({ workflow: 'content', input: brief(), dependsOn: [a.id] }, 'cli');
    const approval = await h.pendingApproval(a.id);

    await h.sup.reject(approval.id, { note: 'not this one' });
    const viewB = await h.final(b.id);

    expect(viewB.status).toBe('failed');
    expect(h.events('task.failed', b.id)).toMatchObject([{ message: `dependency ${a.id} did not complete` }]);
    expect(h.callsOf(undefined, b.id)).toEqual([]);
  });

  it('refuses a dependency on a task that does not exist', async () => {
    const h = await start();

    await expect(h.sup.createTask({ workflow: 'content', input: brief(), dependsOn: ['t_nope'] }, 'cli')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(h.events('task.created')).toEqual([]);
  });
});

describe('the campaign flow', () => {
  it('runs the announcement first, then the post and the email, then completes the flow', async () => {
    const h = await start();
    const flow = await h.sup.createTask({ workflow: 'campaign', input: brief() }, 'cli');

    const view = await h.final(flow.id);

    expect(view.status).toBe('completed');
    const children = h.events('task.created').filter((e) => e.parentId === flow.id);
    expect(children.map((e) => e.contentType)).toEqual(['launch-announcement', 'launch-tweet', 'launch-email']);
    const [announce, social, email] = children.map((e) => e.taskId);
    expect(h.events('task.blocked').map((e) => [e.taskId, e.waitingFor])).toEqual([
      [social, [announce]],
      [email, [announce]],
    ]);
    for (const id of [social, email]) {
      expect(h.events('dependency.resolved', id)).toMatchObject([{ dependency: announce }]);
      expect(h.status(id ?? '')).toBe('completed');
    }
    const channels = h.callsOf('marketing').map((c) => (c.input['brief'] as { channel: string }).channel);
    expect(channels[0]).toBe('blog');
    expect(channels.slice(1).sort()).toEqual(['email', 'tweet']);
    expect(seqOf(h, 'task.completed', email ?? '')).toBeLessThan(seqOf(h, 'task.completed', flow.id));
  });

  it('ends the flow with the outcome of a child that did not complete', async () => {
    const h = await start({
      responders: { reviewer: (call) => review((call.input['content'] as { channel: string }).channel === 'email' && call.input['focus'] === 'canon' ? 'reject' : 'approve') },
    });
    const flow = await h.sup.createTask({ workflow: 'campaign', input: brief() }, 'cli');

    const view = await h.final(flow.id);

    expect(view.status).toBe('rejected');
    expect(h.events('task.rejected', flow.id)).toMatchObject([{ reasons: ['a child task ended rejected'] }]);
    expect(h.events('task.rejected').map((e) => e.reasons)).toEqual([['a reviewer rejected it'], ['a child task ended rejected']]);
    expect(h.events('task.completed')).toHaveLength(2);
  });
});
