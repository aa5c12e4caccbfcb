// archive/<yyyy-mm-dd>.ndjson: finished-task records moved out of active state, one
// `{"n":<name>,"r":<record>}` line each. Archiving is at-least-once (a crash between archiving and
// the snapshot that drops the task archives it again), so readers de-duplicate by record id.
import { open, readFile, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir } from '../core/atomic-file.js';
import { ensureStateDir, FILE_MODE } from './durable-file.js';
import { errnoOf, storeUnavailable } from './errno.js';
import { recordJson } from './journal-format.js';

export const ARCHIVE_DIR = 'archive';

export interface ArchivedRecord {
  name: string;
  record: unknown;
}

export function archivePath(dir: string, day: Date): string {
  return join(dir, ARCHIVE_DIR, `${day.toISOString().slice(0, 10)}.ndjson`);
}

/** Appends and fsyncs; resolves only when the lines are durable. Returns the archive file path. */
export async function appendArchive(dir: string, name: string, records: readonly unknown[], day: Date): Promise<string> {
  const path = archivePath(dir, day);
  const text = records.map((r) => `{"n":${JSON.stringify(name)},"r":${recordJson(r)}}\n`).join('');
  try {
    await ensureStateDir(join(dir, ARCHIVE_DIR));
    const size = await sizeOf(path);
    const fh = await open(path, 'a+', FILE_MODE);
    try {
      // A torn last line from a crashed append would glue onto our first line: cut it off.
      if (size !== null && size > 0 && !(await endsWithNewline(fh, size))) {
        await fh.truncate(intactLength(await readFile(path)));
      }
      await fh.write(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (size === null) await fsyncDir(join(dir, ARCHIVE_DIR)); // the new file's folder entry
  } catch (err) {
    throw storeUnavailable(path, 'archiving', err);
  }
  return path;
}

/** The intact lines of one archive file (a torn last line is left out). */
export async function readArchive(path: string): Promise<ArchivedRecord[]> {
  const buf = await readFile(path);
  return buf
    .subarray(0, intactLength(buf))
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const { n, r } = JSON.parse(line) as { n: string; r: unknown };
      return { name: n, record: r };
    });
}

async function endsWithNewline(fh: FileHandle, size: number): Promise<boolean> {
  const { buffer } = await fh.read(Buffer.alloc(1), 0, 1, size - 1);
  return buffer[0] === 0x0a;
}

function intactLength(buf: Buffer): number {
  return buf.lastIndexOf(0x0a) + 1;
}

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return null;
    throw err;
  }
}
