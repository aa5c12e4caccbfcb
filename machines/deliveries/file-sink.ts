// The file sink: the approved content as Markdown with front-matter, at
// <folder>/<path template> in the project. Written durably (temp, fsync, then link, which never
// replaces an existing file; then fsync of the folder), with no lock: link decides races. A file another task wrote is never
// overwritten: the next free name (-2, -3…) is taken. The same task's file (a re-delivery after a
// crash) is replaced in place, atomically (rename over it).
import { link, mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fsyncDir, tempPathFor } from '../../core/atomic-file.js';
import type { FileSink } from '../../schemas/generated/types.js';
import type { Deliverable } from './content.js';
import { markdownDocument, taskOfDocument } from './content.js';
import type { Send } from './sink.js';
import { draining, failed } from './sink.js';

const FILE_MODE = 0o644;
const DEFAULT_FOLDER = 'outputs';
const DEFAULT_PATH = '{channel}/{date}-{slug}.md';
const MAX_SUFFIX = 1000;
/** Enough for the front-matter's first line (`---` and `task: "…"`). */
const OWNER_BYTES = 256;

const segment = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^\.+/, '') || 'x';

/** The path template filled: each value made one safe path segment. */
function relativePathOf(template: string, d: Deliverable): string {
  const values: Record<string, string> = { channel: d.channel, date: d.approvedAt.slice(0, 10), slug: d.slug, workflow: d.workflow, taskId: d.taskId, action: d.action };
  return template.replace(/\{(\w+)\}/g, (all, name: string) => (Object.hasOwn(values, name) ? segment(values[name] ?? '') : all));
}

function withSuffix(path: string, n: number): string {
  if (n === 1) return path;
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') ? `${path.slice(0, dot)}-${n}${path.slice(dot)}` : `${path}-${n}`;
}

/** A durable temp next to `path` holding `data` (fsync'd before any name points at it). */
async function writeTemp(path: string, data: string): Promise<string> {
  const tmp = tempPathFor(path);
  const fh = await open(tmp, 'wx', FILE_MODE);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return tmp;
}

/** Points `path` at `tmp` unless `path` exists (link never replaces): false then. */
async function linkIfFree(tmp: string, path: string): Promise<boolean> {
  try {
    await link(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temps of `path` left by a writer killed mid-write (its pid is gone): removed once the file is delivered. */
async function removeLeftovers(path: string): Promise<void> {
  const prefix = `.${basename(path)}.`;
  for (const name of await readdir(dirname(path)).catch(() => [] as string[])) {
    const pid = name.startsWith(prefix) && name.endsWith('.tmp') ? Number(name.slice(prefix.length).split('.')[0]) : NaN;
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) await unlink(join(dirname(path), name)).catch(() => undefined);
  }
}

/** The task a delivered file belongs to, from its first bytes (the front-matter's first line). */
async function ownerOf(path: string): Promise<string | undefined> {
  const fh = await open(path, 'r').catch(() => undefined);
  if (!fh) return undefined;
  try {
    const buf = Buffer.alloc(OWNER_BYTES);
    const { bytesRead } = await fh.read(buf, 0, OWNER_BYTES, 0);
    return taskOfDocument(buf.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await fh.close();
  }
}

/** Per wanted path, the first suffix not known to be taken (a hint: link still decides). */
const taken = new Map<string, number>();
const MAX_HINTS = 10_000;

/**
 * Takes the first free name (link is atomic and never replaces, so concurrent tasks with the
 * same slug get distinct names) or the one this task already owns (replaced by rename).
 */
export const sendFile: Send<FileSink> = async (sink, d, key, ctx) => {
  if (ctx.signal.aborted) throw draining();
  const folder = resolve(ctx.projectDir, sink.folder ?? DEFAULT_FOLDER);
  const wanted = join(folder, relativePathOf(sink.path ?? DEFAULT_PATH, d));
  const inside = relative(folder, wanted);
  if (inside.startsWith('..') || isAbsolute(inside)) return failed(wanted, 1, `the path template leads outside ${folder}`);
  let tmp: string | undefined;
  try {
    await mkdir(dirname(wanted), { recursive: true });
    tmp = await writeTemp(wanted, markdownDocument(d, key));
    // Names found taken in this process are not tried again (many pieces may share a slug).
    for (let n = taken.get(wanted) ?? 1; n <= MAX_SUFFIX; n++) {
      const path = withSuffix(wanted, n);
      const got = (await linkIfFree(tmp, path)) ? 'linked' : (await ownerOf(path)) === d.taskId ? 'ours' : undefined;
      if (got === undefined) continue;
      if (got === 'ours') await rename(tmp, path);
      else await unlink(tmp);
      tmp = undefined;
      if (got === 'linked') {
        if (taken.size >= MAX_HINTS) taken.clear();
        taken.set(wanted, n + 1);
      }
      await fsyncDir(dirname(path));
      await removeLeftovers(path);
      return { status: 'delivered', attempts: 1, target: path };
    }
    return failed(wanted, 1, `${MAX_SUFFIX} files named like it already exist`);
  } catch (err) {
    return failed(wanted, 1, (err as Error).message);
  } finally {
    if (tmp !== undefined) await unlink(tmp).catch(() => undefined);
  }
};
