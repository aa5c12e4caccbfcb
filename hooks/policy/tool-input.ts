// What a guarded tool call writes: the texts to secret-scan and the paths it touches.
// Field names per tool come from reference/claude-code-hooks.md §4 (PreToolUse tool_input table).

import { type JsonObject, isObject, own, ownArray, ownString } from '../own.js';

const GUARDED_TOOLS = ['Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'Bash'] as const;
export type GuardedTool = (typeof GUARDED_TOOLS)[number];

interface ScanTarget {
  /** How to name where a line is, e.g. "of new_string"; '' for a whole file. */
  readonly where: string;
  readonly text: string;
}

export interface ToolWrites {
  readonly texts: readonly ScanTarget[];
  /** File paths the tool writes (the shell command's targets come from shell/analyse.ts). */
  readonly paths: readonly string[];
  /** Bash and PowerShell: the command. */
  readonly command?: string;
  /** Set when the input lacks the fields this tool needs, so nothing could be checked. */
  readonly malformed?: string;
  /** Set when a field holds something other than text: it cannot be scanned, so it is refused. */
  readonly invalid?: string;
}

export function isGuardedTool(name: string | undefined): name is GuardedTool {
  return name !== undefined && (GUARDED_TOOLS as readonly string[]).includes(name);
}

export function toolWrites(tool: GuardedTool | 'PowerShell', input: JsonObject | undefined): ToolWrites {
  if (input === undefined) return malformed('tool_input is missing');
  if (tool === 'Write') return fileWrite(input, 'file_path', { where: '', field: 'content' });
  if (tool === 'Edit') return fileWrite(input, 'file_path', { where: 'of new_string', field: 'new_string' });
  // A cell deletion has no new_source.
  if (tool === 'NotebookEdit') return fileWrite(input, 'notebook_path', { where: 'of new_source', field: 'new_source', optional: true });
  if (tool === 'MultiEdit') return multiEdit(input);
  return command(input);
}

function fileWrite(input: JsonObject, pathField: string, body: { where: string; field: string; optional?: boolean }): ToolWrites {
  const path = ownString(input, pathField);
  if (path === undefined) return malformed(`tool_input.${pathField} is missing`);
  const value = own(input, body.field);
  if (typeof value === 'string') return { texts: [{ where: body.where, text: value }], paths: [path] };
  if (value === undefined && body.optional === true) return { texts: [], paths: [path] };
  return { texts: [], paths: [path], invalid: `tool_input.${body.field} is ${describe(value)}, not a string` };
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function multiEdit(input: JsonObject): ToolWrites {
  const path = ownString(input, 'file_path');
  const edits = ownArray(input, 'edits');
  if (path === undefined || edits === undefined) return malformed('tool_input.file_path or tool_input.edits is missing');
  const texts: ScanTarget[] = [];
  for (const [i, edit] of edits.entries()) {
    const text = isObject(edit) ? own(edit, 'new_string') : undefined;
    if (typeof text !== 'string') return { texts: [], paths: [path], invalid: `tool_input.edits[${i}].new_string is ${describe(text)}, not a string` };
    texts.push({ where: `of edits[${i}].new_string`, text });
  }
  return { texts, paths: [path] };
}

function command(input: JsonObject): ToolWrites {
  const text = own(input, 'command');
  if (text === undefined) return malformed('tool_input.command is missing');
  if (typeof text !== 'string') return { texts: [], paths: [], invalid: `tool_input.command is ${describe(text)}, not a string` };
  return { texts: [{ where: 'of the command', text }], paths: [], command: text };
}

function malformed(reason: string): ToolWrites {
  return { texts: [], paths: [], malformed: reason };
}
