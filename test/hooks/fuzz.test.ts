// reliability.md §9 test 24: random and hostile hook input never crashes the hook code and never
// pollutes Object.prototype.

import * as fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HookInput } from '../../hooks/protocol.js';
import { UserError } from '../../core/errors.js';
import { planInstall, planUninstall } from '../../hooks/install.js';
import { checkWritePath } from '../../hooks/policy/paths.js';
import { answerPreToolUse, evaluatePreToolUse } from '../../hooks/policy/pre-tool-use.js';
import { scanText } from '../../hooks/policy/secrets.js';
import { analyseCommand } from '../../hooks/policy/shell/analyse.js';
import { loadBashParser } from '../../hooks/policy/shell/parser.js';
import { HOOK_EVENTS, answerInvalidInput, parseHookInput } from '../../hooks/protocol.js';
import { expectWellFormed } from './well-formed.js';

beforeAll(async () => {
  await loadBashParser();
});

function polluted(): unknown {
  const probe: Record<string, unknown> = {};
  return probe['polluted'];
}

function mustParse(raw: string): HookInput {
  const result = parseHookInput(raw, 'PreToolUse');
  if (!result.ok) throw new Error(result.reason);
  return result.input;
}

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'polluted', 'toString', 'hasOwnProperty'];
const hostileKey = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 8 }));
const hostileJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1e308, ''),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 5 }),
  ),
})).value;

const TOOLS = ['Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'Bash', 'PowerShell', 'Read', 'Agent', '__proto__'];
const preToolUsePayload = fc.record(
  {
    hook_event_name: fc.constant('PreToolUse'),
    session_id: fc.oneof(fc.string(), hostileJson),
    cwd: fc.oneof(fc.constantFrom('/home/dev/proj', '', 'C:\\proj', '/'), hostileJson),
    tool_name: fc.oneof(fc.constantFrom(...TOOLS), hostileJson),
    tool_input: fc.oneof(
      fc.record(
        {
          file_path: fc.oneof(fc.constantFrom('/home/dev/proj/.env', '../../x', '/home/dev/proj/ü/ñ.ts', '\u0000'), fc.string()),
          notebook_path: fc.string(),
          content: fc.oneof(fc.string({ maxLength: 300 }), hostileJson),
          new_string: fc.string({ maxLength: 300 }),
          new_source: fc.string({ maxLength: 300 }),
          command: fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom('echo x > .env', "cat <<'E' >> ~/.ssh/k", '"', "'", '\\', '>>>')),
          edits: fc.oneof(fc.array(fc.record({ new_string: fc.string() }, { requiredKeys: [] })), hostileJson),
        },
        { requiredKeys: [] },
      ),
      hostileJson,
    ),
    ['__proto__']: hostileJson,
    constructor: hostileJson,
  },
  { requiredKeys: ['hook_event_name'] },
);

afterEach(() => {
  if (polluted() !== undefined) throw new Error('Object.prototype was polluted');
});

describe('hook input fuzzing', () => {
  it('parseHookInput never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json()), fc.constantFrom(...HOOK_EVENTS), (raw, event) => {
        const result = parseHookInput(raw, event);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expectWellFormed(answerInvalidInput(event, result.reason), event);
      }),
      { numRuns: 2_000 },
    );
  });

  it('evaluatePreToolUse never throws and always answers well-formed', () => {
    fc.assert(
      fc.property(preToolUsePayload, fc.constantFrom('manual', 'semi', 'full' as const), (payload, mode) => {
        const result = parseHookInput(JSON.stringify(payload), 'PreToolUse');
        if (!result.ok) return;
        const decision = evaluatePreToolUse(result.input, { mode });
        expect(['allow', 'deny', 'ask', 'none']).toContain(decision.decision);
        const answer = answerPreToolUse(decision);
        expectWellFormed(answer, 'PreToolUse');
        expect(answer.exitCode).toBe(0);
      }),
      { numRuns: 2_000 },
    );
  });

  it('survives prototype-pollution payloads at every level', () => {
    const payloads = [
      '{"__proto__":{"polluted":1},"hook_event_name":"PreToolUse","tool_name":"Write","tool_input":{"__proto__":{"polluted":1},"file_path":"/p/a","content":"x"}}',
      '{"hook_event_name":"PreToolUse","constructor":{"prototype":{"polluted":1}},"tool_name":"Bash","tool_input":{"constructor":{"prototype":{"polluted":1}},"command":"ls"}}',
      '{"hook_event_name":"PreToolUse","tool_name":"MultiEdit","tool_input":{"file_path":"/p/a","edits":[{"__proto__":{"new_string":"x","polluted":1}}]}}',
      '{"hook_event_name":"PreToolUse","tool_name":"Write","tool_input":{"__proto__":{"file_path":"/p/.env","content":"x"}}}',
    ];
    for (const raw of payloads) {
      const decision = evaluatePreToolUse(mustParse(raw), { mode: 'semi' });
      // An edit whose new_string is only inherited is not text: refused, never scanned from the prototype.
      expect(decision.decision === 'none' || decision.rule === 'malformed-input' || decision.rule === 'invalid-input').toBe(true);
    }
    const raw = '{"__proto__":{"polluted":1},"hooks":{"__proto__":[{"hooks":[{"polluted":1}]},{"hooks":[{"type":"http","url":"http://x/v1/hooks/Stop"}]}],"constructor":{"prototype":{"polluted":1}}}}';
    const installed = planInstall(JSON.parse(raw) as unknown, { transport: 'command', commandPath: '/a/agentry-hook.sh' });
    expect(Object.getPrototypeOf(installed)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(installed['hooks'])).toBe(Object.prototype);
    expect(Object.hasOwn(installed, '__proto__')).toBe(true);
    const userGroups = JSON.parse('[{"hooks":[{"polluted":1}]}]') as unknown;
    expect(planUninstall(installed)).toEqual(JSON.parse(raw.replace(',{"hooks":[{"type":"http","url":"http://x/v1/hooks/Stop"}]}', '')));
    expect(Object.getOwnPropertyDescriptor(planUninstall(installed)['hooks'], '__proto__')?.value).toEqual(userGroups);
    expect(polluted()).toBeUndefined();
  });

  it('handles 10k-deep nesting, oversized input and unicode paths', () => {
    const deep = `{"hook_event_name":"PreToolUse","tool_name":"Write","tool_input":{"file_path":"/p/ü/日本/a.ts","content":"x","extra":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;
    expect(evaluatePreToolUse(mustParse(deep), { mode: 'full' }).decision).toBe('none');
    expect(parseHookInput(`{"hook_event_name":"Stop","x":"${'a'.repeat(6 * 1024 * 1024)}"}`, 'Stop').ok).toBe(false);
  });

  it('the policy helpers never throw on arbitrary strings', async () => {
    const parser = await loadBashParser();
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.string({ maxLength: 40 }), (text, cwd) => {
        expect(Array.isArray(scanText(text))).toBe(true);
        expect(Array.isArray(analyseCommand(parser, text, { cwd, home: '/home/dev' }).writes)).toBe(true);
        expect(['deny', 'ask', 'none']).toContain(checkWritePath(text, cwd).decision);
      }),
      { numRuns: 3_000 },
    );
  });

  it('planInstall on arbitrary JSON either refuses with a UserError or is idempotent and reversible', () => {
    const options = { transport: 'command', commandPath: '/opt/agentry-hook.sh' } as const;
    const check = (): void => fc.assert(
      fc.property(fc.oneof(hostileJson, fc.record({ hooks: fc.dictionary(fc.constantFrom(...HOOK_EVENTS, 'PreCompact', '__proto__'), hostileJson) })), (settings) => {
        let once: Record<string, unknown>;
        try {
          once = planInstall(settings, options);
        } catch (err) {
          return err instanceof UserError;
        }
        return isDeepStrictEqual(planInstall(once, options), once) && isDeepStrictEqual(planInstall(planUninstall(once), options), once);
      }),
      { numRuns: 1_000 },
    );
    expect(check).not.toThrow();
  });
});
