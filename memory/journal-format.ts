/**
 * Journal line format (journal.ndjson). One record per line, UTF-8, each line ends in '\n':
 *
 *   {"s":<seq>,"c":"<crc>","r":<record JSON>}
 *
 * - s: sequence number, a decimal integer >= 1, exactly +1 from the line before. After a compaction
 *   the file starts just after the snapshot's seq, so a lost prefix shows up as a gap.
 * - c: CRC-32 (IEEE) as 8 lowercase hex digits over the bytes `<s>:<record JSON>`, so a flipped bit
 *   in the seq or in the record is caught, not only in the record.
 * - r: the record exactly as JSON.stringify wrote it (that never contains a raw newline).
 *
 * Each line is itself JSON (`jq` reads the file). A line is intact only if it ends in '\n', has
 * exactly this shape (keys in this order) and its CRC matches. The writer only ever appends, so a
 * crash can only leave bad bytes after the last intact line (a torn tail); bad bytes followed by an
 * intact line mean corruption.
 */
import { SystemError } from '../core/errors.js';
import { crc32, toHex32 } from './crc32.js';

export interface JournalEntry {
  seq: number;
  record: unknown;
}

const NEWLINE = 0x0a;
const SHAPE = /^\{"s":([1-9]\d*),"c":"([0-9a-f]{8})","r":(.*)\}$/s;

function head(seq: string, crc: string): string {
  return `{"s":${seq},"c":"${crc}","r":`;
}

function checksum(seq: string, record: Uint8Array): string {
  return toHex32(crc32(record, crc32(Buffer.from(`${seq}:`, 'latin1'))));
}

/** JSON text of a record; a record that has none (undefined, a function, a cycle, a BigInt) is a caller bug. */
export function recordJson(record: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(record) as string | undefined; // lib.d.ts claims string; undefined is real
  } catch (err) {
    throw new SystemError('INTERNAL', 'a store record is not JSON-serialisable', { cause: err });
  }
  if (typeof json !== 'string') throw new SystemError('INTERNAL', 'a store record is not JSON-serialisable');
  return json;
}

/** `json` must be the JSON.stringify output of the record. */
export function encodeLine(seq: number, json: string): Buffer {
  return encodeLines(seq, [json]);
}

/** Lines for consecutive seqs from `firstSeq`, in one buffer (one allocation for the record bytes, one for the lines). */
export function encodeLines(firstSeq: number, jsons: readonly string[]): Buffer {
  const records = jsons.map((json) => Buffer.from(json));
  const heads = records.map((record, i) => {
    const s = String(firstSeq + i);
    return head(s, checksum(s, record));
  });
  let size = 0;
  for (let i = 0; i < records.length; i++) size += (heads[i] as string).length + (records[i] as Buffer).length + 2;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = 0; i < records.length; i++) {
    at += out.write(heads[i] as string, at, 'latin1'); // ASCII: digits, hex and punctuation
    at += (records[i] as Buffer).copy(out, at);
    out[at++] = 0x7d; // }
    out[at++] = NEWLINE;
  }
  return out;
}

/** Decodes one line without its '\n'; a string is the reason it is not intact. */
function decodeLine(line: Buffer): JournalEntry | string {
  const m = SHAPE.exec(line.toString('utf8'));
  const [, s, c, json] = m ?? [];
  if (s === undefined || c === undefined || json === undefined) return 'not a journal line';
  // Check the CRC on the raw bytes: the head is ASCII, so its length in bytes is its length in chars.
  const record = line.subarray(head(s, c).length, line.length - 1);
  if (checksum(s, record) !== c) return 'checksum mismatch';
  try {
    return { seq: Number(s), record: JSON.parse(json) as unknown };
  } catch {
    return 'record is not JSON';
  }
}

export interface BadLine {
  /** 1-based line number. */
  line: number;
  /** Byte offset where the line starts: everything before it is intact. */
  offset: number;
  reason: string;
}

export interface ScanResult {
  entries: JournalEntry[];
  /** Bytes of intact lines from the start; the file should be truncated to this. */
  goodLength: number;
  /** Bad bytes at the end with no intact line after them (a write torn by a crash). */
  torn: BadLine | null;
  /** A bad line followed by an intact one, or a seq out of order: refuse to open. */
  corrupt: BadLine | null;
}

interface Line {
  start: number;
  decoded: JournalEntry | string;
}

function* lines(buf: Buffer, from: number): Generator<Line> {
  let start = from;
  while (start < buf.length) {
    const nl = buf.indexOf(NEWLINE, start);
    if (nl === -1) {
      yield { start, decoded: 'no newline (partial write)' };
      return;
    }
    yield { start, decoded: decodeLine(buf.subarray(start, nl)) };
    start = nl + 1;
  }
}

/** Reads a whole journal: intact entries, and where (if anywhere) it stops being intact. */
export function scanJournal(buf: Buffer): ScanResult {
  const entries: JournalEntry[] = [];
  let lineNo = 0;
  for (const { start, decoded } of lines(buf, 0)) {
    lineNo += 1;
    const bad = (reason: string): BadLine => ({ line: lineNo, offset: start, reason });
    if (typeof decoded === 'string') {
      const result = { entries, goodLength: start, torn: null, corrupt: null };
      return hasIntactLineAfter(buf, start)
        ? { ...result, corrupt: bad(`${decoded}, and intact lines follow`) }
        : { ...result, torn: bad(decoded) };
    }
    const prev = entries.at(-1);
    if (prev !== undefined && decoded.seq !== prev.seq + 1) {
      return { entries, goodLength: start, torn: null, corrupt: bad(`seq ${decoded.seq} follows seq ${prev.seq}`) };
    }
    entries.push(decoded);
  }
  return { entries, goodLength: buf.length, torn: null, corrupt: null };
}

function hasIntactLineAfter(buf: Buffer, badStart: number): boolean {
  let first = true;
  for (const { decoded } of lines(buf, badStart)) {
    if (!first && typeof decoded !== 'string') return true;
    first = false;
  }
  return false;
}
