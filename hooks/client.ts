// `agentry hook <Event>` and the Node fallback of agentry-hook.sh (dist/hooks/fallback/client.js
// <Event>: this file and its imports bundled by `npm run build:hook`, the on-demand parts apart).
// Asks the running supervisor first; when it cannot answer, spools the event (fsync'd) and
// answers from the local policy. Loads only node builtins and hooks/ files (DESIGN §1).
//
// Fallback decisions:
//   supervisor answers 200 with '' or one JSON object -> print it verbatim, exit 0, no spool line
//   every call carries one id (call-id.ts): the header of the live request, the spool line's id
//   supervisor unreachable / non-200 / timeout / odd body -> local: parse stdin, then
//     invalid stdin      -> answerInvalidInput (PreToolUse: ask; others: silent), nothing spooled
//     PreToolUse         -> spool + evaluatePreToolUse with the mode from agentry.config.json
//     SessionStart, UserPromptSubmit -> spool + one factual line of context
//     every other event  -> spool, silent
//   stdin over 5 MB, or not an event agentry handles -> protocol answer, nothing sent or spooled

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { type HookAnswer, answerInvalidInput } from './answers.js';
import { callIdFrom } from './call-id.js';
import { type HookEvent, isHookEvent } from './events.js';
import { localAnswer, readMode } from './local-policy.js';
import { type HookEnv, locate } from './locate.js';
import { MAX_INPUT_BYTES, parseHookInput } from './protocol.js';
import { loadBashParser } from './policy/shell/parser.js';
import { readStdin } from './read-stdin.js';
import { appendSpool, spoolEntry } from './spool.js';
import { DEFAULT_TIMEOUT_MS, callSupervisor } from './supervisor-call.js';

export interface HookIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: HookEnv;
  readonly cwd: string;
}

export interface RunHookOptions {
  /** ms since the epoch, for the spool line. */
  readonly now?: () => number;
  /** How long the supervisor gets to answer. */
  readonly timeoutMs?: number;
}

/** Set by agentry-hook.sh when curl already tried the supervisor, so it is not asked twice. */
export const TRIED_ENV = 'AGENTRY_HOOK_SUPERVISOR_TRIED';

/** Answers one hook call; resolves to the exit code. Never rejects on bad input. */
export async function runHook(event: string, io: HookIo, options: RunHookOptions = {}): Promise<number> {
  if (event === 'PermissionRequest') {
    // Loaded here: it brings node:http and node:crypto, which no other event's fallback needs.
    const { answerPermissionRequest } = await import('./permission-client.js');
    return print(io, await answerPermissionRequest(io, options.now ? { now: options.now } : {}));
  }
  if (!isHookEvent(event)) {
    await put(io.stderr, `agentry hook: ${JSON.stringify(event.slice(0, 64))} is not an event agentry handles; nothing to do\n`);
    return 0;
  }
  let answer: HookAnswer;
  try {
    answer = await decide(event, io, options);
  } catch (err) {
    answer = answerInvalidInput(event, `internal error: ${err instanceof Error ? err.message : String(err)}`);
  }
  return print(io, answer);
}

async function print(io: HookIo, answer: HookAnswer): Promise<number> {
  if (answer.stdout !== '') await put(io.stdout, answer.stdout);
  if (answer.stderr !== '') await put(io.stderr, `${answer.stderr}\n`);
  return answer.exitCode;
}

async function decide(event: HookEvent, io: HookIo, options: RunHookOptions): Promise<HookAnswer> {
  const stdin = await readStdin(io.stdin, MAX_INPUT_BYTES);
  if (stdin.oversized) return answerInvalidInput(event, `stdin is larger than ${MAX_INPUT_BYTES} bytes`);
  const where = locate(io.cwd, io.env);
  const callId = callIdFrom(io.env);
  if (io.env[TRIED_ENV] !== '1') {
    const body = await callSupervisor(where.socketPath, event, stdin.bytes, { timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, callId });
    if (body !== undefined) return { exitCode: 0, stdout: body, stderr: '' };
  }
  const parsed = parseHookInput(stdin.bytes.toString('utf8'), event);
  if (!parsed.ok) return answerInvalidInput(event, parsed.reason);
  // The shell parser only when a Bash command needs it (~30 ms); without it the policy asks.
  if (parsed.input.hook_event_name === 'PreToolUse' && parsed.input.tool_name === 'Bash') await loadBashParser().catch(() => undefined);
  const mode = readMode(where.configFile);
  const local = localAnswer(parsed.input, mode.mode);
  const notes = mode.note === undefined ? [] : [mode.note];
  try {
    appendSpool(where.spoolFile, spoolEntry(event, stdin.bytes, parsed.input.raw, (options.now ?? Date.now)(), local.decision, callId));
  } catch (err) {
    notes.push(`agentry hook ${event}: the event could not be spooled (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const stderr = [local.answer.stderr, ...notes].filter((s) => s !== '').join('; ').replace(/[\r\n]+/g, ' ');
  return { ...local.answer, stderr };
}

function put(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    stream.write(text, () => resolve());
  });
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  // One short-lived process: compiling the parser's WebAssembly for speed would cost more than it
  // saves, and the optimising compiler's background work holds the exit back by about a second.
  setFlagsFromString('--liftoff-only');
  // A reader that went away (EPIPE) must not turn the answer into a crash.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  const io: HookIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
  // exitCode, not process.exit(): a piped stdout must drain first.
  runHook(process.argv[2] ?? '', io).then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = 0;
    },
  );
}
