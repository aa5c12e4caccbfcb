// A content task in each autonomy mode (DESIGN §4): manual always asks a person, semi-auto acts
// alone only when every control allows it, full-auto acts unless a hard limit blocks.
import { describe, expect, it } from 'vitest';
import { scenarios } from '../harness.js';
import { LEAD, brief, draft } from '../replies.js';

const start = scenarios();

describe('a content task in each mode', () => {
  it('full: publishes without asking, after the tier 1 reviews', async () => {
    const h = await start({ config: { mode: 'full' } });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');

    const view = await h.final(task.id);

    expect(view.status).toBe('completed');
    expect(view.reviews.map((r) => [r.kind, r.verdict])).toEqual([
      ['canon', 'approve'],
      ['cultural', 'approve'],
      ['coordinator', 'approve'],
    ]);
    expect(h.events('gate.decided', task.id)).toMatchObject([{ decision: 'auto', mode: 'full', reasons: ['full mode: no hard limit blocks'] }]);
    expect(h.events('action.executed', task.id)).toMatchObject([{ action: 'publish', by: 'auto' }]);
    expect(h.sup.listApprovals()).toEqual([]);
    expect(h.callsOf().map((c) => c.agent)).toEqual(['marketing', 'reviewer', 'reviewer', 'coordinator']);
    expect(view.costUsd).toBeGreaterThan(0);
  });

  it('full: a hard limit still blocks (a domain disabled in config)', async () => {
    const h = await start({ config: { mode: 'full', risk: { domains: { content: false } } } });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');

    const view = await h.final(task.id);

    expect(view.status).toBe('rejected');
    expect(h.events('gate.decided', task.id)).toMatchObject([{ decision: 'blocked', mode: 'full', reasons: ['domain "content" is disabled in config'] }]);
    expect(h.events('task.rejected', task.id)).toMatchObject([{ by: 'policy', reasons: ['blocked: domain "content" is disabled in config'] }]);
    expect(h.events('action.executed', task.id)).toEqual([]);
  });

  it('manual: every action waits for a person, however confident', async () => {
    const h = await start({ config: { mode: 'manual' } });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');

    const approval = await h.pendingApproval(task.id);

    expect(h.status(task.id)).toBe('awaiting_approval');
    expect(h.events('gate.decided', task.id)).toMatchObject([{ decision: 'approval', mode: 'manual', reasons: ['manual mode: every action waits for a person'] }]);
    expect(approval).toMatchObject({ action: 'publish', reasons: ['manual mode: every action waits for a person'], fallback: 'coordinator' });
    expect(h.sup.listApprovals({ status: 'pending' })).toHaveLength(1);
    expect(h.events('action.executed', task.id)).toEqual([]);
  });

  it('semi: acts alone when confidence, cost and the random review all allow it', async () => {
    const h = await start({ config: { mode: 'semi', risk: { confidenceThreshold: 0.8, approvalThresholdUsd: 0.5, randomReviewPercent: 0 } } });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');

    const view = await h.final(task.id);

    expect(view.status).toBe('completed');
    const [gate] = h.events('gate.decided', task.id);
    expect(gate?.decision).toBe('auto');
    expect(gate?.reasons).toEqual([
      'confidence 0.90 meets the threshold 0.80 (config)',
      expect.stringMatching(/^estimated cost \$\S+ is within the approval threshold \$0\.50$/),
      expect.stringMatching(/^not picked for random review/),
    ]);
    expect(h.sup.listApprovals()).toEqual([]);
  });

  it.each([
    { why: 'confidence below the threshold', risk: {}, confidence: 0.5, reason: /^confidence 0\.50 is below the threshold 0\.80 \(config\)$/ },
    { why: 'cost above the approval threshold', risk: { approvalThresholdUsd: 0 }, confidence: 0.9, reason: /^estimated cost \$\S+ is above the approval threshold \$0\.00$/ },
    { why: 'picked for random review', risk: { randomReviewPercent: 100 }, confidence: 0.9, reason: /^picked for random review/ },
  ])('semi: asks a person when $why', async ({ risk, confidence, reason }) => {
    const h = await start({ config: { mode: 'semi', risk }, responders: { marketing: () => draft({ confidence }) } });
    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');

    const approval = await h.pendingApproval(task.id);

    const [gate] = h.events('gate.decided', task.id);
    expect(gate?.decision).toBe('approval');
    expect(gate?.reasons).toEqual([expect.stringMatching(reason)]);
    expect(approval.reasons).toEqual(gate?.reasons);
    expect(h.status(task.id)).toBe('awaiting_approval');
  });

  it('full: a lead is qualified, proposed, reviewed by the coordinator alone, then sent', async () => {
    const h = await start({ config: { mode: 'full' } });
    const task = await h.sup.createTask({ workflow: 'lead', input: { ...LEAD } }, 'cli');

    const view = await h.final(task.id);

    expect(view.status).toBe('completed');
    expect(h.callsOf().map((c) => [c.agent, c.input['decision'] ?? c.input['task']].join(':'))).toEqual(['sales:qualify', 'sales:propose', 'coordinator:final_approval']);
    expect(Object.keys(view.outputs)).toEqual(['qualify', 'propose']);
    expect(h.events('action.executed', task.id)).toMatchObject([{ action: 'send', by: 'auto' }]);
  });
});
