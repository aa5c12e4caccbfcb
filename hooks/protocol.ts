// Claude Code hook protocol: stdin JSON in, exit code + stdout + stderr out
// (reference/claude-code-hooks.md §3). Pure: the hook client does the I/O.

import { type HookEvent, isHookEvent } from './events.js';
import { type JsonObject, isObject, own, ownObject, ownString } from './own.js';

export { HOOK_EVENTS, CONTEXT_EVENTS, isHookEvent } from './events.js';
export type { HookEvent } from './events.js';
export type { HookAnswer } from './answers.js';
export { allow, ask, deny, context, silent, continueStop, answerInvalidInput, capText } from './answers.js';

/** Payloads above this are refused unread; Write content that large is not worth scanning in a hook. */
export const MAX_INPUT_BYTES = 5 * 1024 * 1024;

/** The fields agentry reads. Everything else stays in `raw`, untouched and unmerged. */
export interface HookInput {
  readonly hook_event_name: HookEvent;
  readonly session_id: string;
  readonly cwd: string;
  readonly transcript_path?: string;
  readonly permission_mode?: string;
  readonly tool_name?: string;
  readonly tool_input?: JsonObject;
  readonly tool_use_id?: string;
  readonly agent_id?: string;
  readonly agent_type?: string;
  readonly stop_hook_active?: boolean;
  readonly raw: JsonObject;
}

export type ParseResult = { readonly ok: true; readonly input: HookInput } | { readonly ok: false; readonly reason: string };

export function parseHookInput(raw: string, expectedEvent: HookEvent): ParseResult {
  if (typeof raw !== 'string') return fail('stdin is not text');
  if (raw.length > MAX_INPUT_BYTES || Buffer.byteLength(raw, 'utf8') > MAX_INPUT_BYTES) {
    return fail(`stdin is larger than ${MAX_INPUT_BYTES} bytes`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return fail('stdin is not valid JSON');
  }
  if (!isObject(parsed)) return fail('stdin is not a JSON object');
  const event = own(parsed, 'hook_event_name');
  if (event === undefined) return fail('hook_event_name is missing');
  if (!isHookEvent(event)) return fail(`hook_event_name ${describe(event)} is not an event agentry handles`);
  if (event !== expectedEvent) return fail(`hook_event_name is ${event}, expected ${expectedEvent}`);
  return { ok: true, input: toInput(parsed, event) };
}

function toInput(obj: JsonObject, event: HookEvent): HookInput {
  const stop = own(obj, 'stop_hook_active');
  const toolInput = ownObject(obj, 'tool_input');
  return {
    hook_event_name: event,
    session_id: ownString(obj, 'session_id') ?? '',
    cwd: ownString(obj, 'cwd') ?? '',
    ...optional('transcript_path', ownString(obj, 'transcript_path')),
    ...optional('permission_mode', ownString(obj, 'permission_mode')),
    ...optional('tool_name', ownString(obj, 'tool_name')),
    ...(toolInput === undefined ? {} : { tool_input: toolInput }),
    ...optional('tool_use_id', ownString(obj, 'tool_use_id')),
    ...optional('agent_id', ownString(obj, 'agent_id')),
    ...optional('agent_type', ownString(obj, 'agent_type')),
    ...(typeof stop === 'boolean' ? { stop_hook_active: stop } : {}),
    raw: obj,
  };
}

// Keys here are literals, never payload keys, so spreading cannot set a prototype.
function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]: string });
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : `of type ${typeof value}`;
}

function fail(reason: string): ParseResult {
  return { ok: false, reason };
}
