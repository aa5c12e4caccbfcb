// The spool line format (hooks/spool.ts): stable ids, payloads reduced to what is recorded, and
// torn or foreign lines refused.
import { readFileSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { appendSpool, parseSpoolLine, spoolEntry, spoolPayload } from '../../hooks/spool.js';
import { GHP, type TempProject, tempProject } from './client-rig.js';

const NOW = Date.parse('2026-03-02T09:00:00Z');

let p: TempProject | undefined;
afterEach(() => p?.remove());

describe('spool entries', () => {
  it('have an id fixed by event, time and raw stdin', () => {
    const raw = Buffer.from('{"a":1}');
    const a = spoolEntry('Stop', raw, {}, NOW);
    expect(a.id).toMatch(/^hook:[0-9a-f]{32}$/);
    expect(spoolEntry('Stop', raw, {}, NOW).id).toBe(a.id);
    expect(spoolEntry('Stop', raw, {}, NOW + 1).id).not.toBe(a.id);
    expect(spoolEntry('Notification', raw, {}, NOW).id).not.toBe(a.id);
    expect(spoolEntry('Stop', Buffer.from('{"a":2}'), {}, NOW).id).not.toBe(a.id);
  });

  it('round-trip through a line', () => {
    const entry = spoolEntry('PreToolUse', Buffer.from('x'), { session_id: 'S', tool_name: 'Bash' }, NOW, 'deny');
    expect(parseSpoolLine(JSON.stringify(entry))).toEqual(entry);
  });

  it.each([
    ['a torn line', '{"v":1,"id":"hook:ab","event":"Stop","at":"2026-03-02T09:00:00.000Z","payl'],
    ['another version', '{"v":2,"id":"hook:ab","event":"Stop","at":"2026-03-02T09:00:00.000Z","payload":{}}'],
    ['a bad time', '{"v":1,"id":"hook:ab","event":"Stop","at":"yesterday","payload":{}}'],
    ['no payload', '{"v":1,"id":"hook:ab","event":"Stop","at":"2026-03-02T09:00:00.000Z"}'],
    ['not an object', '[1]'],
  ])('refuse %s', (_name, line) => {
    expect(parseSpoolLine(line)).toBeUndefined();
  });
});

describe('spooled payloads', () => {
  it('keep what the supervisor records and leave tool inputs, outputs and free text out', () => {
    const reduced = spoolPayload({
      session_id: 'S',
      cwd: '/p',
      hook_event_name: 'PostToolUseFailure',
      tool_name: 'Write',
      tool_input: { file_path: '/p/a.ts', content: `t = '${GHP}'` },
      tool_response: { success: true },
      prompt: `use ${GHP}`,
      last_assistant_message: GHP,
      error: `Exit code 1\nsecret ${GHP}`,
      duration_ms: 12,
      is_interrupt: false,
      background_tasks: [{ id: 1 }],
    });
    // The last message's length stays (the subagent record keeps it), never its text.
    expect(reduced).toEqual({ session_id: 'S', cwd: '/p', hook_event_name: 'PostToolUseFailure', tool_name: 'Write', error: 'Exit code 1', duration_ms: 12, is_interrupt: false, last_assistant_message_chars: GHP.length });
    expect(JSON.stringify(reduced)).not.toContain(GHP);
  });

  it('keep the subagent type and run figures of the Agent tool', () => {
    const reduced = spoolPayload({
      hook_event_name: 'PostToolUse',
      tool_name: 'Agent',
      tool_input: { prompt: 'secret plan', subagent_type: 'security-reviewer' },
      tool_response: { status: 'completed', agentId: 'a1', content: [{ type: 'text', text: 'x' }], totalDurationMs: 30500, totalTokens: 5120 },
    });
    expect(reduced).toEqual({
      hook_event_name: 'PostToolUse',
      tool_name: 'Agent',
      tool_input: { subagent_type: 'security-reviewer' },
      tool_response: { status: 'completed', agentId: 'a1', totalDurationMs: 30500, totalTokens: 5120 },
    });
  });

  it('cannot be steered into the prototype', () => {
    const reduced = spoolPayload(JSON.parse('{"__proto__":"x","constructor":"y","session_id":"S"}') as Record<string, unknown>);
    expect(Object.getPrototypeOf(reduced)).toBeNull();
    expect(JSON.stringify(reduced)).toBe('{"__proto__":"x","constructor":"y","session_id":"S"}');
  });
});

describe('appendSpool', () => {
  it('creates the folder 0700 and the file 0600, one newline-terminated line per call', () => {
    p = tempProject();
    appendSpool(p.spoolFile, spoolEntry('Stop', Buffer.from('1'), { session_id: 'S' }, NOW));
    appendSpool(p.spoolFile, spoolEntry('Stop', Buffer.from('2'), { session_id: 'S' }, NOW));
    const text = readFileSync(p.spoolFile, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n').filter((l) => l !== '').map((l) => parseSpoolLine(l)?.event)).toEqual(['Stop', 'Stop']);
    expect(statSync(p.spoolFile).mode & 0o777).toBe(0o600);
    expect(statSync(p.state).mode & 0o777).toBe(0o700);
  });
});
