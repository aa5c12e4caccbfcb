// Claude Code's PermissionRequest hook (reference/claude-code-hooks.md §4): the payload read into
// what a person needs to decide, and a decision written back in the exact output format
// (`hookSpecificOutput.decision.behavior`). Pure; node builtins and hooks/ files only, because the
// hook client uses it too (to deny when the supervisor cannot be reached).

import { createHash } from 'node:crypto';
import { type HookAnswer, capText, silent } from './answers.js';
import { type JsonObject, isObject, own, ownArray, ownObject, ownString } from './own.js';

/** A permission prompt as agentry sees it. */
export interface PermissionAsk {
  readonly tool: string;
  /** What the call would do, short enough for a notification line. */
  readonly summary: string;
  readonly sessionId: string;
  readonly cwd: string;
  readonly agentType?: string;
  /** Same tool and same input: the same fingerprint (repeated grants are counted by it). */
  readonly fingerprint: string;
  /** Claude Code's own `permission_suggestions` (PermissionUpdate objects), passed back unchanged. */
  readonly suggestions: readonly JsonObject[];
  /** Without suggestions, the rule offered: this exact command for Bash, else the tool. */
  readonly exactRule: JsonObject;
}

/** What Claude Code is told: allow, deny with a message, or `ask` (no output: its own prompt decides). */
export interface PermissionVerdict {
  readonly behavior: 'allow' | 'deny' | 'ask';
  /** For deny: all the model gets, so it says what to do instead. */
  readonly message: string;
  /** Only when the person chose to add the offered rule (approve --always). */
  readonly updatedPermissions?: readonly JsonObject[];
}

const SUMMARY_CHARS = 300;

export type ParsedPermission = { readonly ok: true; readonly ask: PermissionAsk } | { readonly ok: false; readonly reason: string };

export function parsePermissionRequest(payload: unknown): ParsedPermission {
  if (!isObject(payload)) return { ok: false, reason: 'the payload is not a JSON object' };
  if (own(payload, 'hook_event_name') !== 'PermissionRequest') return { ok: false, reason: 'hook_event_name is not PermissionRequest' };
  const tool = ownString(payload, 'tool_name');
  if (tool === undefined || tool === '') return { ok: false, reason: 'tool_name is missing' };
  const input = ownObject(payload, 'tool_input') ?? {};
  const agentType = ownString(payload, 'agent_type');
  return {
    ok: true,
    ask: {
      tool,
      summary: summarize(tool, input),
      sessionId: ownString(payload, 'session_id') ?? '',
      cwd: ownString(payload, 'cwd') ?? '',
      ...(agentType === undefined ? {} : { agentType }),
      fingerprint: fingerprintOf(tool, input),
      suggestions: (ownArray(payload, 'permission_suggestions') ?? []).filter(isObject),
      exactRule: exactRule(tool, input),
    },
  };
}

/** The hook's stdout for a verdict: one JSON object, or nothing for `ask`. */
export function permissionAnswer(verdict: PermissionVerdict): HookAnswer {
  if (verdict.behavior === 'ask') return silent(verdict.message);
  const decision =
    verdict.behavior === 'allow'
      ? { behavior: 'allow', ...(verdict.updatedPermissions && verdict.updatedPermissions.length > 0 ? { updatedPermissions: verdict.updatedPermissions } : {}) }
      : { behavior: 'deny', message: capText(verdict.message) };
  return { exitCode: 0, stdout: JSON.stringify({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision } }), stderr: '' };
}

/** Fail closed: the answer when no one can decide (supervisor down, hung, or the payload unreadable). */
export function denyPermission(why: string): HookAnswer {
  return permissionAnswer({
    behavior: 'deny',
    message: `agentry denied this permission request: ${why}. Do not retry it now; tell the user, who can start the supervisor (agentry start) and ask again.`,
  });
}

/** A person-readable account of a suggestion (a Claude Code PermissionUpdate). */
export function describeUpdate(update: JsonObject): string {
  const type = ownString(update, 'type');
  const where = ownString(update, 'destination') ?? 'session';
  if (type === 'addRules' || type === 'replaceRules') {
    const rules = (ownArray(update, 'rules') ?? []).filter(isObject).map(ruleText);
    return `${ownString(update, 'behavior') ?? 'allow'} ${rules.join(', ')} (${where})`;
  }
  if (type === 'setMode') return `switch to ${ownString(update, 'mode') ?? '?'} mode (${where})`;
  if (type === 'addDirectories') return `add ${(ownArray(update, 'directories') ?? []).filter((d) => typeof d === 'string').join(', ')} to the working directories (${where})`;
  return `${type ?? 'update'} (${where})`;
}

/** `Bash(npm test)` or `WebFetch`. */
function ruleText(rule: JsonObject): string {
  const name = ownString(rule, 'toolName') ?? '?';
  const content = ownString(rule, 'ruleContent');
  return content === undefined ? name : `${name}(${content})`;
}

function exactRule(tool: string, input: JsonObject): JsonObject {
  const command = ownString(input, 'command');
  const exact = tool === 'Bash' && command !== undefined && command.length <= 1000 && !/[\r\n]/.test(command);
  const rule = exact ? { toolName: tool, ruleContent: command } : { toolName: tool };
  return { type: 'addRules', rules: [rule], behavior: 'allow', destination: 'localSettings' };
}

function summarize(tool: string, input: JsonObject): string {
  const command = ownString(input, 'command');
  const path = ownString(input, 'file_path') ?? ownString(input, 'notebook_path') ?? ownString(input, 'path');
  const url = ownString(input, 'url');
  let text: string;
  if (command !== undefined) text = command;
  else if (path !== undefined) text = fileSummary(tool, path, input);
  else if (url !== undefined) text = url;
  else text = JSON.stringify(input);
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= SUMMARY_CHARS ? oneLine : `${oneLine.slice(0, SUMMARY_CHARS - 1)}…`;
}

function fileSummary(tool: string, path: string, input: JsonObject): string {
  const content = ownString(input, 'content');
  if (tool === 'Write' && content !== undefined) return `${path} (${content.split('\n').length} lines)`;
  const edits = ownArray(input, 'edits');
  if (edits !== undefined) return `${path} (${edits.length} edits)`;
  return path;
}

/** sha256 of the tool and its input with keys sorted, so key order does not matter. */
function fingerprintOf(tool: string, input: JsonObject): string {
  return createHash('sha256').update(`${tool}\n${canonical(input)}`).digest('hex').slice(0, 16);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
