// Reading and writing Claude Code settings files (reference §2.1). A file we cannot parse is
// never overwritten: the user's hooks and permissions live there.

import { mkdir, readFile, realpath } from 'node:fs/promises';
import { writeOwnedFile } from '../core/atomic-file.js';
import { dirname, join } from 'node:path';
import { UserError } from '../core/errors.js';
import { isObject } from './own.js';

export type SettingsScope = 'project' | 'local' | 'user';

export function settingsPath(scope: SettingsScope, projectDir: string, homeDir: string): string {
  if (scope === 'user') return join(homeDir, '.claude', 'settings.json');
  return join(projectDir, '.claude', scope === 'local' ? 'settings.local.json' : 'settings.json');
}

/** The parsed settings; {} when the file does not exist or is blank. */
export async function readSettings(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw invalidFile(path, `is not valid JSON (${err instanceof Error ? err.message : String(err)})`, err);
  }
  if (!isObject(parsed)) throw invalidFile(path, 'does not hold a JSON object');
  return parsed;
}

/** Atomic and durable (temp, fsync, rename), keeping the file's mode; follows a symlinked settings file. */
export async function writeSettings(path: string, settings: unknown): Promise<void> {
  const target = await realpath(path).catch(() => path);
  await mkdir(dirname(target), { recursive: true });
  await writeOwnedFile(target, `${JSON.stringify(settings, null, 2)}\n`);
}

function invalidFile(path: string, problem: string, cause?: unknown): UserError {
  return new UserError('INVALID_CONFIG', `${path} ${problem}; fix or remove it by hand (agentry will not overwrite it)`, {
    details: { path },
    ...(cause === undefined ? {} : { cause }),
  });
}
