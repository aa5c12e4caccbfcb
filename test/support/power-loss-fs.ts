// A simulated power cut for the journal's file operations (reliability.md §9 test 3), in the
// manner of SQLite's crash-test VFS (src/test6.c). Every file opened through `fs` has two copies
// here: what the kernel holds (every write and truncate, at once) and what the disk holds (the
// kernel's bytes as they were when the last fdatasync on that file was called, once it returned).
// `image(tail)` is the folder as a power cut at this instant could leave it.
//
// What Linux (ext4) guarantees, and so what is modelled:
// - Bytes written and not covered by a completed fdatasync may be lost. ext4's default
//   data=ordered keeps a prefix of them ('torn' keeps half, 'kept' all, 'lost' none); a file
//   system that commits the size before the data shows zeros instead ('zeros').
// - A truncate not yet covered by an fdatasync may be undone ('lost' keeps the old length).
// Not modelled, because the journal does not do them through FsOps: the rename of a compaction
// and the folder fsync after it go through node:fs. The folder's names are taken as they are at the
// cut; test/memory/journal-compact.test.ts covers each state a reverted rename can leave.
// Files not opened through `fs` (snapshot.json, archive/, the history index) are taken as they
// are: they are written by replaceFile/appendArchive, which fsync before they resolve.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { nodeFsOps } from '../../memory/fs-ops.js';
import type { FileOps, FsOps } from '../../memory/fs-ops.js';

/** What a power cut does to bytes not covered by an fdatasync. */
export type Tail = 'lost' | 'torn' | 'zeros' | 'kept';
export const TAILS: readonly Tail[] = ['lost', 'torn', 'zeros', 'kept'];

/** The folder after a cut: relative path → bytes. */
export type DiskImage = ReadonlyMap<string, Buffer>;

interface Tracked {
  ino: number;
  kernel: Buffer;
  disk: Buffer;
}

export interface PowerLossOptions {
  /** Called before and after every file operation; call `image()` inside it to keep that cut. */
  onCutPoint?: (at: string) => void;
}

export class PowerLossDisk {
  readonly fs: FsOps;
  /** Operations so far, `open`, `write`, `sync`, `truncate`, `close` with the file's name. */
  readonly ops: string[] = [];
  private readonly files = new Set<Tracked>();

  constructor(
    readonly dir: string,
    private readonly options: PowerLossOptions = {},
  ) {
    this.fs = { open: (path) => this.open(path) };
  }

  /**
   * The folder as a power cut now would leave it. Synchronous, so no operation of the journal
   * runs meanwhile; but a rename the thread pool is doing for another writer (a temp file of the
   * history index or the snapshot) can land between listing a name and reading it. A name gone by
   * then is left out: the renamed file's target is read as it is after the rename, or was not
   * there yet, and either state is one a cut around an atomic rename of a synced file can leave.
   */
  image(tail: Tail): DiskImage {
    const byIno = new Map([...this.files].map((f) => [f.ino, f]));
    const out = new Map<string, Buffer>();
    for (const path of listFiles(this.dir)) {
      const data = ifPresent(() => {
        const tracked = byIno.get(statSync(path).ino);
        return tracked ? afterCut(tracked, tail) : readFileSync(path);
      });
      if (data) out.set(relative(this.dir, path), data);
    }
    return out;
  }

  private cutPoint(at: string): void {
    this.ops.push(at);
    this.options.onCutPoint?.(at);
  }

  private async open(path: string): Promise<FileOps> {
    const name = relative(this.dir, path);
    this.cutPoint(`before open ${name}`);
    let existed = true;
    try {
      statSync(path);
    } catch {
      existed = false;
    }
    const file = await nodeFsOps.open(path);
    const kernel = readFileSync(path);
    const tracked: Tracked = { ino: statSync(path).ino, kernel, disk: existed ? Buffer.from(kernel) : Buffer.alloc(0) };
    this.files.add(tracked);
    this.cutPoint(`after open ${name}`);
    return {
      write: (data, position) => {
        this.cutPoint(`before write ${name}@${position}`);
        const n = file.write(data, position);
        tracked.kernel = overwrite(tracked.kernel, data.subarray(0, n), position);
        this.cutPoint(`after write ${name}@${position}`);
        return n;
      },
      sync: async () => {
        this.cutPoint(`before sync ${name}`);
        const covered = Buffer.from(tracked.kernel);
        await file.sync();
        tracked.disk = covered;
        this.cutPoint(`after sync ${name}`);
      },
      truncate: async (length) => {
        this.cutPoint(`before truncate ${name} to ${length}`);
        await file.truncate(length);
        tracked.kernel = resize(tracked.kernel, length);
        this.cutPoint(`after truncate ${name}`);
      },
      close: async () => {
        this.cutPoint(`before close ${name}`);
        await file.close();
        this.cutPoint(`after close ${name}`);
      },
    };
  }
}

/** Writes an image into an empty folder (0700/0600, as the store keeps them). */
export function writeImage(image: DiskImage, dir: string): void {
  for (const [name, data] of image) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, data, { mode: 0o600 });
  }
}

/** A key that is equal for equal images (to test each distinct disk state once). */
export function imageKey(image: DiskImage): string {
  return [...image].sort(([a], [b]) => a.localeCompare(b)).map(([name, data]) => `${name}:${data.toString('base64')}`).join('\n');
}

function afterCut(f: Tracked, tail: Tail): Buffer {
  if (tail === 'kept') return Buffer.from(f.kernel);
  const common = commonPrefix(f.disk, f.kernel);
  const unsynced = f.kernel.length - common;
  if (tail === 'lost' || unsynced <= 0) return Buffer.from(f.disk);
  if (tail === 'zeros') return Buffer.concat([f.kernel.subarray(0, common), Buffer.alloc(unsynced)]);
  return Buffer.from(f.kernel.subarray(0, common + Math.ceil(unsynced / 2)));
}

function commonPrefix(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

function overwrite(buf: Buffer, data: Uint8Array, position: number): Buffer {
  const out = resize(buf, Math.max(buf.length, position + data.length));
  out.set(data, position);
  return out;
}

function resize(buf: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  buf.copy(out, 0, 0, Math.min(buf.length, length));
  return out;
}

function listFiles(dir: string): string[] {
  const entries = ifPresent(() => readdirSync(dir, { withFileTypes: true })) ?? [];
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return listFiles(path);
    return e.isFile() ? [path] : [];
  });
}

/** `read()`, or undefined when what it reads was renamed or removed meanwhile (ENOENT). */
function ifPresent<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return undefined;
    throw err;
  }
}
