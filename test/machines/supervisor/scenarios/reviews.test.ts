// Review chains by tier (DESIGN §4): tier 1 runs canon and cultural in parallel then the
// coordinator, tier 2 cultural then coordinator, tier 3 the coordinator alone; a revise verdict
// sends the draft back with the issues, a reject ends the task.
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeReply } from '../../../support/fake-anthropic.js';
import { Harness, deferred } from '../harness.js';
import type { AgentCall } from '../harness.js';
import { brief, review } from '../replies.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The reviews as `round:kind:verdict`, sorted (the two parallel reviews finish in any order). */
const kinds = (view: { reviews: { kind: string; verdict: string; round: number }[] }): string[] =>
  view.reviews.map((r) => `${r.round}:${r.kind}:${r.verdict}`).sort();

describe('review tiers', () => {
  it('tier 1: canon and cultural are both in flight before either is answered, then the coordinator', async () => {
    const held: { call: AgentCall; answer: (reply: FakeReply) => void }[] = [];
    h = await Harness.start({
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

    expect(held.map((x) => x.call.input['focus']).sort()).toEqual(['canon', 'cultural']);
    expect(h.events('review.requested', task.id).map((e) => e.review).sort()).toEqual(['canon', 'cultural']);
    expect(h.events('review.completed', task.id)).toEqual([]);
    expect(h.status(task.id)).toBe('reviewing');
    expect(h.callsOf('coordinator')).toEqual([]);

    for (const x of held) x.answer(review('approve'));
    const view = await h.final(task.id);

    expect(view.status).toBe('completed');
    expect(kinds(view)).toEqual(['1:canon:approve', '1:coordinator:approve', '1:cultural:approve']);
    const [coordinator] = h.callsOf('coordinator');
    expect(coordinator?.input['decision']).toBe('final_approval');
    expect((coordinator?.input['reviews'] as { kind: string }[]).map((r) => r.kind).sort()).toEqual(['canon', 'cultural']);
  });

  it('tier 2: cultural, then the coordinator; no canon review', async () => {
    h = await Harness.start({ config: { reviews: { tiers: { 'launch-announcement': 2 } } } });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');

    const view = await h.final(task.id);

    expect(view.status).toBe('completed');
    expect(kinds(view)).toEqual(['1:coordinator:approve', '1:cultural:approve']);
    expect(h.callsOf().map((c) => `${c.agent}:${String(c.input['focus'] ?? c.input['decision'] ?? '')}`)).toEqual([
      'marketing:',
      'reviewer:cultural',
      'coordinator:final_approval',
    ]);
    expect(h.events('review.requested', task.id)).toMatchObject([{ review: 'cultural', tier: 2 }, { review: 'coordinator', tier: 2 }]);
  });

  it('tier 3: the coordinator alone', async () => {
    h = await Harness.start({ config: { reviews: { tiers: { 'launch-announcement': 3 } } } });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');

    const view = await h.final(task.id);

    expect(view.status).toBe('completed');
    expect(kinds(view)).toEqual(['1:coordinator:approve']);
    expect(h.callsOf('reviewer')).toEqual([]);
  });
});

describe('review verdicts', () => {
  it('revise: the draft goes back with the issues, and the second round passes', async () => {
    h = await Harness.start({
      responders: { reviewer: (call) => review(call.input['focus'] === 'cultural' && h?.callsOf('marketing').length === 1 ? 'revise' : 'approve') },
    });
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

  it('revise: a revision past reviews.maxRevisionRounds rejects the task', async () => {
    h = await Harness.start({ config: { reviews: { maxRevisionRounds: 1 } }, responders: { reviewer: (call) => review(call.input['focus'] === 'cultural' ? 'revise' : 'approve') } });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');

    const view = await h.final(task.id);

    expect(view.status).toBe('rejected');
    expect(h.callsOf('marketing')).toHaveLength(2);
    expect(h.events('task.rejected', task.id)).toMatchObject([{ by: 'reviewer', reasons: ['revision rounds exhausted'] }]);
  });

  it('reject: a reviewer rejection ends the task before the coordinator', async () => {
    h = await Harness.start({ responders: { reviewer: (call) => review(call.input['focus'] === 'canon' ? 'reject' : 'approve') } });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');

    const view = await h.final(task.id);

    expect(view.status).toBe('rejected');
    expect(h.events('task.rejected', task.id)).toMatchObject([{ by: 'reviewer', reasons: ['a reviewer rejected it'] }]);
    expect(h.callsOf('coordinator')).toEqual([]);
    expect(h.events('gate.decided', task.id)).toEqual([]);
    expect(h.events('action.executed', task.id)).toEqual([]);
  });

  it('reject: the coordinator can reject what the reviewers approved', async () => {
    h = await Harness.start({ responders: { coordinator: () => ({ json: { decision: 'reject', reasons: ['off-brand'], followUps: ['none'], confidence: 0.9, rationale: 'No.' } }) } });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');

    const view = await h.final(task.id);

    expect(view.status).toBe('rejected');
    expect(kinds(view)).toEqual(['1:canon:approve', '1:coordinator:reject', '1:cultural:approve']);
    expect(h.events('action.executed', task.id)).toEqual([]);
  });
});
