// Editing agentry.config.json in place: only the value a command owns changes, byte for byte the
// rest stays; the result is validated before anything is written, and the write is one atomic
// replace (core/atomic-file.ts writeOwnedFile). `agentry mode` and the console's mode switch share it.
import { readFile } from 'node:fs/promises';
import { applyEdits, modify } from 'jsonc-parser';
import { writeOwnedFile } from '../core/atomic-file.js';
import { SystemError, UserError } from '../core/errors.js';
import { parseJsonText } from './json-text.js';
import { parseConfig } from './load.js';
import type { ResolvedConfig } from './load.js';

/** The file's text, or undefined when there is none. */
export async function readConfigText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SystemError('INTERNAL', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The config text with `key` set at the top level, changing nothing else in the file: the edit
 * is made on the text (jsonc-parser's modify/applyEdits), so the user's layout, spacing and key
 * order stay as written and `git diff` shows the one changed line. A missing file starts as
 * `{"version": 1}`; a new key goes right after `version`. Throws (exit 2) when the file does not
 * parse or the result is invalid (INVALID_CONFIG), before anything is written.
 */
function withTopLevel(text: string | undefined, path: string, key: string, value: unknown): { text: string; config: ResolvedConfig } {
  const source = text ?? '{\n  "version": 1\n}\n';
  let raw: unknown;
  try {
    raw = parseJsonText(source, path);
  } catch (err) {
    throw new UserError('INVALID_CONFIG', `${(err as Error).message} (fix it by hand first)`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UserError('INVALID_CONFIG', `${path} must hold a JSON object`);
  }
  const keys = Object.keys(raw);
  const anchor = keys.indexOf('version');
  const edits = modify(source, [key], value, {
    formattingOptions: formattingOf(source),
    getInsertionIndex: (existing) => (anchor < 0 ? existing.length : Math.min(existing.length, existing.indexOf('version') + 1)),
  });
  const out = applyEdits(source, edits);
  return { text: out, config: parseConfig(out, path) };
}

/** The file's own indentation and line ending, for the lines an insertion adds. */
function formattingOf(text: string): { insertSpaces: boolean; tabSize: number; eol: string } {
  const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  return { insertSpaces: !indent.startsWith('\t'), tabSize: indent.startsWith('\t') ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

export interface ModeChange {
  mode: string;
  previous: string | undefined;
  changed: boolean;
  file: string;
}

/** Sets the top-level `mode` in the config file (validated first, written atomically, unchanged files untouched). */
export async function writeMode(path: string, mode: string): Promise<ModeChange> {
  const before = await readConfigText(path);
  const previous = modeIn(before);
  const { text } = withTopLevel(before, path, 'mode', mode);
  const changed = before === undefined || previous !== mode;
  // Atomic: the supervisor's watcher never sees half a file.
  if (changed) await writeOwnedFile(path, text);
  return { mode, previous, changed, file: path };
}

/** The mode written in the file, if it parses and has one. */
function modeIn(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const raw = JSON.parse(text) as unknown;
    const m = typeof raw === 'object' && raw !== null && Object.hasOwn(raw, 'mode') ? (raw as { mode: unknown }).mode : undefined;
    return typeof m === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}
