// Editing agentry.config.json in place: only the value a command owns changes, byte for byte the
// rest stays; the result is validated before anything is written (core/atomic-file.ts writeOwnedFile).
import { readFile } from 'node:fs/promises';
import { applyEdits, modify } from 'jsonc-parser';
import { parseJsonText } from '../../config/json-text.js';
import { parseConfig } from '../../config/load.js';
import type { ResolvedConfig } from '../../config/load.js';
import { ExitError } from '../exit-error.js';

/** The file's text, or undefined when there is none. */
export async function readConfigText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ExitError(1, `cannot read ${path}: ${(err as Error).message}`, { code: 'INVALID_CONFIG' });
  }
}

/**
 * The config text with `key` set at the top level, changing nothing else in the file: the edit
 * is made on the text (jsonc-parser's modify/applyEdits), so the user's layout, spacing and key
 * order stay as written and `git diff` shows the one changed line. A missing file starts as
 * `{"version": 1}`; a new key goes right after `version`. Throws (exit 2) when the file does not
 * parse or the result is invalid, before anything is written.
 */
export function withTopLevel(text: string | undefined, path: string, key: string, value: unknown): { text: string; config: ResolvedConfig } {
  const source = text ?? '{\n  "version": 1\n}\n';
  let raw: unknown;
  try {
    raw = parseJsonText(source, path);
  } catch (err) {
    throw new ExitError(2, (err as Error).message, { code: 'INVALID_CONFIG', hint: 'fix it by hand first' });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ExitError(2, `${path} must hold a JSON object`, { code: 'INVALID_CONFIG' });
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
