// Approvals (DESIGN §4): a person grants or rejects; an unanswered request follows the configured
// fallback after approvals.timeoutMinutes on the simulated clock — the coordinator decides,
// the request is rejected, or it is escalated once (and the escalated one rejects on timeout).
import { describe, expect, it } from 'vitest';
import { scenarios, MINUTE } from '../harness.js';
import { brief, coordinate } from '../replies.js';

const start = scenarios();

const TIMEOUT_MIN = 60;

async function awaitingApproval(fallback: 'coordinator' | 'reject' | 'escalate') {
  const h = await start({ config: { mode: 'manual', approvals: { timeoutMinutes: TIMEOUT_MIN, fallback } } });
  const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');
  const approval = await h.pendingApproval(task.id);
  return { h, task, approval };
}

describe('a person decides', () => {
  it('granted: the action runs, decided by a person, and the timeout no longer fires', async () => {
    const { h, task, approval } = await awaitingApproval('reject');
    expect(approval.deadline).toBe(new Date(h.clock.now() + TIMEOUT_MIN * MINUTE).toISOString());

    const decided = await h.sup.approve(approval.id, { note: 'ship it' });
    const view = await h.final(task.id);
    await h.advance(TIMEOUT_MIN * MINUTE);

    expect(decided).toMatchObject({ status: 'granted', decidedBy: 'person', note: 'ship it' });
    expect(view.status).toBe('completed');
    expect(h.events('approval.granted', task.id)).toMatchObject([
      { approvalId: approval.id, by: 'person', note: 'ship it', policy: 'manual mode; decided by a person before the reject fallback' },
    ]);
    expect(h.events('action.executed', task.id)).toMatchObject([{ action: 'publish', by: 'person' }]);
    expect(h.events('approval.timed_out')).toEqual([]);
  });

  it('rejected: the task ends rejected by a person, with the note', async () => {
    const { h, task, approval } = await awaitingApproval('coordinator');

    await expect(h.sup.reject(approval.id, {})).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await h.sup.reject(approval.id, { note: 'off-message this week' });
    const view = await h.final(task.id);

    expect(view.status).toBe('rejected');
    expect(h.events('approval.rejected', task.id)).toMatchObject([{ approvalId: approval.id, by: 'person', note: 'off-message this week' }]);
    expect(h.events('task.rejected', task.id)).toMatchObject([{ by: 'person', reasons: ['a person rejected it'] }]);
    expect(h.events('action.executed', task.id)).toEqual([]);
    // A decided approval stays known: a second decision says who decided it, when, and why.
    const again = (await h.sup.approve(approval.id, {}).then(() => undefined, (err: unknown) => err)) as { code: string; message: string };
    expect(again).toMatchObject({ code: 'CONFLICT' });
    expect(again.message).toMatch(/^approval ap_\w+ is already rejected by person at \d{4}-.*\(note: off-message this week\)$/);
    expect((await h.sup.queryApprovals({ status: 'rejected' })).items.map((a) => [a.id, a.note])).toEqual([[approval.id, 'off-message this week']]);
  });
});

describe('an approval that times out', () => {
  it('does nothing before its deadline', async () => {
    const { h, task } = await awaitingApproval('reject');

    await h.advance(TIMEOUT_MIN * MINUTE - 1);

    expect(h.status(task.id)).toBe('awaiting_approval');
    expect(h.events('approval.timed_out')).toEqual([]);
  });

  it('fallback coordinator: the coordinator approves, and the decision is recorded as its own', async () => {
    const { h, task, approval } = await awaitingApproval('coordinator');

    await h.advance(TIMEOUT_MIN * MINUTE);
    const view = await h.final(task.id);

    expect(view.status).toBe('completed');
    expect(h.events('approval.timed_out', task.id)).toMatchObject([{ approvalId: approval.id, fallback: 'coordinator' }]);
    const asked = h.callsOf('coordinator').map((c) => c.input['decision']);
    expect(asked).toEqual(['final_approval', 'approval_fallback']);
    expect(h.events('approval.granted', task.id)).toMatchObject([
      { approvalId: approval.id, by: 'coordinator', policy: expect.stringContaining('coordinator fallback') as unknown },
    ]);
    expect(h.events('action.executed', task.id)).toMatchObject([{ by: 'coordinator' }]);
  });

  it('fallback coordinator: the coordinator declines, and the task is rejected by it', async () => {
    const { h, task, approval } = await awaitingApproval('coordinator');
    h.responders.coordinator = (call) => coordinate(call.input['decision'] === 'approval_fallback' ? 'reject' : 'approve');

    await h.advance(TIMEOUT_MIN * MINUTE);
    const view = await h.final(task.id);

    expect(view.status).toBe('rejected');
    expect(h.events('approval.rejected', task.id)).toMatchObject([{ approvalId: approval.id, by: 'coordinator' }]);
    expect(h.events('task.rejected', task.id)).toMatchObject([{ by: 'coordinator' }]);
    expect(h.events('action.executed', task.id)).toEqual([]);
  });

  it('fallback reject: the task is rejected by policy', async () => {
    const { h, task, approval } = await awaitingApproval('reject');

    await h.advance(TIMEOUT_MIN * MINUTE);
    const view = await h.final(task.id);

    expect(view.status).toBe('rejected');
    expect(h.events('approval.timed_out', task.id)).toMatchObject([{ approvalId: approval.id, fallback: 'reject' }]);
    expect(h.events('approval.rejected', task.id)).toMatchObject([{ approvalId: approval.id, by: 'policy', policy: expect.stringContaining('reject fallback') as unknown }]);
    expect(h.events('task.rejected', task.id)).toMatchObject([{ by: 'policy', reasons: ['the approval timed out'] }]);
    expect(h.callsOf('coordinator').map((c) => c.input['decision'])).toEqual(['final_approval']);
  });

  it('fallback escalate: a second, escalated request goes to a person; its own timeout rejects', async () => {
    const { h, task, approval } = await awaitingApproval('escalate');

    await h.advance(TIMEOUT_MIN * MINUTE);
    const escalated = await h.pendingApproval(task.id);

    expect(escalated.id).not.toBe(approval.id);
    expect(escalated).toMatchObject({ fallback: 'reject', reasons: ['manual mode: every action waits for a person', 'escalated: the first request timed out'] });
    expect(escalated.deadline).toBe(new Date(h.clock.now() + TIMEOUT_MIN * MINUTE).toISOString());
    expect(h.events('approval.requested', task.id).map((e) => e.fallback)).toEqual(['escalate', 'reject']);
    expect(h.events('escalation.raised', task.id)).toMatchObject([{ to: 'person', domain: 'content' }]);

    await h.advance(TIMEOUT_MIN * MINUTE);
    const view = await h.final(task.id);

    expect(view.status).toBe('rejected');
    expect(h.events('approval.timed_out', task.id).map((e) => [e.approvalId, e.fallback])).toEqual([
      [approval.id, 'escalate'],
      [escalated.id, 'reject'],
    ]);
    expect(h.events('task.rejected', task.id)).toMatchObject([{ by: 'policy' }]);
  });

  it('fallback escalate: a person can still grant the escalated request', async () => {
    const { h, task } = await awaitingApproval('escalate');
    await h.advance(TIMEOUT_MIN * MINUTE);
    const escalated = await h.pendingApproval(task.id);

    await h.sup.approve(escalated.id, {});
    const view = await h.final(task.id);

    expect(view.status).toBe('completed');
    expect(h.events('approval.granted', task.id)).toMatchObject([{ approvalId: escalated.id, by: 'person' }]);
  });
});
