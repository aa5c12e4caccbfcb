// Builders for what a hook prints. Every answer is exit 0 with '' or exactly one JSON object on
// stdout, and every JSON answer names its event in hookSpecificOutput.hookEventName (reference §3.4).
// A PreToolUse deny is a JSON deny with exit 0: it blocks on every version (the 2025 protocol read
// JSON only on exit 0), so exit 2 is never needed for our blocks.

import type { ContextEvent, HookEvent, StopEvent } from './events.js';

/** What the hook client writes and exits with. */
export interface HookAnswer {
  readonly exitCode: 0 | 2;
  /** '' or exactly one JSON object. */
  readonly stdout: string;
  /** At most one line; shown only in the debug log on exit 0. */
  readonly stderr: string;
}

type PermissionDecision = 'allow' | 'deny' | 'ask';

/** Claude Code caps hook output strings at 10,000 characters (reference §3.4). */
const MAX_OUTPUT_CHARS = 10_000;

export function silent(stderr = ''): HookAnswer {
  return { exitCode: 0, stdout: '', stderr: oneLine(stderr) };
}

export function allow(reason: string): HookAnswer {
  return permission('allow', reason);
}

export function deny(reason: string): HookAnswer {
  return permission('deny', reason);
}

export function ask(reason: string): HookAnswer {
  return permission('ask', reason);
}

/** Factual context for the model (session start, a prompt, a tool result, a new subagent). */
export function context(event: ContextEvent, text: string): HookAnswer {
  return json({ hookSpecificOutput: { hookEventName: event, additionalContext: capText(text) } });
}

/**
 * Keeps a stopping (sub)agent going with `reason` as its next instruction, unless it is already
 * continuing because of a stop hook: then it stays silent, so we can never block in a loop.
 */
export function continueStop(event: StopEvent, stopHookActive: boolean | undefined, reason: string): HookAnswer {
  if (stopHookActive !== false) return silent();
  return json({ decision: 'block', reason: capText(reason), hookSpecificOutput: { hookEventName: event } });
}

/**
 * Unreadable stdin. Fail open (exit 0, no output) everywhere except PreToolUse, where a person
 * decides: failing open would let an unchecked Write through, failing closed would wedge Claude.
 */
export function answerInvalidInput(event: HookEvent, reason: string): HookAnswer {
  const line = `agentry hook ${event}: ignored invalid input (${reason})`;
  if (event !== 'PreToolUse') return silent(line);
  const answer = ask(`agentry could not read this tool call (${reason}), so it was not checked; please review it.`);
  return { ...answer, stderr: oneLine(line) };
}

export function capText(text: string): string {
  if (text.length <= MAX_OUTPUT_CHARS) return text;
  let cut = MAX_OUTPUT_CHARS - 1;
  // Do not split a surrogate pair.
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

function permission(decision: PermissionDecision, reason: string): HookAnswer {
  return json({
    hookSpecificOutput: {
      hookEventName: 'PreToolUse',
      permissionDecision: decision,
      permissionDecisionReason: capText(reason),
    },
  });
}

function json(body: object): HookAnswer {
  return { exitCode: 0, stdout: JSON.stringify(body), stderr: '' };
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').slice(0, 500);
}
