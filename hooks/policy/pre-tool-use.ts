// The PreToolUse policy: secret scanning, protected paths (through symlinks, and every file a
// shell command writes as its parse shows), then mode gating.
// Deny beats ask beats none; `none` means "no opinion" (silence is not approval).

import { homedir } from 'node:os';
import { type HookAnswer, ask, deny, silent, allow } from '../answers.js';
import type { HookInput } from '../protocol.js';
import { checkWritePath, displayPath } from './paths.js';
import { realPath } from './real-path.js';
import { scanText } from './secrets.js';
import { type ShellWrite, analyseCommand } from './shell/analyse.js';
import { type BashParser, bashParser } from './shell/parser.js';
import { type ToolWrites, isGuardedTool, toolWrites } from './tool-input.js';

export type Mode = 'manual' | 'semi' | 'full';

export interface PreToolUseOptions {
  readonly mode: Mode;
  /** Extra known-example patterns; a secret matching one is not a finding. */
  readonly allowlist?: readonly RegExp[];
  /** The bash parser; default the loaded one (shell/parser.ts loadBashParser). */
  readonly shell?: BashParser;
  /** For `~` in shell commands; default $HOME. */
  readonly home?: string;
}

export interface PreToolUseDecision {
  readonly decision: 'allow' | 'deny' | 'ask' | 'none';
  readonly reason: string;
  readonly rule?: string;
  readonly line?: number;
}

const FIX_SECRET =
  'Remove the secret and read it from an environment variable instead; mark a false positive with "agentry:allow".';
const FIX_PATH = 'Do not try another way to write it; tell the user what to change there, and they will do it by hand.';
const FIX_INVALID = 'Send the file’s text as one string.';

export function evaluatePreToolUse(input: HookInput, options: PreToolUseOptions): PreToolUseDecision {
  const tool = input.tool_name;
  if (tool === 'PowerShell') return firstDeny(secretDenials(tool, toolWrites(tool, input.tool_input), input.cwd, options)) ?? none();
  if (!isGuardedTool(tool)) return none();
  const writes = toolWrites(tool, input.tool_input);
  if (writes.malformed !== undefined) {
    return { decision: 'ask', reason: `agentry could not check this ${tool} call (${writes.malformed}); please review it.`, rule: 'malformed-input' };
  }
  if (writes.invalid !== undefined) {
    return { decision: 'deny', reason: `agentry blocked this ${tool} call: ${writes.invalid}, so it could not be checked for secrets. ${FIX_INVALID}`, rule: 'invalid-input' };
  }
  const verdicts = [...secretDenials(tool, writes, input.cwd, options), ...pathVerdicts(tool, writes.paths.map((path) => ({ path })), input.cwd)];
  if (tool === 'Bash' && writes.command !== undefined) verdicts.push(...shellVerdicts(writes.command, input.cwd, options));
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

function pathVerdicts(tool: string, writes: readonly ShellWrite[], cwd: string): PreToolUseDecision[] {
  return writes.flatMap(({ path, linkedTo }) => {
    // The path as written, what a symlink made in the same command points at, and where the
    // symlinks already on disk lead: a protected file reached any of these ways counts.
    const candidates = [...new Set([path, linkedTo, realPath(resolved(path, cwd)), linkedTo === undefined ? undefined : realPath(linkedTo)])];
    for (const candidate of candidates) {
      if (candidate === undefined) continue;
      const verdict = checkWritePath(candidate, cwd);
      if (verdict.decision === 'none') continue;
      const shown = displayPath(checkWritePath(path, cwd).path, cwd);
      const real = displayPath(verdict.path, cwd);
      const target = real === shown ? shown : `${shown} (which leads to ${real})`;
      const what = tool === 'Bash' ? `Bash command writing to ${target}` : `${tool} to ${target}`;
      const reason =
        verdict.decision === 'deny'
          ? `agentry blocked ${what}: ${verdict.why} (rule ${verdict.rule}). ${FIX_PATH}`
          : `agentry wants a person to approve ${what}: ${verdict.why} (rule ${verdict.rule}).`;
      return [{ decision: verdict.decision, reason, rule: verdict.rule }];
    }
    return [];
  });
}

/** What the command writes, from its parse; what cannot be pinned down is asked about. */
function shellVerdicts(command: string, cwd: string, options: PreToolUseOptions): PreToolUseDecision[] {
  const parser = options.shell ?? bashParser();
  if (parser === undefined) {
    return [{ decision: 'ask', reason: 'agentry could not check this Bash command (its shell parser is not loaded); please review it.', rule: 'shell-unchecked' }];
  }
  const analysis = analyseCommand(parser, command, { cwd, home: options.home ?? process.env['HOME'] ?? homedir() });
  const asked = analysis.unknown.map((why): PreToolUseDecision => ({
    decision: 'ask',
    reason: `agentry wants a person to approve this Bash command: ${why}, so agentry cannot tell which files it writes (rule shell-undecidable). To avoid the question, write files with the Write or Edit tool, or with plain paths in the command.`,
    rule: 'shell-undecidable',
  }));
  return [...pathVerdicts('Bash', analysis.writes, cwd), ...asked];
}

function resolved(path: string, cwd: string): string {
  return path.startsWith('/') || !cwd.startsWith('/') ? path : `${cwd.replace(/\/$/, '')}/${path}`;
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
