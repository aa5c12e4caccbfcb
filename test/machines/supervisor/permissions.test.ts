// Claude Code permission prompts as approvals (issue 13, part 4), against the real supervisor on
// the simulated clock: decided by a person through the same approve/reject, at the deadline by the
// fallback, offered as a rule after repeated identical grants (and added only when asked).
import { describe, expect, it } from 'vitest';
import { parsePermissionRequest } from '../../../hooks/permission-request.js';
import type { PermissionAsk } from '../../../hooks/permission-request.js';
import { describe as describeEvent } from '../../../machines/supervisor/notifier.js';
import type { PermissionApprovalView } from '../../../server/contract.js';
import { scenarios } from './harness.js';

const start = scenarios();

function ask(command: string, suggestions: unknown[] = []): PermissionAsk {
  const parsed = parsePermissionRequest({
    session_id: 'sess-1',
    cwd: '/home/dev/proj',
    hook_event_name: 'PermissionRequest',
    tool_name: 'Bash',
    tool_input: { command, description: 'run it' },
    permission_suggestions: suggestions,
  });
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.ask;
}

describe('permission approvals', () => {
  it('a person approves: Claude Code hears allow, the approval is listed with kind "permission"', async () => {
    const h = await start({ config: { permissions: { timeoutSeconds: 60 } } });
    const opened = await h.sup.requestPermission(ask('npm publish'));
    expect(opened.approval).toMatchObject({ kind: 'permission', action: 'Bash', status: 'pending', fallback: 'deny', permission: { tool: 'Bash', summary: 'npm publish', sessionId: 'sess-1' } });
    expect(h.sup.listApprovals({ status: 'pending' }).map((a) => a.id)).toEqual([opened.approval.id]);
    expect(h.sup.status().approvals.map((a) => a.id)).toEqual([opened.approval.id]);
    const requested = h.events('permission.requested')[0];
    expect(requested).toMatchObject({ approvalId: opened.approval.id, tool: 'Bash', summary: 'npm publish', fallback: 'deny' });
    if (requested === undefined) throw new Error('no request event');
    expect(describeEvent(requested)).toContain(`agentry approve ${opened.approval.id}`);

    const decided = await h.sup.approve(opened.approval.id, { note: 'release day' });
    expect(decided).toMatchObject({ status: 'granted', decidedBy: 'person', note: 'release day' });
    await expect(opened.verdict).resolves.toEqual({ behavior: 'allow', message: '' });
    expect(h.events('permission.granted')).toHaveLength(1);
    await expect(h.sup.approve(opened.approval.id, {})).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('an edited output is refused on a permission prompt, whichever client sends it, and the prompt stays pending', async () => {
    const h = await start({ config: { permissions: { timeoutSeconds: 60 } } });
    const opened = await h.sup.requestPermission(ask('npm publish'));
    await expect(h.sup.approve(opened.approval.id, { output: { title: 'x' } })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('no output to edit') });
    expect(h.sup.listApprovals({ status: 'pending' }).map((a) => a.id)).toEqual([opened.approval.id]);
    expect(h.events('permission.granted')).toHaveLength(0);
  });

  it('a rejection reaches the model as a deny that says what to do instead', async () => {
    const h = await start();
    const opened = await h.sup.requestPermission(ask('rm -rf build'));
    await h.sup.reject(opened.approval.id, { note: 'not during the freeze' });
    const verdict = await opened.verdict;
    expect(verdict.behavior).toBe('deny');
    expect(verdict.message).toContain('not during the freeze');
    expect(verdict.message).toContain('Do not retry it');
  });

  it('unanswered at its deadline: denied by default', async () => {
    const h = await start({ config: { permissions: { timeoutSeconds: 30 } } });
    const opened = await h.sup.requestPermission(ask('git push'));
    let settled = false;
    void opened.verdict.then(() => (settled = true));
    await h.advance(29_999);
    expect(settled).toBe(false);
    await h.advance(1);
    const verdict = await opened.verdict;
    expect(verdict.behavior).toBe('deny');
    expect(verdict.message).toContain('within 30 s');
    expect(h.sup.listApprovals({ status: 'timed_out' })[0]).toMatchObject({ id: opened.approval.id, decidedBy: 'policy' });
    expect(h.events('permission.timed_out')).toMatchObject([{ approvalId: opened.approval.id, fallback: 'deny' }]);
    await expect(h.sup.approve(opened.approval.id, {})).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('with fallback "ask" the deadline hands the decision back to Claude Code', async () => {
    const h = await start({ config: { permissions: { timeoutSeconds: 5, fallback: 'ask' } } });
    const opened = await h.sup.requestPermission(ask('git push'));
    await h.advance(5000);
    await expect(opened.verdict).resolves.toMatchObject({ behavior: 'ask' });
  });

  it('after repeated identical grants the rule is offered, and added only with --always', async () => {
    const h = await start({ config: { permissions: { offerRuleAfter: 2 } } });
    const suggestion = { type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: 'npm test:*' }], behavior: 'allow', destination: 'localSettings' };
    const grant = async (always = false): Promise<{ view: PermissionApprovalView; verdict: unknown }> => {
      const opened = await h.sup.requestPermission(ask('npm test', [suggestion]));
      const view = opened.approval;
      await h.sup.approve(view.id, always ? { always: true } : {});
      return { view, verdict: await opened.verdict };
    };
    const first = await grant();
    expect(first.view.permission.offer).toBeUndefined();
    await expect(h.sup.approve('nope', { always: true })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const second = await grant();
    expect(second.verdict).toEqual({ behavior: 'allow', message: '' }); // never applied silently
    // A different command is not the same request.
    const other = await h.sup.requestPermission(ask('npm run lint', [suggestion]));
    expect(other.approval.permission.offer).toBeUndefined();
    await expect(h.sup.approve(other.approval.id, { always: true })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await h.sup.reject(other.approval.id, { note: 'no' });

    const third = await h.sup.requestPermission(ask('npm test', [suggestion]));
    expect(third.approval.permission.offer).toEqual({ rule: 'allow Bash(npm test:*) (localSettings)', updates: [suggestion] });
    expect(third.approval.reasons[1]).toContain('granted 2 times before');
    expect(h.events('permission.requested').at(-1)).toMatchObject({ rule: 'allow Bash(npm test:*) (localSettings)' });
    const decided = await h.sup.approve(third.approval.id, { always: true });
    expect(decided).toMatchObject({ permission: { added: 'allow Bash(npm test:*) (localSettings)' } });
    await expect(third.verdict).resolves.toEqual({ behavior: 'allow', message: '', updatedPermissions: [suggestion] });
  });

  it('without a suggestion from Claude Code the offer is this exact command', async () => {
    const h = await start({ config: { permissions: { offerRuleAfter: 1 } } });
    const first = await h.sup.requestPermission(ask('make deploy'));
    await h.sup.approve(first.approval.id, {});
    const again = await h.sup.requestPermission(ask('make deploy'));
    expect(again.approval.permission.offer?.updates).toEqual([{ type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: 'make deploy' }], behavior: 'allow', destination: 'localSettings' }]);
  });

  it('Claude Code hanging up cancels the request; stopping the supervisor denies the rest', async () => {
    const h = await start();
    const gone = await h.sup.requestPermission(ask('ls /root'));
    h.sup.cancelPermission(gone.approval.id, 'Claude Code stopped waiting');
    expect(h.sup.listApprovals({ status: 'cancelled' }).map((a) => a.id)).toEqual([gone.approval.id]);
    await expect(h.sup.approve(gone.approval.id, {})).rejects.toMatchObject({ code: 'CONFLICT' });
    const waiting = await h.sup.requestPermission(ask('ls /etc'));
    h.sup.endPermissions('the supervisor stopped');
    const verdict = await waiting.verdict;
    expect(verdict.behavior).toBe('deny');
    expect(verdict.message).toContain('the supervisor stopped');
    await expect(h.sup.requestPermission(ask('ls'))).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('task approvals and permission approvals share one list, told apart by kind', async () => {
    const h = await start({ config: { mode: 'manual' } });
    const task = await h.sup.createTask({ workflow: 'content', input: { goal: 'g', channel: 'tweet', audience: 'a', tone: 't', constraints: [], brandNotes: '', canonNotes: '', contentType: 'tweet' } });
    await h.pendingApproval(task.id);
    await h.sup.requestPermission(ask('npm publish'));
    expect(h.sup.listApprovals({ status: 'pending' }).map((a) => a.kind).sort()).toEqual(['action', 'permission']);
  });
});
