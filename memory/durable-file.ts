// The store's files: durable replace with mode 0600 (core/atomic-file.ts does the replace), the
// state folder, and the sweep of temp files left by writes killed before their rename.
import { chmod, mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { TEMP_SUFFIX, replaceFile } from '../core/atomic-file.js';
import { errnoOf, storeUnavailable } from './errno.js';

export const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** Lock temps belong to a concurrent starter's acquireLock; never sweep them. */
const LOCK_TEMP_PREFIX = '.agentry.lock.';

/** A store file: replaced durably, mode 0600; a failure is STORE_UNAVAILABLE. */
export async function writeFileDurable(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await replaceFile(path, data, FILE_MODE);
  } catch (err) {
    throw storeUnavailable(path, 'durable write', err);
  }
}

/** mkdir -p with 0700, and tightens an existing folder with looser bits. */
export async function ensureStateDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
    const st = await stat(dir);
    if ((st.mode & 0o777) !== DIR_MODE) await chmod(dir, DIR_MODE);
  } catch (err) {
    throw storeUnavailable(dir, 'creating the state folder', err);
  }
}

/**
 * Deletes `*.tmp` leftovers of writes killed before their rename. Call only while holding the store
 * lock: another live writer's temp would otherwise vanish under it. Returns the removed names.
 */
export async function removeTempFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((err: unknown) => {
    if (errnoOf(err) === 'ENOENT') return [];
    throw storeUnavailable(dir, 'listing temp files', err);
  });
  const removed: string[] = [];
  for (const name of names) {
    if (!name.endsWith(TEMP_SUFFIX) || name.startsWith(LOCK_TEMP_PREFIX)) continue;
    try {
      await unlink(join(dir, name));
      removed.push(name);
    } catch (err) {
      if (errnoOf(err) !== 'ENOENT') throw storeUnavailable(join(dir, name), 'removing a temp file', err);
    }
  }
  return removed;
}
