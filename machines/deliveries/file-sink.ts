// The file sink: the approved content as Markdown with front-matter, at
// <folder>/<path template> in the project. Written durably (temp, fsync, then link, which never
// replaces an existing file; then fsync of the folder). A file another task wrote is never
// overwritten: the next free name (-2, -3…) is taken. The same task's file (a re-delivery after a
// crash) is replaced in place, atomically.
import { link, mkdir, open, readFile, readdir, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fsyncDir, replaceFile, tempPathFor } from '../../core/atomic-file.js';
import type { FileSink } from '../../schemas/generated/types.js';
import type { Deliverable } from './content.js';
import { markdownDocument, taskOfDocument } from './content.js';
import type { Send, SinkResult } from './sink.js';
import { draining, failed } from './sink.js';

const FILE_MODE = 0o644;
const DEFAULT_FOLDER = 'outputs';
const DEFAULT_PATH = '{channel}/{date}-{slug}.md';
const MAX_SUFFIX = 1000;

const segment = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^\.+/, '') || 'x';

/** The path template filled: each value made one safe path segment. */
export function relativePathOf(template: string, d: Deliverable): string {
  const values: Record<string, string> = { channel: d.channel, date: d.approvedAt.slice(0, 10), slug: d.slug, workflow: d.workflow, taskId: d.taskId, action: d.action };
  return template.replace(/\{(\w+)\}/g, (all, name: string) => (Object.hasOwn(values, name) ? segment(values[name] ?? '') : all));
}

function withSuffix(path: string, n: number): string {
  if (n === 1) return path;
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') ? `${path.slice(0, dot)}-${n}${path.slice(dot)}` : `${path}-${n}`;
}

/** Creates `path` with `data` unless it exists (false then), durably. */
async function createExclusive(path: string, data: string): Promise<boolean> {
  const tmp = tempPathFor(path);
  const fh = await open(tmp, 'wx', FILE_MODE);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await link(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(tmp).catch(() => undefined);
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

async function ownerOf(path: string): Promise<string | undefined> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return taskOfDocument(text);
}

/** Serializes writes in this process, so two tasks with the same slug take distinct names. */
let chain: Promise<unknown> = Promise.resolve();

export const sendFile: Send<FileSink> = (sink, d, key, ctx) => {
  const run = async (): Promise<SinkResult> => {
    if (ctx.signal.aborted) throw draining();
    const folder = resolve(ctx.projectDir, sink.folder ?? DEFAULT_FOLDER);
    const wanted = join(folder, relativePathOf(sink.path ?? DEFAULT_PATH, d));
    const inside = relative(folder, wanted);
    if (inside.startsWith('..') || isAbsolute(inside)) return failed(wanted, 1, `the path template leads outside ${folder}`);
    const data = markdownDocument(d, key);
    try {
      await mkdir(resolve(wanted, '..'), { recursive: true });
      for (let n = 1; n <= MAX_SUFFIX; n++) {
        const path = withSuffix(wanted, n);
        if (await createExclusive(path, data)) {
          await fsyncDir(dirname(path));
          await removeLeftovers(path);
          return { status: 'delivered', attempts: 1, target: path };
        }
        if ((await ownerOf(path)) === d.taskId) {
          await replaceFile(path, data, FILE_MODE);
          await removeLeftovers(path);
          return { status: 'delivered', attempts: 1, target: path };
        }
      }
      return failed(wanted, 1, `${MAX_SUFFIX} files named like it already exist`);
    } catch (err) {
      return failed(wanted, 1, (err as Error).message);
    }
  };
  const next = chain.then(run, run);
  chain = next.catch(() => undefined);
  return next;
};
