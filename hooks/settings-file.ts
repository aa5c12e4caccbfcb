// Reading and writing Claude Code settings files (reference §2.1). A file we cannot parse is
// never overwritten: the user's hooks and permissions live there.

import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
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

/** Atomic: a temp file in the same directory, fsync, rename. Keeps the old file's mode. */
export async function writeSettings(path: string, settings: unknown): Promise<void> {
  const target = await realpath(path).catch(() => path); // write through a symlinked settings file
  await mkdir(dirname(target), { recursive: true });
  const mode = await stat(target).then((s) => s.mode & 0o777, () => 0o644);
  const temp = join(dirname(target), `.${randomBytes(6).toString('hex')}.agentry.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(`${JSON.stringify(settings, null, 2)}\n`, 'utf8');
    await handle.sync();
    await handle.close();
    await rename(temp, target);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncDir(dirname(target));
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (handle === undefined) return; // some platforms cannot open a directory; the rename is done anyway
  await handle.sync().catch(() => undefined);
  await handle.close();
}

function invalidFile(path: string, problem: string, cause?: unknown): UserError {
  return new UserError('INVALID_CONFIG', `${path} ${problem}; fix or remove it by hand (agentry will not overwrite it)`, {
    details: { path },
    ...(cause === undefined ? {} : { cause }),
  });
}
