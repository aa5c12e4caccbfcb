// Durable replace (reliability.md §4, stack-notes §7.3): unique temp -> fsync -> rename -> fsync(dir).
// steno (lowdb) skips both fsyncs and uses a fixed temp name; this file is why we don't use it.
import { chmod, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errnoOf, storeUnavailable } from './errno.js';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

const TEMP_SUFFIX = '.tmp';
/** Lock temps belong to a concurrent starter's acquireLock; never sweep them. */
const LOCK_TEMP_PREFIX = '.agentry.lock.';
let counter = 0;

/** A temp name in the target's own folder (rename must not cross file systems), unique per process and call. */
export function tempPathFor(target: string): string {
  counter += 1;
  return join(dirname(target), `.${basename(target)}.${process.pid}.${counter}${TEMP_SUFFIX}`);
}

/** Replaces `path` with `data` so that after it resolves, a power loss shows the new content or the old. */
export async function replaceFile(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    const fh = await open(tmp, 'wx', mode);
    try {
      await fh.writeFile(data);
      await fh.sync(); // without it a power cut can leave a zero-length file after the rename
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dirname(path)); // persists the rename itself
}

/** A store file: replaced durably, mode 0600; a failure is STORE_UNAVAILABLE. */
export async function writeFileDurable(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await replaceFile(path, data, FILE_MODE);
  } catch (err) {
    throw storeUnavailable(path, 'durable write', err);
  }
}

/** A file people own (agentry.config.json, Claude Code settings): replaced the same way, keeping its mode (0644 when new). */
export async function writeOwnedFile(path: string, data: string): Promise<void> {
  const mode = await stat(path).then(
    (s) => s.mode & 0o777,
    () => 0o644,
  );
  await replaceFile(path, data, mode);
}

/** fsync a folder so renames and new entries in it survive a power loss (fsync(2): the file's fsync is not enough). */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return; // folders cannot be opened for fsync there
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
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
