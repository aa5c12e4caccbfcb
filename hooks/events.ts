// The Claude Code hook events agentry handles (reference/claude-code-hooks.md §1).
// Loaded on every hook call: node builtins and sibling files only.

export const HOOK_EVENTS = [
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'SubagentStart',
  'SubagentStop',
  'SessionStart',
  'UserPromptSubmit',
  'Stop',
  'SessionEnd',
  'Notification',
] as const;

export type HookEvent = (typeof HOOK_EVENTS)[number];

/** Events whose `hookSpecificOutput.additionalContext` reaches a model without continuing a stop. */
export const CONTEXT_EVENTS = [
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'SubagentStart',
  'SessionStart',
  'UserPromptSubmit',
] as const satisfies readonly HookEvent[];

export type ContextEvent = (typeof CONTEXT_EVENTS)[number];

/** Events where a block keeps the (sub)agent going, so a block must honour `stop_hook_active`. */
export type StopEvent = 'Stop' | 'SubagentStop';

export function isHookEvent(value: unknown): value is HookEvent {
  return typeof value === 'string' && (HOOK_EVENTS as readonly string[]).includes(value);
}
