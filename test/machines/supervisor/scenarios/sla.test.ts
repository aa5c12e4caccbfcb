// Review SLAs (DESIGN §4): a review past its deadline escalates in three tiers spaced by
// sla.escalationMinutes — the coordinator, then a person, then the domain is paused, after which
// the gate blocks every action in that domain. The hanging review is a real HTTP request that
// is aborted when the supervisor stops.
import { describe, expect, it } from 'vitest';
import type { FakeReply } from '../../../support/fake-anthropic.js';
import { scenarios, MINUTE, deferred, hang } from '../harness.js';
import type { Responder } from '../harness.js';
import { brief, review } from '../replies.js';

const start = scenarios();

const SLA = { reviewMinutes: { culturalTier1: 60 }, escalationMinutes: 30 };
/** Content type reviewed by the coordinator alone, so a second task needs no reviewer slot. */
const QUICK = { reviews: { tiers: { quick: 3 } } };

/** Starts a tier 1 task whose cultural review is answered by `cultural`; returns its deadline. */
async function withCulturalReview(cultural: Responder) {
  const h = await start({
    config: { sla: SLA, ...QUICK },
    responders: { reviewer: (call) => (call.input['focus'] === 'cultural' ? cultural(call) : review('approve')) },
  });
  const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');
  const requested = await h.settle(() => h.events('review.requested', task.id).find((e) => e.review === 'cultural'), 'the cultural review request');
  await h.settle(() => h.callsOf('reviewer', task.id).some((c) => c.input['focus'] === 'cultural'), 'the cultural review at the fake');
  return { h, task, deadline: Date.parse(requested.deadline) };
}

describe('review SLA escalation', () => {
  it('escalates to the coordinator, then a person, then pauses the domain; the gate then blocks it', async () => {
    const { h, task, deadline } = await withCulturalReview(hang);
    expect(deadline - h.clock.now()).toBe(60 * MINUTE);

    await h.advance(deadline - h.clock.now() - 1);
    expect(h.events('sla.exceeded')).toEqual([]);

    await h.advance(1);
    expect(h.events('sla.exceeded', task.id)).toMatchObject([{ scope: 'cultural', tier: 1, deadline: new Date(deadline).toISOString() }]);
    expect(h.events('escalation.raised', task.id)).toMatchObject([{ to: 'coordinator', domain: 'content' }]);

    await h.advance(30 * MINUTE - 1);
    expect(h.events('sla.exceeded', task.id)).toHaveLength(1);
    await h.advance(1);
    expect(h.events('escalation.raised', task.id).map((e) => e.to)).toEqual(['coordinator', 'person']);
    expect(h.events('domain.paused')).toEqual([]);

    await h.advance(30 * MINUTE);
    expect(h.events('sla.exceeded', task.id).map((e) => e.tier)).toEqual([1, 2, 3]);
    expect(h.events('escalation.raised', task.id).map((e) => e.to)).toEqual(['coordinator', 'person', 'pause_domain']);
    expect(h.events('domain.paused')).toMatchObject([{ domain: 'content' }]);
    expect(h.status(task.id)).toBe('reviewing');

    const next = await h.sup.createTask({ workflow: 'content', input: brief({ contentType: 'quick' }) }, 'cli');
    const view = await h.final(next.id);

    expect(view.status).toBe('rejected');
    expect(h.events('gate.decided', next.id)).toMatchObject([{ decision: 'blocked', reasons: ['domain "content" is paused by escalation'] }]);
    expect(h.events('task.rejected', next.id)).toMatchObject([{ by: 'policy' }]);
    expect(h.events('action.executed')).toEqual([]);

    await h.advance(24 * 60 * MINUTE);
    expect(h.events('sla.exceeded')).toHaveLength(3);
  });

  it('a person resumes the paused domain: domain.resumed, and its actions run again', async () => {
    const { h, deadline } = await withCulturalReview(hang);
    await h.advance(deadline - h.clock.now() + 60 * MINUTE);
    expect(h.events('domain.paused')).toMatchObject([{ domain: 'content' }]);
    expect(h.sup.status().pausedDomains).toEqual(['content']);

    expect(await h.sup.resumeDomain('content')).toEqual({ domain: 'content', resumed: true });
    expect(h.events('domain.resumed')).toMatchObject([{ domain: 'content' }]);
    expect(h.sup.status().pausedDomains).toEqual([]);
    expect(await h.sup.resumeDomain('content')).toEqual({ domain: 'content', resumed: false });
    await expect(h.sup.resumeDomain('nowhere')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const next = await h.sup.createTask({ workflow: 'content', input: brief({ contentType: 'quick' }) }, 'cli');
    const view = await h.final(next.id);
    expect(view.status).toBe('completed');
    expect(h.events('gate.decided', next.id)).toMatchObject([{ decision: 'auto' }]);
  });

  it('stops escalating once the late review arrives', async () => {
    const late = deferred<FakeReply>();
    const { h, task, deadline } = await withCulturalReview(() => late.promise);

    await h.advance(deadline - h.clock.now());
    expect(h.events('sla.exceeded', task.id)).toMatchObject([{ tier: 1 }]);

    late.resolve(review('approve'));
    const view = await h.final(task.id);
    await h.advance(120 * MINUTE);

    expect(view.status).toBe('completed');
    expect(h.events('review.completed', task.id).find((e) => e.review === 'cultural')?.minutes).toBe(60);
    expect(h.events('sla.exceeded', task.id)).toHaveLength(1);
    expect(h.events('domain.paused')).toEqual([]);
  });
});
