// At supervisor start: replays the hook spool (spool.ts) through the hook handler, once per id.
// The spool is first renamed aside, so hook calls that arrive meanwhile start a fresh spool and
// nothing appended is lost; the renamed file is deleted only when every line was handled, so a
// crash mid-ingest re-reads it and the ids already remembered are skipped.

import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { HookHandler, HookSupervisor } from './handler.js';
import { type SpoolEntry, parseSpoolLine } from '../../hooks/spool.js';

export type IngestSupervisor = HookSupervisor;

export interface IngestCounts {
  /** Non-empty lines read, torn ones included. */
  lines: number;
  ingested: number;
  /** Lines whose id was already seen (an earlier ingest that crashed before deleting). */
  duplicates: number;
  /** Lines that are not whole spool lines (a write cut short). */
  torn: number;
  /** Lines the handler threw on; their file is kept for the next start. */
  failed: number;
}

export async function ingestSpool(spoolFile: string, sup: IngestSupervisor, handler: HookHandler): Promise<IngestCounts> {
  const counts: IngestCounts = { lines: 0, ingested: 0, duplicates: 0, torn: 0, failed: 0 };
  for (const file of await claim(spoolFile)) {
    const before = counts.failed;
    await readLines(file, async (line) => {
      counts.lines += 1;
      const entry = parseSpoolLine(line);
      if (entry === undefined) counts.torn += 1;
      else await ingestOne(entry, sup, handler, counts);
    });
    if (counts.failed === before) await unlink(file);
  }
  return counts;
}

async function ingestOne(entry: SpoolEntry, sup: IngestSupervisor, handler: HookHandler, counts: IngestCounts): Promise<void> {
  if (sup.hasSeen(entry.id)) {
    counts.duplicates += 1;
    return;
  }
  try {
    const meta = { spooled: true, id: entry.id, at: Date.parse(entry.at), ...(entry.decision === undefined ? {} : { decision: entry.decision }) };
    await handler(entry.event, entry.payload, sup, meta);
  } catch (err) {
    counts.failed += 1;
    sup.rt.logger.error({ err, id: entry.id, hook: entry.event }, 'spooled hook event not ingested; kept for the next start');
    return;
  }
  await sup.remember(entry.id);
  counts.ingested += 1;
}

/** Leftovers of an interrupted ingest first, then the live spool, renamed aside. */
async function claim(spoolFile: string): Promise<string[]> {
  const dir = dirname(spoolFile);
  const prefix = `${basename(spoolFile)}.ingesting-`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const files = names.filter((n) => n.startsWith(prefix)).sort().map((n) => join(dir, n));
  const claimed = join(dir, `${prefix}${String(Date.now()).padStart(15, '0')}-${process.pid}`);
  try {
    await rename(spoolFile, claimed);
    files.push(claimed);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return files;
}

/**
 * Calls `onLine` for each line, in order. A hook that opened the spool just before the rename may
 * still append to the claimed file, so reading goes on until the file stops growing; a last line
 * without its newline counts too (it is parsed like any other, and torn if it does not parse).
 */
async function readLines(file: string, onLine: (line: string) => Promise<void>): Promise<void> {
  const fh = await open(file, 'r');
  try {
    let offset = 0;
    let rest = '';
    for (;;) {
      const { size } = await fh.stat();
      if (size <= offset) break;
      const buf = Buffer.alloc(size - offset);
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
      offset += bytesRead;
      const lines = (rest + buf.subarray(0, bytesRead).toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') await onLine(line);
    }
    if (rest.trim() !== '') await onLine(rest);
  } finally {
    await fh.close();
  }
}
