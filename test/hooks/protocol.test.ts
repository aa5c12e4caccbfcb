import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluatePreToolUse, answerPreToolUse } from '../../hooks/policy/pre-tool-use.js';
import {
  CONTEXT_EVENTS,
  HOOK_EVENTS,
  MAX_INPUT_BYTES,
  type HookAnswer,
  type HookEvent,
  type HookInput,
  allow,
  answerInvalidInput,
  ask,
  capText,
  context,
  continueStop,
  deny,
  isHookEvent,
  parseHookInput,
  silent,
} from '../../hooks/protocol.js';
import { expectWellFormed } from './well-formed.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/hooks');
const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, raw: readFileSync(join(FIXTURES, file), 'utf8') }));

function eventOf(file: string): HookEvent {
  const name = file.split('.')[0];
  if (!isHookEvent(name)) throw new Error(`fixture ${file} is not named after an event`);
  return name;
}

function parsed(raw: string, event: HookEvent): HookInput {
  const result = parseHookInput(raw, event);
  if (!result.ok) throw new Error(result.reason);
  return result.input;
}

/** Every answer agentry may give for this payload. */
function answersFor(input: HookInput): HookAnswer[] {
  const event = input.hook_event_name;
  const answers: HookAnswer[] = [silent(), answerInvalidInput(event, 'test')];
  if ((CONTEXT_EVENTS as readonly string[]).includes(event)) answers.push(context(event as (typeof CONTEXT_EVENTS)[number], 'mode: semi'));
  if (event === 'PreToolUse') {
    answers.push(allow('ok'), deny('no'), ask('maybe'));
    for (const mode of ['manual', 'semi', 'full'] as const) answers.push(answerPreToolUse(evaluatePreToolUse(input, { mode })));
  }
  if (event === 'Stop' || event === 'SubagentStop') answers.push(continueStop(event, input.stop_hook_active, 'add tests'));
  return answers;
}

describe('hook payload corpus', () => {
  it('covers every handled event', () => {
    expect(new Set(fixtures.map((f) => eventOf(f.file)))).toEqual(new Set(HOOK_EVENTS));
  });

  it.each(fixtures)('$file parses and every answer is well formed, never exit 2', ({ file, raw }) => {
    const event = eventOf(file);
    const input = parsed(raw, event);
    expect(input.hook_event_name).toBe(event);
    expect(input.session_id).toBe('S');
    expect(input.raw['hook_event_name']).toBe(event);
    for (const answer of answersFor(input)) {
      expectWellFormed(answer, event);
      expect(answer.exitCode).toBe(0);
    }
  });

  it.each(fixtures)('$file is refused for any other event', ({ file, raw }) => {
    const other = HOOK_EVENTS.find((e) => e !== eventOf(file)) ?? 'Stop';
    expect(parseHookInput(raw, other)).toEqual({ ok: false, reason: `hook_event_name is ${eventOf(file)}, expected ${other}` });
  });

  it('reads the typed fields of a subagent tool call', () => {
    const fixture = fixtures.find((f) => f.file === 'PreToolUse.subagent-edit.json');
    const input = parsed(fixture?.raw ?? '', 'PreToolUse');
    expect(input).toMatchObject({
      cwd: '/home/dev/proj',
      tool_name: 'Edit',
      tool_use_id: 'toolu_01ABE',
      agent_id: 'a4d2c8f1e0b3a297',
      agent_type: 'security-reviewer',
      permission_mode: 'default',
    });
    expect(input.tool_input?.['new_string']).toBe('PORT=2');
  });
});

describe('parseHookInput refusals', () => {
  it.each([
    ['not JSON', '{"hook_event_name":', 'stdin is not valid JSON'],
    ['empty', '', 'stdin is not valid JSON'],
    ['an array', '[]', 'stdin is not a JSON object'],
    ['null', 'null', 'stdin is not a JSON object'],
    ['a string', '"PreToolUse"', 'stdin is not a JSON object'],
    ['no event', '{"session_id":"S"}', 'hook_event_name is missing'],
    ['an unhandled event', '{"hook_event_name":"PreCompact"}', 'hook_event_name "PreCompact" is not an event agentry handles'],
    ['a non-string event', '{"hook_event_name":7}', 'hook_event_name of type number is not an event agentry handles'],
    ['an inherited event', '{"__proto__":{"hook_event_name":"Stop"}}', 'hook_event_name is missing'],
  ])('refuses %s', (_name, raw, reason) => {
    expect(parseHookInput(raw, 'Stop')).toEqual({ ok: false, reason });
  });

  it('refuses payloads over 5 MB before parsing them', () => {
    const pad = 'x'.repeat(MAX_INPUT_BYTES);
    const raw = `{"hook_event_name":"Stop","pad":"${pad}"}`;
    expect(parseHookInput(raw, 'Stop')).toEqual({ ok: false, reason: `stdin is larger than ${MAX_INPUT_BYTES} bytes` });
    // multi-byte characters count as bytes, not UTF-16 units
    const wide = `{"hook_event_name":"Stop","pad":"${'é'.repeat(MAX_INPUT_BYTES / 2)}"}`;
    expect(parseHookInput(wide, 'Stop').ok).toBe(false);
  });

  it('ignores wrongly typed optional fields instead of failing', () => {
    const input = parsed('{"hook_event_name":"Stop","session_id":5,"cwd":null,"stop_hook_active":"yes","tool_input":[1]}', 'Stop');
    expect(input).toEqual({ hook_event_name: 'Stop', session_id: '', cwd: '', raw: expect.any(Object) as object });
  });
});

describe('answers', () => {
  it('builds PreToolUse decisions as hookSpecificOutput', () => {
    expect(JSON.parse(deny('rm -rf blocked').stdout)).toEqual({
      hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'rm -rf blocked' },
    });
    expect(deny('x').exitCode).toBe(0);
    expect(silent()).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });

  it('caps additionalContext at 10,000 characters without splitting a surrogate pair', () => {
    const long = `${'a'.repeat(9_998)}😀😀`;
    const text = (JSON.parse(context('SessionStart', long).stdout) as { hookSpecificOutput: { additionalContext: string } })
      .hookSpecificOutput.additionalContext;
    expect(text.length).toBeLessThanOrEqual(10_000);
    expect(text.endsWith('…')).toBe(true);
    expect(text).not.toMatch(/[\uD800-\uDBFF]…$/);
    expect(capText('short')).toBe('short');
  });

  it('never blocks a stop that a stop hook already continued', () => {
    expect(continueStop('Stop', true, 'again')).toEqual(silent());
    expect(continueStop('SubagentStop', undefined, 'again')).toEqual(silent());
    expect(JSON.parse(continueStop('SubagentStop', false, 'cite lines').stdout)).toEqual({
      decision: 'block',
      reason: 'cite lines',
      hookSpecificOutput: { hookEventName: 'SubagentStop' },
    });
  });

  it('fails open on unreadable input, except PreToolUse which asks a person', () => {
    const stop = answerInvalidInput('Stop', 'stdin is not valid JSON');
    expect(stop).toEqual({ exitCode: 0, stdout: '', stderr: 'agentry hook Stop: ignored invalid input (stdin is not valid JSON)' });
    const pre = answerInvalidInput('PreToolUse', 'stdin is not valid JSON');
    expect(pre.exitCode).toBe(0);
    expect(JSON.parse(pre.stdout)).toMatchObject({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'ask' } });
    expect(pre.stderr).toMatch(/^agentry hook PreToolUse: ignored invalid input/);
  });

  it('keeps stderr to one line', () => {
    expect(answerInvalidInput('Stop', 'a\nb\r\nc').stderr).toBe('agentry hook Stop: ignored invalid input (a b c)');
  });
});
