// The history list's sort key and its two user-supplied inputs (the page cursor and `since`),
// shared by every store that answers a task query: the embedded archive index and Postgres
// read the same cursors and refuse the same bad input with the same words.
import { UserError } from '../core/errors.js';

/** Sort key, compared newest first: [createdAt, task id, approval index]. */
export type HistoryKey = [number, string, number];

/** Newest first: negative when `a` comes before `b`. */
export function compareKeys(a: HistoryKey, b: HistoryKey): number {
  if (a[0] !== b[0]) return b[0] - a[0];
  if (a[1] !== b[1]) return a[1] < b[1] ? 1 : -1;
  return b[2] - a[2];
}

export function isAfter(key: HistoryKey, cursor: HistoryKey | undefined): boolean {
  return cursor === undefined || compareKeys(key, cursor) > 0;
}

export function encodeCursor(key: HistoryKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string): HistoryKey {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === 3 && typeof key[0] === 'number' && typeof key[1] === 'string' && typeof key[2] === 'number') return key as HistoryKey;
  } catch {
    // fall through to the error
  }
  throw new UserError('INVALID_INPUT', `after: expected the nextCursor of a previous page, got ${JSON.stringify(cursor.slice(0, 60))}`);
}

/** An ISO date (2026-01-31) or date-time; a bad one is an INVALID_INPUT naming the parameter. */
export function parseSince(since: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(since) ? Date.parse(since) : Number.NaN;
  if (Number.isNaN(ms)) throw new UserError('INVALID_INPUT', `since: expected an ISO date such as 2026-01-31 or 2026-01-31T09:00:00Z, got ${JSON.stringify(since.slice(0, 60))}`);
  return ms;
}
