// Which handlers agentry registers, and how to recognise them again in a settings file.
// Timeouts are in SECONDS (reference §2.4); observability-only command hooks run async so they
// never delay Claude (§6), while hooks whose answer matters (PreToolUse policy, context for a new
// subagent or the parent after an Agent call, session/prompt context) stay synchronous, and so do
// Stop and SessionEnd, which a headless run would otherwise cancel (§11).

import { posix, win32 } from 'node:path';
import { UserError } from '../core/errors.js';
import type { HookEvent } from './events.js';
import { type JsonObject, isObject, own } from './own.js';

export type Transport = 'command' | 'http';

export interface InstallOptions {
  readonly transport: Transport;
  /** Absolute path of hooks/agentry-hook.sh (or of the agentry binary), or one under $CLAUDE_PROJECT_DIR. */
  readonly commandPath: string;
  /** Base URL of the supervisor, e.g. http://127.0.0.1:4141; required for the http transport. */
  readonly url?: string;
  /** Env var holding the bearer token; default AGENTRY_TOKEN. */
  readonly tokenEnvVar?: string;
}

/** The events agentry installs: those the hook handler answers, and the permission prompt. */
type InstalledEvent = HookEvent | 'PermissionRequest';

export interface PlannedHook {
  readonly event: InstalledEvent;
  /** undefined: the group has no matcher (all tools, or an event without matchers). */
  readonly matcher: string | undefined;
  readonly handler: JsonObject;
}

interface Entry {
  readonly event: InstalledEvent;
  readonly matcher?: string;
  readonly timeout: number;
  readonly async?: true;
}

/** Seconds Claude Code gives the PermissionRequest hook (its default for command hooks). */
const PERMISSION_HOOK_TIMEOUT_S = 600;

// Agent|Task: the subagent tool was called Task before v2.1.63.
const SUBAGENT_TOOLS = 'Agent|Task';

const COMMAND_ENTRIES: readonly Entry[] = [
  { event: 'PreToolUse', matcher: 'Write|Edit|MultiEdit|NotebookEdit|Bash', timeout: 10 },
  { event: 'PostToolUse', matcher: SUBAGENT_TOOLS, timeout: 10 },
  // Every other tool: a regex (it has non-word characters) that excludes the sync group above,
  // so an Agent call runs our hook once, not twice.
  { event: 'PostToolUse', matcher: `^(?!(?:${SUBAGENT_TOOLS})$)`, timeout: 10, async: true },
  { event: 'PostToolUseFailure', timeout: 10, async: true },
  { event: 'SubagentStart', timeout: 10 },
  { event: 'SubagentStop', timeout: 10, async: true },
  { event: 'SessionStart', timeout: 5 },
  { event: 'UserPromptSubmit', timeout: 5 },
  // Synchronous: `claude -p` cancels async hooks when the run ends, and these fire just then.
  // Cheap with the supervisor up (the curl fast path); SessionEnd shares a short budget (§4).
  { event: 'Stop', timeout: 10 },
  { event: 'SessionEnd', timeout: 5 },
  { event: 'Notification', timeout: 10, async: true },
  // Waits for a person (permissions.timeoutSeconds, at most 570 s): the client denies before this.
  { event: 'PermissionRequest', timeout: PERMISSION_HOOK_TIMEOUT_S },
];

// http hooks cannot be async, so PostToolUse needs only one group.
const HTTP_ENTRIES: readonly Entry[] = COMMAND_ENTRIES.filter((e) => e.event !== 'PostToolUse' || e.async !== true).map(
  ({ async: _async, ...e }) => (e.event === 'PostToolUse' ? { event: e.event, timeout: e.timeout } : e),
);

export const DEFAULT_TOKEN_ENV_VAR = 'AGENTRY_TOKEN';

export function plannedHooks(options: InstallOptions): PlannedHook[] {
  const entries = options.transport === 'http' ? HTTP_ENTRIES : COMMAND_ENTRIES;
  const command = commandPrefix(options.commandPath);
  const baseUrl = options.transport === 'http' ? httpBase(options.url) : '';
  const tokenVar = options.tokenEnvVar ?? DEFAULT_TOKEN_ENV_VAR;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(tokenVar)) throw new UserError('USAGE', `tokenEnvVar ${JSON.stringify(tokenVar)} is not an environment variable name`);
  return entries.map((entry) => ({
    event: entry.event,
    matcher: entry.matcher,
    handler: options.transport === 'http' && !COMMAND_ONLY.has(entry.event) ? httpHandler(baseUrl, entry, tokenVar) : commandHandler(command, entry),
  }));
}

/**
 * Installed as commands under every transport. SessionStart accepts only command and mcp_tool
 * handlers (reference §2.4). The gates fail closed: an http hook that gets a 401 or cannot
 * connect is a non-blocking error and the tool runs (§11), while the command hook answers from
 * the local policy when the supervisor cannot (PreToolUse), or denies (PermissionRequest).
 */
const COMMAND_ONLY: ReadonlySet<InstalledEvent> = new Set(['SessionStart', 'PreToolUse', 'PermissionRequest']);

/**
 * A command that could not run at all (127: the script or `agentry` is missing; 126: not
 * executable) is a non-blocking error to Claude Code, which would turn the gate off unseen. For
 * PreToolUse any exit but 0 becomes a block (exit 2, the reason on stderr goes to the model).
 */
function failClosed(line: string, event: InstalledEvent): string {
  if (event !== 'PreToolUse') return line;
  return `${line} || { rc=$?; [ "$rc" -eq 2 ] || echo "agentry blocked this tool call: its PreToolUse hook could not run (exit $rc). Tell the user to run: agentry doctor" >&2; exit 2; }`;
}

/** Ours: a command running agentry-hook / `agentry hook`, or an http hook posting to /v1/hooks/. */
export function isAgentryHandler(handler: unknown): boolean {
  if (!isObject(handler)) return false;
  const type = own(handler, 'type');
  const command = own(handler, 'command');
  const args = own(handler, 'args');
  const url = own(handler, 'url');
  if (type === 'command') {
    const line = [command, ...(Array.isArray(args) ? args : [])].filter((p) => typeof p === 'string').join(' ');
    return /agentry-hook|\bagentry['"]? hook\b/.test(line);
  }
  return type === 'http' && typeof url === 'string' && url.includes('/v1/hooks/');
}

function commandHandler(prefix: string, entry: Entry): JsonObject {
  return { type: 'command', command: failClosed(`${prefix} ${entry.event}`, entry.event), timeout: entry.timeout, ...(entry.async ? { async: true } : {}) };
}

function httpHandler(baseUrl: string, entry: Entry, tokenVar: string): JsonObject {
  return {
    type: 'http',
    url: `${baseUrl}/v1/hooks/${entry.event}`,
    headers: { Authorization: `Bearer $${tokenVar}` },
    allowedEnvVars: [tokenVar],
    timeout: entry.timeout,
  };
}

/** The shell-form command up to the event name: our script, or `agentry hook`. */
function commandPrefix(commandPath: string): string {
  // `agentry` alone: found on PATH (a global install), the form project settings take when the
  // package is not inside the project.
  if (commandPath === 'agentry') return 'agentry hook';
  const projectRelative = /^(?:\$\{CLAUDE_PROJECT_DIR\}|\$CLAUDE_PROJECT_DIR)(\/.*)$/.exec(commandPath);
  const absolute = posix.isAbsolute(commandPath) || win32.isAbsolute(commandPath);
  if (projectRelative === null && !absolute) {
    throw new UserError('USAGE', `commandPath must be absolute or start with $CLAUDE_PROJECT_DIR, got ${JSON.stringify(commandPath)}`);
  }
  const quoted = projectRelative === null ? shellQuote(commandPath) : `"$CLAUDE_PROJECT_DIR"${shellQuote(projectRelative[1] ?? '')}`;
  const base = commandPath.split(/[\\/]/).at(-1) ?? '';
  if (/^agentry-hook(?:\.sh)?$/.test(base)) return quoted;
  if (/^agentry(?:\.js|\.cmd)?$/.test(base)) return `${quoted} hook`;
  throw new UserError('USAGE', `commandPath must point to agentry-hook.sh or the agentry binary, got ${JSON.stringify(commandPath)}`);
}

/** POSIX single-quoting, skipped when the word has no shell metacharacters. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_/.:@%+=,-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function httpBase(url: string | undefined): string {
  if (url === undefined) throw new UserError('USAGE', 'the http transport needs a url, e.g. http://127.0.0.1:4141');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError('USAGE', `url ${JSON.stringify(url)} is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UserError('USAGE', `url must be http or https, got ${parsed.protocol}`);
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}
