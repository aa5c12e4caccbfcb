// A derived file that fails its schema is moved aside, not deleted (a person may want it), and
// rebuilt by its owner: `learning.json` becomes `learning.json.damaged-2026-12-02T05-06-07.000Z`.
import { readdir, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fsyncDir } from '../core/atomic-file.js';

const DAMAGED_MARK = '.damaged-';

/** A record of one move, for logs, `status` and `doctor`. */
export interface DamagedFile {
  /** The file that failed its check. */
  readonly file: string;
  /** Where it is now. */
  readonly movedTo: string;
  /** The first error found in it. */
  readonly error: string;
  /** ISO time of the move. */
  readonly at: string;
}

/** Renames `path` to `<path>.damaged-<time>` and returns the new path. */
export async function moveAside(path: string, at: Date): Promise<string> {
  const movedTo = `${path}${DAMAGED_MARK}${at.toISOString().replaceAll(':', '-')}`;
  await rename(path, movedTo);
  await fsyncDir(dirname(path));
  return movedTo;
}

/** The moved-aside copies of `path` lying in its folder, oldest first. */
export async function damagedCopies(path: string): Promise<string[]> {
  const prefix = `${basename(path)}${DAMAGED_MARK}`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  return names.filter((n) => n.startsWith(prefix)).sort().map((n) => join(dirname(path), n));
}
