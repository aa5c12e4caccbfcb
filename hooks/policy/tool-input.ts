// What a guarded tool call writes: the texts to secret-scan and the paths it touches.
// Field names per tool come from reference/claude-code-hooks.md §4 (PreToolUse tool_input table).

import { type JsonObject, isObject, ownArray, ownString } from '../own.js';
import { writeTargets } from './shell-targets.js';

export const GUARDED_TOOLS = ['Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'Bash'] as const;
export type GuardedTool = (typeof GUARDED_TOOLS)[number];

export interface ScanTarget {
  /** How to name where a line is, e.g. "of new_string"; '' for a whole file. */
  readonly where: string;
  readonly text: string;
}

export interface ToolWrites {
  readonly texts: readonly ScanTarget[];
  readonly paths: readonly string[];
  /** Set when the input lacks the fields this tool needs, so nothing could be checked. */
  readonly malformed?: string;
}

export function isGuardedTool(name: string | undefined): name is GuardedTool {
  return name !== undefined && (GUARDED_TOOLS as readonly string[]).includes(name);
}

export function toolWrites(tool: GuardedTool | 'PowerShell', input: JsonObject | undefined): ToolWrites {
  if (input === undefined) return malformed('tool_input is missing');
  if (tool === 'Write') return fileWrite(input, 'file_path', { where: '', field: 'content' });
  if (tool === 'Edit') return fileWrite(input, 'file_path', { where: 'of new_string', field: 'new_string' });
  if (tool === 'NotebookEdit') return fileWrite(input, 'notebook_path', { where: 'of new_source', field: 'new_source' });
  if (tool === 'MultiEdit') return multiEdit(input);
  return command(input, tool === 'Bash');
}

function fileWrite(input: JsonObject, pathField: string, body: { where: string; field: string }): ToolWrites {
  const path = ownString(input, pathField);
  if (path === undefined) return malformed(`tool_input.${pathField} is missing`);
  const text = ownString(input, body.field);
  return { texts: text === undefined ? [] : [{ where: body.where, text }], paths: [path] };
}

function multiEdit(input: JsonObject): ToolWrites {
  const path = ownString(input, 'file_path');
  const edits = ownArray(input, 'edits');
  if (path === undefined || edits === undefined) return malformed('tool_input.file_path or tool_input.edits is missing');
  const texts = edits.flatMap((edit, i) => {
    const text = isObject(edit) ? ownString(edit, 'new_string') : undefined;
    return text === undefined ? [] : [{ where: `of edits[${i}].new_string`, text }];
  });
  return { texts, paths: [path] };
}

function command(input: JsonObject, isBash: boolean): ToolWrites {
  const text = ownString(input, 'command');
  if (text === undefined) return malformed('tool_input.command is missing');
  return { texts: [{ where: 'of the command', text }], paths: isBash ? writeTargets(text) : [] };
}

function malformed(reason: string): ToolWrites {
  return { texts: [], paths: [], malformed: reason };
}
