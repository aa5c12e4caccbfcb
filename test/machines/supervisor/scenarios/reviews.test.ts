// Review chains by tier (DESIGN §4): tier 1 runs canon and cultural in parallel then the
// coordinator, tier 2 cultural then coordinator, tier 3 the coordinator alone; a revise verdict
// sends the draft back with the issues, a reject ends the task.
import { describe, expect, it } from 'vitest';
import type { FakeReply } from '../../../support/fake-anthropic.js';
import { deferred, scenarios, sorted } from '../harness.js';
import type { AgentCall } from '../harness.js';
import { brief, coordinate, review } from '../replies.js';

const start = scenarios();

/** The reviews as `round:kind:verdict`, sorted (the two parallel reviews finish in any order). */
const kinds = (view: { reviews: { kind: string; verdict: string; round: number }[] }): string[] =>
  sorted(view.reviews.map((r) => `${r.round}:${r.kind}:${r.verdict}`));

describe('review tiers', () => {
  it('tier 1: canon and cultural are both in flight before either is answered, then the coordinator', async () => {
    const held: { call: AgentCall; answer: (reply: FakeReply) => void }[] = [];
    const h = await start({
      responders: {
        reviewer: (call) => {
          const d = deferred<FakeReply>();
          held.push({ call, answer: d.resolve });
          return d.promise;
        },
      },
    });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');

    await h.settle(() => held.length === 2, 'both tier 1 review requests at the fake');

    expect(sorted(held.map((x) => x.call.input['focus']))).toEqual(['canon', 'cultural']);
    expect(sorted(h.events('review.requested', task.id).map((e) => e.review))).toEqual(['canon', 'cultural']);
    expect(h.events('review.completed', task.id)).toEqual([]);
    expect(h.status(task.id)).toBe('reviewing');
    expect(h.callsOf('coordinator')).toEqual([]);

    for (const x of held) x.answer(review('approve'));
    const view = await h.final(task.id);

    expect(view.status).toBe('completed');
    expect(kinds(view)).toEqual(['1:canon:approve', '1:coordinator:approve', '1:cultural:approve']);
    const [coordinator] = h.callsOf('coordinator');
    expect(coordinator?.input).toMatchObject({ decision: 'final_approval', reviews: [{ verdict: 'approve' }, { verdict: 'approve' }] });
    expect(sorted((coordinator?.input['reviews'] as { kind: string }[] | undefined ?? []).map((r) => r.kind))).toEqual(['canon', 'cultural']);
  });

  it('tier 2: cultural, then the coordinator; no canon review', async () => {
    const h = await start({ config: { reviews: { tiers: { 'launch-announcement': 2 } } } });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');

    const view = await h.final(task.id);

    expect(view.status).toBe('completed');
    expect(kinds(view)).toEqual(['1:coordinator:approve', '1:cultural:approve']);
    expect(h.callsOf().map((c) => [c.agent, c.input['focus'] ?? c.input['decision']].join(':'))).toEqual([
      'marketing:',
      'reviewer:cultural',
      'coordinator:final_approval',
    ]);
    expect(h.events('review.requested', task.id)).toMatchObject([{ review: 'cultural', tier: 2 }, { review: 'coordinator', tier: 2 }]);
  });

  it('tier 3: the coordinator alone', async () => {
    const h = await start({ config: { reviews: { tiers: { 'launch-announcement': 3 } } } });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');

    const view = await h.final(task.id);

    expect(view.status).toBe('completed');
    expect(kinds(view)).toEqual(['1:coordinator:approve']);
    expect(h.callsOf('reviewer')).toEqual([]);
  });
});

describe('review verdicts', () => {
  it('revise: the draft goes back with the issues, and the second round passes', async () => {
    // The step key carries the round (taskId:r1:reviewing:cultural:a0).
    const h = await start({ responders: { reviewer: (call) => review(call.input['focus'] === 'cultural' && call.stepKey.includes(':r1:') ? 'revise' : 'approve') } });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');

    const view = await h.final(task.id);

    expect(view.status).toBe('completed');
    expect(view.round).toBe(2);
    expect(kinds(view)).toEqual(['1:canon:approve', '1:cultural:revise', '2:canon:approve', '2:coordinator:approve', '2:cultural:approve']);
    const [first, second] = h.callsOf('marketing');
    expect(first?.input['reviewerFeedback']).toBeUndefined();
    expect(second?.input['previousDraft']).toMatchObject({ title: 'Lens v2: see every campaign in one place' });
    expect(second?.input['reviewerFeedback']).toEqual([{ severity: 'high', quote: 'every campaign', fix: 'most campaigns' }]);
  });

  it('revise: the coordinator can send it back too, and its reasons reach the author', async () => {
    const h = await start({ responders: { coordinator: (call) => coordinate(call.stepKey.includes(':r1:') ? 'revise' : 'approve') } });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');

    const view = await h.final(task.id);

    expect(view.status).toBe('completed');
    expect(view.round).toBe(2);
    expect(h.callsOf('marketing')[1]?.input['reviewerFeedback']).toEqual([{ severity: 'high', quote: '(the whole draft)', fix: 'the coordinator says revise' }]);
  });

  it('revise: a revision past reviews.maxRevisionRounds rejects the task', async () => {
    const h = await start({ config: { reviews: { maxRevisionRounds: 1 } }, responders: { reviewer: (call) => review(call.input['focus'] === 'cultural' ? 'revise' : 'approve') } });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');

    const view = await h.final(task.id);

    expect(view.status).toBe('rejected');
    expect(h.callsOf('marketing')).toHaveLength(2);
    expect(h.events('task.rejected', task.id)).toMatchObject([{ by: 'reviewer', reasons: ['revision rounds exhausted'] }]);
  });

  it('reject: a reviewer rejection ends the task before the coordinator', async () => {
    const h = await start({ responders: { reviewer: (call) => review(call.input['focus'] === 'canon' ? 'reject' : 'approve') } });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');

    const view = await h.final(task.id);

    expect(view.status).toBe('rejected');
    expect(h.events('task.rejected', task.id)).toMatchObject([{ by: 'reviewer', reasons: ['a reviewer rejected it'] }]);
    expect(h.callsOf('coordinator')).toEqual([]);
    expect(h.events('gate.decided', task.id)).toEqual([]);
    expect(h.events('action.executed', task.id)).toEqual([]);
  });

  it('reject: the coordinator can reject what the reviewers approved', async () => {
    const h = await start({ responders: { coordinator: () => coordinate('reject') } });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');

    const view = await h.final(task.id);

    expect(view.status).toBe('rejected');
    expect(kinds(view)).toEqual(['1:canon:approve', '1:coordinator:reject', '1:cultural:approve']);
    expect(h.events('action.executed', task.id)).toEqual([]);
  });

  it('escalate_human: the coordinator sends it to a person even in full mode', async () => {
    const h = await start({ config: { mode: 'full' }, responders: { coordinator: () => coordinate('escalate_human') } });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');

    const approval = await h.pendingApproval(task.id);

    expect(h.events('gate.decided', task.id)).toMatchObject([{ decision: 'approval', reasons: ['full mode: no hard limit blocks', 'the coordinator asked for a person to decide'] }]);
    expect(approval.reasons).toContain('the coordinator asked for a person to decide');
  });

  it('pause_domain: the coordinator pauses the domain, and the gate blocks the action', async () => {
    const h = await start({ responders: { coordinator: () => coordinate('pause_domain') } });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');

    const view = await h.final(task.id);

    expect(view.status).toBe('rejected');
    expect(h.events('domain.paused')).toMatchObject([{ domain: 'content' }]);
    expect(h.sup.status().pausedDomains).toEqual(['content']);
    expect(h.events('gate.decided', task.id)).toMatchObject([{ decision: 'blocked', reasons: ['domain "content" is paused by escalation'] }]);
  });
});
