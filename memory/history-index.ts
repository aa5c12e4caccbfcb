// The index over the archive (archive/<day>.ndjson): one small entry per archived record, with
// where its line is, so a finished task is read back with one positioned read and a filtered
// page is a scan of small in-memory entries. The index is derived state: kept in
// history-index.ndjson beside the archive folder (appended, not fsync'd), checked against the
// archive at every open, and rebuilt from the archive when it is missing, damaged or stale.
import { appendFile, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ARCHIVE_DIR } from './archive.js';
import { FILE_MODE, writeFileDurable } from './durable-file.js';
import { errnoOf } from './errno.js';

export const HISTORY_INDEX_FILE = 'history-index.ndjson';

/** What the index knows of one archived record without reading it. */
export interface HistoryFields {
  id: string;
  createdAt: number;
  status: string;
  workflow: string;
  parentId?: string;
  /** [approval id, status] of each approval the record carries, in request order. */
  approvals: [string, string][];
  /** Lower-case text `--search` matches against. */
  text: string;
}

export interface HistoryEntry extends HistoryFields {
  file: string;
  offset: number;
  length: number;
}

/** The index fields of an archived record, or undefined for records the index leaves out. */
export type Summarize = (record: unknown) => HistoryFields | undefined;

type Row = [string, number, string, string, string | null, [string, string][], string, string, number, number];

export interface OpenedIndex {
  /** Whether the stored index was missing or failed its checks and was rebuilt from the archive. */
  rebuilt: boolean;
  entries: number;
}

export class HistoryIndex {
  private readonly byId = new Map<string, HistoryEntry>();
  private readonly byApproval = new Map<string, string>();
  private sorted: HistoryEntry[] | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly summarize: Summarize,
  ) {}

  private get indexPath(): string {
    return join(this.dir, HISTORY_INDEX_FILE);
  }

  private get archiveDir(): string {
    return join(this.dir, ARCHIVE_DIR);
  }

  /** Loads the stored index and brings it level with the archive (rebuilding what does not match). */
  open(): Promise<OpenedIndex> {
    return this.serial(async () => {
      const stored = await this.readStored();
      for (const e of stored ?? []) this.put(e);
      const files = await this.archiveFiles();
      let rewrite = stored === undefined;
      // Entries of archive files that are gone (retention, hand deletion) or that shrank are stale.
      const covered = this.coverage();
      for (const [file, end] of covered) {
        const size = files.get(file);
        if (size === undefined || size < end) {
          this.dropFile(file);
          rewrite = true;
        }
      }
      const added: HistoryEntry[] = [];
      const now = this.coverage();
      for (const [file, size] of files) added.push(...(await this.scan(file, now.get(file) ?? 0, size)));
      if (rewrite) await this.writeAll();
      else await this.appendRows(added);
      return { rebuilt: stored === undefined, entries: this.byId.size };
    });
  }

  /** Indexes what was appended to the archive since the last look. */
  catchUp(): Promise<number> {
    return this.serial(async () => {
      const files = await this.archiveFiles();
      const covered = this.coverage();
      const added: HistoryEntry[] = [];
      for (const [file, size] of files) added.push(...(await this.scan(file, covered.get(file) ?? 0, size)));
      await this.appendRows(added);
      return added.length;
    });
  }

  /** Deletes archive files of days before `day` (yyyy-mm-dd) and their entries. Returns the files removed. */
  pruneBefore(day: string): Promise<string[]> {
    return this.serial(async () => {
      const removed: string[] = [];
      for (const file of (await this.archiveFiles()).keys()) {
        if (file.slice(0, 10) >= day) continue;
        await rm(join(this.archiveDir, file), { force: true });
        this.dropFile(file);
        removed.push(file);
      }
      if (removed.length > 0) await this.writeAll();
      return removed;
    });
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get size(): number {
    return this.byId.size;
  }

  taskOfApproval(approvalId: string): string | undefined {
    return this.byApproval.get(approvalId);
  }

  /** Entries newest first (createdAt, then id, descending). */
  entries(): readonly HistoryEntry[] {
    this.sorted ??= [...this.byId.values()].sort(newestFirst);
    return this.sorted;
  }

  /** The archived record of `id`, read from its line; undefined when not archived. */
  async read(id: string): Promise<unknown> {
    const e = this.byId.get(id);
    if (!e) return undefined;
    const line = await this.readLine(e);
    if (line !== undefined && this.summarize(line)?.id === id) return line;
    // The archive no longer matches the index (edited by hand, restored from a backup): re-index.
    this.dropFile(e.file);
    await this.serial(async () => {
      const size = (await this.archiveFiles()).get(e.file);
      if (size !== undefined) await this.scan(e.file, 0, size);
      await this.writeAll();
    });
    const again = this.byId.get(id);
    return again ? this.readLine(again) : undefined;
  }

  private async readLine(e: HistoryEntry): Promise<unknown> {
    let fh;
    try {
      fh = await open(join(this.archiveDir, e.file), 'r');
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const buf = Buffer.alloc(e.length);
      const { bytesRead } = await fh.read(buf, 0, e.length, e.offset);
      return parseLine(buf.subarray(0, bytesRead).toString('utf8'));
    } finally {
      await fh.close();
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private put(e: HistoryEntry): void {
    const old = this.byId.get(e.id);
    if (old) for (const [a] of old.approvals) this.byApproval.delete(a);
    this.byId.set(e.id, e);
    for (const [a] of e.approvals) this.byApproval.set(a, e.id);
    this.sorted = null;
  }

  private dropFile(file: string): void {
    for (const e of this.byId.values()) {
      if (e.file !== file) continue;
      this.byId.delete(e.id);
      for (const [a] of e.approvals) this.byApproval.delete(a);
    }
    this.sorted = null;
  }

  /** The end of the last indexed line of each archive file. */
  private coverage(): Map<string, number> {
    const out = new Map<string, number>();
    for (const e of this.byId.values()) out.set(e.file, Math.max(out.get(e.file) ?? 0, e.offset + e.length));
    return out;
  }

  /** Indexes the whole lines of `file` in [from, size). */
  private async scan(file: string, from: number, size: number): Promise<HistoryEntry[]> {
    if (size <= from) return [];
    const fh = await open(join(this.archiveDir, file), 'r');
    let buf: Buffer;
    try {
      buf = Buffer.alloc(size - from);
      await fh.read(buf, 0, buf.length, from);
    } finally {
      await fh.close();
    }
    const added: HistoryEntry[] = [];
    let start = 0;
    for (let nl = buf.indexOf(0x0a); nl !== -1; start = nl + 1, nl = buf.indexOf(0x0a, start)) {
      const record = parseLine(buf.subarray(start, nl + 1).toString('utf8'));
      const fields = record === undefined ? undefined : this.summarize(record);
      if (!fields) continue;
      // A later line of the same id wins (archiving is at-least-once).
      const e: HistoryEntry = { ...fields, file, offset: from + start, length: nl + 1 - start };
      this.put(e);
      added.push(e);
    }
    return added;
  }

  private async archiveFiles(): Promise<Map<string, number>> {
    let names: string[];
    try {
      names = await readdir(this.archiveDir);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return new Map();
      throw err;
    }
    const out = new Map<string, number>();
    for (const name of names.filter((n) => /^\d{4}-\d{2}-\d{2}.*\.ndjson$/.test(n)).sort()) {
      out.set(name, (await stat(join(this.archiveDir, name))).size);
    }
    return out;
  }

  /** The stored entries, or undefined when the file is missing or any line fails its shape. */
  private async readStored(): Promise<HistoryEntry[] | undefined> {
    let text: string;
    try {
      text = await readFile(this.indexPath, 'utf8');
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return undefined;
      throw err;
    }
    const out: HistoryEntry[] = [];
    const lines = text.split('\n');
    // A torn last line (a crash mid-append) is dropped: the scan of the archive tail re-adds it.
    if (lines.at(-1) !== '') lines.pop();
    for (const line of lines) {
      if (line === '') continue;
      const e = fromRow(line);
      if (!e) return undefined;
      out.push(e);
    }
    return out;
  }

  private async appendRows(entries: readonly HistoryEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await appendFile(this.indexPath, entries.map(toRow).join(''), { mode: FILE_MODE });
  }

  private async writeAll(): Promise<void> {
    await writeFileDurable(this.indexPath, [...this.byId.values()].map(toRow).join(''));
  }
}

function newestFirst(a: HistoryEntry, b: HistoryEntry): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function parseLine(line: string): unknown {
  try {
    return (JSON.parse(line) as { r?: unknown }).r;
  } catch {
    return undefined;
  }
}

function toRow(e: HistoryEntry): string {
  const row: Row = [e.id, e.createdAt, e.status, e.workflow, e.parentId ?? null, e.approvals, e.text, e.file, e.offset, e.length];
  return `${JSON.stringify(row)}\n`;
}

function fromRow(line: string): HistoryEntry | undefined {
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!Array.isArray(row) || row.length !== 10) return undefined;
  const [id, createdAt, status, workflow, parentId, approvals, text, file, offset, length] = row as Row;
  const okTypes =
    typeof id === 'string' &&
    Number.isFinite(createdAt) &&
    typeof status === 'string' &&
    typeof workflow === 'string' &&
    (parentId === null || typeof parentId === 'string') &&
    Array.isArray(approvals) &&
    typeof text === 'string' &&
    typeof file === 'string' &&
    Number.isSafeInteger(offset) &&
    Number.isSafeInteger(length) &&
    length > 0;
  if (!okTypes) return undefined;
  const e: HistoryEntry = { id, createdAt, status, workflow, approvals, text, file, offset, length };
  if (parentId !== null) e.parentId = parentId;
  return e;
}
