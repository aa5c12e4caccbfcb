// The answer when the supervisor is unreachable: the same PreToolUse policy with the mode read
// straight from agentry.config.json, one factual line of context at session start and on each
// prompt, and silence for the rest (their events are spooled).

import { readFileSync } from 'node:fs';
import { type HookAnswer, context, silent } from './answers.js';
import { isObject, own } from './own.js';
import { type Mode, answerPreToolUse, evaluatePreToolUse } from './policy/pre-tool-use.js';
import type { HookInput } from './protocol.js';

export interface LocalMode {
  readonly mode: Mode;
  /** Why the mode is not the file's own, for the debug log. */
  readonly note?: string;
}

export interface LocalAnswer {
  readonly answer: HookAnswer;
  /** The PreToolUse decision, kept in the spool line. */
  readonly decision?: string;
}

const MODES: readonly Mode[] = ['manual', 'semi', 'full'];
/** The config schema's default. */
const DEFAULT_MODE: Mode = 'semi';

/**
 * The configured mode. No file, or no `mode` in it: the schema default (semi). A file that is
 * there but unreadable, not JSON or naming an unknown mode: manual. The supervisor would keep its
 * last good config, which the hook cannot know; the strictest mode cannot be looser than it was.
 */
export function readMode(configFile: string): LocalMode {
  let text: string;
  try {
    text = readFileSync(configFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { mode: DEFAULT_MODE };
    return { mode: 'manual', note: `${configFile} is unreadable, so the local policy uses manual mode` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { mode: 'manual', note: `${configFile} is not valid JSON, so the local policy uses manual mode` };
  }
  const mode = isObject(parsed) ? own(parsed, 'mode') : undefined;
  if (mode === undefined && isObject(parsed)) return { mode: DEFAULT_MODE };
  if (MODES.includes(mode as Mode)) return { mode: mode as Mode };
  return { mode: 'manual', note: `${configFile} has no valid mode, so the local policy uses manual mode` };
}

export function localAnswer(input: HookInput, mode: Mode): LocalAnswer {
  const event = input.hook_event_name;
  if (event === 'PreToolUse') {
    const decision = evaluatePreToolUse(input, { mode });
    return { answer: answerPreToolUse(decision), decision: decision.decision };
  }
  if (event === 'SessionStart' || event === 'UserPromptSubmit') {
    return { answer: context(event, offlineContext(mode)) };
  }
  return { answer: silent() };
}

function offlineContext(mode: Mode): string {
  return `agentry: the supervisor is not reachable; hook events are spooled and policy is enforced locally (mode ${mode}).`;
}
