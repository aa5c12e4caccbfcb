// The PreToolUse policy: secret scanning, protected paths, then mode gating.
// Deny beats ask beats none; `none` means "no opinion" (silence is not approval).

import { type HookAnswer, ask, deny, silent, allow } from '../answers.js';
import type { HookInput } from '../protocol.js';
import { checkWritePath, displayPath } from './paths.js';
import { scanText } from './secrets.js';
import { type ToolWrites, isGuardedTool, toolWrites } from './tool-input.js';

export type Mode = 'manual' | 'semi' | 'full';

export interface PreToolUseOptions {
  readonly mode: Mode;
  /** Extra known-example patterns; a secret matching one is not a finding. */
  readonly allowlist?: readonly RegExp[];
}

export interface PreToolUseDecision {
  readonly decision: 'allow' | 'deny' | 'ask' | 'none';
  readonly reason: string;
  readonly rule?: string;
  readonly line?: number;
}

const FIX_SECRET =
  'Remove the secret and read it from an environment variable instead; mark a false positive with "agentry:allow".';
const FIX_PATH = 'Ask the user to change this file by hand.';

export function evaluatePreToolUse(input: HookInput, options: PreToolUseOptions): PreToolUseDecision {
  const tool = input.tool_name;
  if (tool === 'PowerShell') return firstDeny(secretDenials(tool, toolWrites(tool, input.tool_input), input.cwd, options)) ?? none();
  if (!isGuardedTool(tool)) return none();
  const writes = toolWrites(tool, input.tool_input);
  if (writes.malformed !== undefined) {
    return { decision: 'ask', reason: `agentry could not check this ${tool} call (${writes.malformed}); please review it.`, rule: 'malformed-input' };
  }
  const verdicts = [...secretDenials(tool, writes, input.cwd, options), ...pathVerdicts(tool, writes, input.cwd)];
  const denied = firstDeny(verdicts);
  if (denied !== undefined) return denied;
  const asked = verdicts.find((v) => v.decision === 'ask');
  if (asked !== undefined) return asked;
  if (options.mode === 'manual') {
    return { decision: 'ask', reason: `agentry is in manual mode: a person approves each ${tool} call (${subject(tool, writes, input.cwd)}).`, rule: 'mode-manual' };
  }
  return none();
}

/** Maps a decision to the hook's answer: `none` prints nothing, so the normal permission flow runs. */
export function answerPreToolUse(decision: PreToolUseDecision): HookAnswer {
  if (decision.decision === 'none') return silent();
  return ANSWERS[decision.decision](decision.reason);
}

const ANSWERS = { allow, ask, deny } as const;

function secretDenials(tool: string, writes: ToolWrites, cwd: string, options: PreToolUseOptions): PreToolUseDecision[] {
  const scanOptions = options.allowlist === undefined ? {} : { allowlist: options.allowlist };
  return writes.texts.flatMap(({ where, text }) => {
    const findings = scanText(text, scanOptions);
    const first = findings[0];
    if (first === undefined) return [];
    const more = findings.length > 1 ? ` (and ${findings.length - 1} more finding${findings.length > 2 ? 's' : ''})` : '';
    const location = where === '' ? `line ${first.line}` : `line ${first.line} ${where}`;
    return [{
      decision: 'deny' as const,
      reason: `agentry blocked ${subject(tool, writes, cwd)}: ${location} contains ${first.description} (rule ${first.rule})${more}. ${FIX_SECRET}`,
      rule: first.rule,
      line: first.line,
    }];
  });
}

function pathVerdicts(tool: string, writes: ToolWrites, cwd: string): PreToolUseDecision[] {
  return writes.paths.flatMap((raw) => {
    const verdict = checkWritePath(raw, cwd);
    if (verdict.decision === 'none') return [];
    const shown = displayPath(verdict.path, cwd);
    const what = tool === 'Bash' ? `Bash command writing to ${shown}` : `${tool} to ${shown}`;
    const reason =
      verdict.decision === 'deny'
        ? `agentry blocked ${what}: ${verdict.why} (rule ${verdict.rule}). ${FIX_PATH}`
        : `agentry wants a person to approve ${what}: ${verdict.why} (rule ${verdict.rule}).`;
    return [{ decision: verdict.decision, reason, rule: verdict.rule }];
  });
}

function subject(tool: string, writes: ToolWrites, cwd: string): string {
  if (tool === 'Bash' || tool === 'PowerShell') return `${tool} command`;
  const path = writes.paths[0];
  return path === undefined ? tool : `${tool} to ${displayPath(checkWritePath(path, cwd).path, cwd)}`;
}

function firstDeny(verdicts: readonly PreToolUseDecision[]): PreToolUseDecision | undefined {
  return verdicts.find((v) => v.decision === 'deny');
}

function none(): PreToolUseDecision {
  return { decision: 'none', reason: '' };
}
