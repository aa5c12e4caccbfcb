// Atomic file replace (reliability.md §4, stack-notes §7.3): unique temp -> fsync -> rename -> fsync(dir).
// steno (lowdb) skips both fsyncs and uses a fixed temp name; this file is why we don't use it.
// Shared by the store (memory/durable-file.ts) and by files people own (config, Claude Code settings).
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The suffix of every temp file, so a sweep can find leftovers of writes killed before their rename. */
export const TEMP_SUFFIX = '.tmp';
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
