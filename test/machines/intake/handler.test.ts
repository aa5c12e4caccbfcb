// machines/intake/handler.ts on a real supervisor: the policy with the live mode, factual context from the
// status, subagent runs into the learning store, and a `hook.received` event for every call.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SubagentLearning, ToolFailure } from '../../../machines/intake/handler.js';
import { HOOK_EVENTS, type HookEvent, isHookEvent } from '../../../hooks/protocol.js';
import { spoolPayload } from '../../../hooks/spool.js';
import { GHP } from '../../hooks/client-rig.js';
import { BRIEF, type Rig, startRig, until } from './handler-rig.js';
import { expectWellFormed } from '../../hooks/well-formed.js';

const CWD = '/home/dev/proj';
const FIXTURES = join(import.meta.dirname, '../../fixtures/hooks');
const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, event: file.split('.')[0] ?? '', payload: JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as unknown }));

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.remove();
  rig = undefined;
});

function payload(event: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { session_id: 'S', transcript_path: 'T', cwd: CWD, hook_event_name: event, ...fields };
}

const plainWrite = payload('PreToolUse', { tool_name: 'Write', tool_input: { file_path: `${CWD}/src/a.ts`, content: 'export const a = 1;\n' } });
const secretWrite = payload('PreToolUse', { tool_name: 'Write', tool_input: { file_path: `${CWD}/src/a.ts`, content: `x\nconst t = '${GHP}';\n` } });

function decision(stdout: string): string | undefined {
  if (stdout === '') return undefined;
  const body = JSON.parse(stdout) as { hookSpecificOutput?: { permissionDecision?: string } };
  return body.hookSpecificOutput?.permissionDecision;
}

function contextOf(stdout: string): string {
  return (JSON.parse(stdout) as { hookSpecificOutput: { additionalContext: string } }).hookSpecificOutput.additionalContext;
}

class FakeLearning implements SubagentLearning {
  readonly runs: [string, string, boolean][] = [];
  readonly ends: [string, boolean][] = [];
  recordSubagentRun(sessionId: string, agentType: string, ok: boolean): void {
    this.runs.push([sessionId, agentType, ok]);
  }
  endSession(sessionId: string, endedWell: boolean): void {
    this.ends.push([sessionId, endedWell]);
  }
}

describe('PreToolUse on the supervisor', () => {
  it.each([
    ['manual', plainWrite, 'ask'],
    ['semi', plainWrite, undefined],
    ['full', plainWrite, undefined],
    ['full', secretWrite, 'deny'],
    ['manual', secretWrite, 'deny'],
  ] as const)('in %s mode answers %#', async (mode, body, expected) => {
    rig = await startRig(mode);
    const result = await rig.sup.hook('PreToolUse', body);
    expectWellFormed(result, 'PreToolUse');
    expect(decision(result.stdout)).toBe(expected);
    expect(rig.received()).toEqual([expect.objectContaining({ hookEvent: 'PreToolUse', sessionId: 'S', toolName: 'Write', decision: expected ?? 'none' })]);
  });

  it('follows a mode change at once', async () => {
    rig = await startRig('full');
    expect(decision((await rig.sup.hook('PreToolUse', plainWrite)).stdout)).toBeUndefined();
    rig.sup.applyConfig({ ...rig.sup.config, mode: 'manual' }, ['mode']);
    expect(decision((await rig.sup.hook('PreToolUse', plainWrite)).stdout)).toBe('ask');
  });

  it('answers an invalid payload with the protocol answer and records nothing', async () => {
    rig = await startRig('semi');
    const result = await rig.sup.hook('PreToolUse', [1, 2]);
    expectWellFormed(result, 'PreToolUse');
    expect(decision(result.stdout)).toBe('ask');
    expect(result.stderr).toContain('stdin is not a JSON object');
    expect(await rig.sup.hook('Stop', payload('SessionEnd'))).toMatchObject({ exitCode: 0, stdout: '' });
    expect(await rig.sup.hook('PreCompact', payload('PreCompact'))).toMatchObject({ exitCode: 0, stdout: '' });
    expect(rig.received()).toEqual([]);
  });

  it('records a spooled call with the decision the local policy enforced, and answers nothing', async () => {
    rig = await startRig('semi');
    const at = Date.parse('2026-03-01T08:00:00Z');
    const result = await rig.handler('PreToolUse', payload('PreToolUse', { tool_name: 'Write' }), rig.sup, { spooled: true, id: 'hook:1', at, decision: 'deny' });
    expect(result).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(rig.received()).toEqual([{ type: 'hook.received', at: new Date(at).toISOString(), hookEvent: 'PreToolUse', sessionId: 'S', toolName: 'Write', decision: 'deny', spooled: true }]);
  });
});

describe('session context', () => {
  it('states mode, budget and no pending approvals', async () => {
    rig = await startRig('semi');
    const result = await rig.sup.hook('SessionStart', payload('SessionStart', { source: 'startup' }));
    expectWellFormed(result, 'SessionStart');
    const text = contextOf(result.stdout);
    expect(text.split('\n')[0]).toBe('agentry: mode semi; no approvals pending.');
    expect(text).toMatch(/^Spend today: \$0\.00 of the \$\d+\.\d\d daily limit \(0%\)\.$/m);
    expect(text.split('\n').length).toBeLessThanOrEqual(3);
  });

  it('names the oldest pending approval on each prompt', async () => {
    rig = await startRig('manual');
    const task = await rig.sup.createTask({ workflow: 'content', input: BRIEF }, 'cli');
    await until(() => rig?.sup.listApprovals({ status: 'pending' }).length === 1);
    const approval = rig.sup.listApprovals({ status: 'pending' })[0];

    const result = await rig.sup.hook('UserPromptSubmit', payload('UserPromptSubmit', { prompt: 'go on' }));

    expectWellFormed(result, 'UserPromptSubmit');
    expect(contextOf(result.stdout).split('\n')[0]).toBe(`agentry: mode manual; 1 approval pending; the oldest, ${approval?.id ?? '?'} (task ${task.id}), has waited 0 min.`);
    expect(contextOf(result.stdout)).not.toMatch(/\b(you must|please|do not|always|never)\b/i);
  });
});

describe('subagent runs', () => {
  it('records each run once, from SubagentStop or the Agent tool result, and suggests the next subagent', async () => {
    const learning = new FakeLearning();
    const asked: string[] = [];
    rig = await startRig('semi', { learning, nextSubagent: (t) => (asked.push(t), { agentType: 'test-writer', count: 4 }) });
    const sup = rig.sup;

    await sup.hook('SubagentStart', payload('SubagentStart', { agent_id: 'a1', agent_type: 'security-reviewer' }));
    const stop = await sup.hook('SubagentStop', payload('SubagentStop', { agent_id: 'a1', agent_type: 'security-reviewer', stop_hook_active: false }));
    const after = await sup.hook('PostToolUse', payload('PostToolUse', { tool_name: 'Agent', tool_input: { subagent_type: 'security-reviewer' }, tool_response: { status: 'completed', agentId: 'a1' } }));
    const background = await sup.hook('PostToolUse', payload('PostToolUse', { tool_name: 'Agent', tool_input: { subagent_type: 'Explore' }, tool_response: { status: 'async_launched', agentId: 'a2' } }));
    const failed = await sup.hook('PostToolUseFailure', payload('PostToolUseFailure', { tool_name: 'Agent', tool_input: { subagent_type: 'Plan' }, error: 'boom' }));
    await sup.hook('SessionEnd', payload('SessionEnd', { reason: 'prompt_input_exit' }));

    expect(stop).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expectWellFormed(after, 'PostToolUse');
    expect(contextOf(after.stdout)).toBe('Past sessions that went well usually ran test-writer after security-reviewer (4 runs).');
    expect([background.stdout, failed.stdout]).toEqual(['', '']);
    expect(asked).toEqual(['security-reviewer']);
    expect(learning.runs).toEqual([
      ['S', 'security-reviewer', true],
      ['S', 'Plan', false],
    ]);
    expect(learning.ends).toEqual([['S', false]]);
  });

  it('records a run closed by the Agent tool first, and a session with no failure as ended well', async () => {
    const learning = new FakeLearning();
    rig = await startRig('semi', { learning });
    await rig.sup.hook('PostToolUse', payload('PostToolUse', { tool_name: 'Agent', tool_input: { subagent_type: 'Plan' }, tool_response: { status: 'completed', agentId: 'b1' } }));
    await rig.sup.hook('SubagentStop', payload('SubagentStop', { agent_id: 'b1', agent_type: 'Plan', stop_hook_active: false }));
    await rig.sup.hook('SessionEnd', payload('SessionEnd', { reason: 'clear' }));
    expect(learning.runs).toEqual([['S', 'Plan', true]]);
    expect(learning.ends).toEqual([['S', true]]);
  });

  it('keeps agent id, type, duration, the last message’s length, the resolved model and usage, live or spooled, and the suggestion uses them', async () => {
    const learning = new FakeLearning();
    rig = await startRig('semi', { learning, nextSubagent: () => ({ agentType: 'security-reviewer', count: 3 }) });
    const T0 = Date.parse('2026-03-01T08:00:00Z');
    await rig.sup.hook('SubagentStop', payload('SubagentStop', { agent_id: 'r1', agent_type: 'security-reviewer', stop_hook_active: false, last_assistant_message: 'Found 3 issues.' }));
    const agentResult = {
      tool_name: 'Agent',
      tool_input: { subagent_type: 'security-reviewer' },
      tool_response: { status: 'completed', agentId: 'r1', resolvedModel: 'claude-sonnet-5', totalDurationMs: 95_000, totalTokens: 5400, usage: { input_tokens: 5000, output_tokens: 400 } },
    };
    await rig.sup.hook('PostToolUse', payload('PostToolUse', agentResult));
    // The same figures from the spool (a run the supervisor saw while it was down).
    const spooled = spoolPayload(payload('SubagentStop', { agent_id: 'r2', agent_type: 'security-reviewer', stop_hook_active: false, last_assistant_message: 'No issues.' }));
    await rig.handler('SubagentStop', spooled, rig.sup, { spooled: true, id: 'hook:spooled-r2', at: T0 });
    const next = await rig.sup.hook('PostToolUse', payload('PostToolUse', { ...agentResult, tool_input: { subagent_type: 'Plan' }, tool_response: { status: 'completed', agentId: 'p1' } }));

    const subagents = rig.received().flatMap((e) => (e.subagent === undefined ? [] : [e.subagent]));
    expect(subagents[0]).toEqual({ agentId: 'r1', agentType: 'security-reviewer', ok: true, lastMessageChars: 15 });
    expect(subagents[1]).toEqual({
      agentId: 'r1',
      agentType: 'security-reviewer',
      ok: true,
      lastMessageChars: 15,
      model: 'claude-sonnet-5',
      durationMs: 95_000,
      totalTokens: 5400,
      inputTokens: 5000,
      outputTokens: 400,
    });
    expect(subagents[2]).toEqual({ agentId: 'r2', agentType: 'security-reviewer', ok: true, lastMessageChars: 10 });
    expect(learning.runs.filter((r) => r[1] === 'security-reviewer')).toHaveLength(2); // r1 counted once
    expect(contextOf(next.stdout)).toBe(
      'Past sessions that went well usually ran security-reviewer after Plan (3 runs). Its recent runs (2) took about 2 min and ran on claude-sonnet-5.',
    );
  });

  it('gives no suggestion without evidence, and survives a failing learning store', async () => {
    rig = await startRig('semi', {
      nextSubagent: () => null,
      learning: {
        recordSubagentRun: () => {
          throw new Error('disk full');
        },
        endSession: () => undefined,
      },
    });
    const result = await rig.sup.hook('PostToolUse', payload('PostToolUse', { tool_name: 'Agent', tool_input: { subagent_type: 'Plan' }, tool_response: { status: 'completed', agentId: 'c1' } }));
    expect(result).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect(rig.received()).toHaveLength(1);
  });
});

describe('tool failures', () => {
  it('go to the healer with their first line; user interrupts do not', async () => {
    const failures: ToolFailure[] = [];
    rig = await startRig('semi', { onToolFailure: (f) => failures.push(f) });
    await rig.sup.hook('PostToolUseFailure', payload('PostToolUseFailure', { tool_name: 'Bash', error: 'Exit code 1\nError: x', duration_ms: 40, agent_type: 'Plan' }));
    await rig.sup.hook('PostToolUseFailure', payload('PostToolUseFailure', { tool_name: 'Bash', error: 'Interrupted', is_interrupt: true }));
    expect(failures).toEqual([{ sessionId: 'S', toolName: 'Bash', error: 'Exit code 1', agentType: 'Plan', durationMs: 40 }]);
  });
});

describe('the fixture corpus', () => {
  it('covers every handled event', () => {
    expect(new Set(fixtures.map((f) => f.event))).toEqual(new Set(HOOK_EVENTS));
  });

  it.each(['manual', 'semi', 'full'] as const)('gets a protocol-valid answer for every payload in %s mode, each recorded', async (mode) => {
    rig = await startRig(mode, { nextSubagent: () => ({ agentType: 'Plan', count: 3 }) });
    for (const f of fixtures) {
      if (!isHookEvent(f.event)) throw new Error(`fixture ${f.file} is not named after an event`);
      const result = await rig.sup.hook(f.event, f.payload);
      expectWellFormed(result, f.event satisfies HookEvent);
      expect(result.exitCode).toBe(0);
    }
    expect(rig.received().map((e) => e.hookEvent)).toEqual(fixtures.map((f) => f.event));
  });
});
