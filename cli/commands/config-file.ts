// Editing agentry.config.json in place: the user's other fields and key order are kept, the
// result is validated before anything is written (the write: core/atomic-file.ts writeOwnedFile).
import { readFile } from 'node:fs/promises';
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
 * The config text with `key` set at the top level, 2-space JSON. A missing file starts as
 * `{"version": 1}`; a new key goes right after `version`. Throws (exit 2) when the result is invalid.
 */
export function withTopLevel(text: string | undefined, path: string, key: string, value: unknown): { text: string; config: ResolvedConfig } {
  const source = text ?? '{"version": 1}';
  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch (err) {
    throw new ExitError(2, `${path} is not valid JSON (${(err as Error).message})`, { code: 'INVALID_CONFIG', hint: 'fix it by hand first' });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ExitError(2, `${path} must hold a JSON object`, { code: 'INVALID_CONFIG' });
  }
  const next = withKey(raw as Record<string, unknown>, 'version', key, value);
  const out = `${JSON.stringify(next, null, 2)}\n`;
  return { text: out, config: parseConfig(out, path) };
}

/** `obj` with `key` set: an existing key keeps its place, a new one goes right after `anchor`. */
function withKey(obj: Record<string, unknown>, anchor: string, key: string, value: unknown): Record<string, unknown> {
  const keys = Object.keys(obj);
  const at = keys.indexOf(anchor);
  const order = keys.includes(key) ? keys : at < 0 ? [...keys, key] : [...keys.slice(0, at + 1), key, ...keys.slice(at + 1)];
  const out: Record<string, unknown> = {};
  // defineProperty, so a `__proto__` key in the file stays a plain key.
  for (const k of order) Object.defineProperty(out, k, { value: k === key ? value : obj[k], enumerable: true, writable: true, configurable: true });
  return out;
}

