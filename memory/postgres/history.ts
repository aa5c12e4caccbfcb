// Finished tasks (the history) in Postgres: each task's view as JSON beside the columns the task
// query filters and sorts on. A page answers the same query (api.task-query) with the same
// cursor as the embedded history (machines/supervisor/read-models/history.ts over
// memory/history-index.ts): newest first by [createdAt, id], `search` a case-insensitive
// substring of the same lower-cased text, `since` the same ISO forms.
import { UserError } from '../../core/errors.js';
import type { ApiTaskQuery } from '../../schemas/generated/types.js';
import type { HistoryFields } from '../history-index.js';
import { decodeCursor, encodeCursor, parseSince } from '../history-query.js';
import type { HistoryKey } from '../history-query.js';
import type { HistoryStore, StorePage } from '../store.js';
import type { PgStore } from './pool.js';

const DEFAULT_PAGE = 50;
const EXPORT_BATCH = 500;


interface TaskRow<V> {
  id: string;
  created_at: string;
  view: V;
}

export class PgHistory<V = unknown> implements HistoryStore<V> {
  constructor(private readonly store: PgStore) {}

  /** Records (or replaces: the latest write of an id wins) a task's view with its index fields. */
  async put(view: V, fields: HistoryFields): Promise<void> {
    await this.run('record a task', () =>
      this.store.pool.query(
        `INSERT INTO agentry_tasks (id, created_at, status, workflow, parent_id, approval_ids, approvals, search_text, view)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (id) DO UPDATE SET created_at = EXCLUDED.created_at, status = EXCLUDED.status, workflow = EXCLUDED.workflow,
           parent_id = EXCLUDED.parent_id, approval_ids = EXCLUDED.approval_ids, approvals = EXCLUDED.approvals,
           search_text = EXCLUDED.search_text, view = EXCLUDED.view, updated_at = now()`,
        [fields.id, fields.createdAt, fields.status, fields.workflow, fields.parentId ?? null, fields.approvals.map(([a]) => a), JSON.stringify(fields.approvals), fields.text, JSON.stringify(view)],
      ),
    );
  }

  async find(id: string): Promise<V | undefined> {
    const r = await this.run('read a task', () => this.store.pool.query<{ view: V }>('SELECT view FROM agentry_tasks WHERE id = $1', [id]));
    return r.rows[0]?.view;
  }

  /** The task that asked for approval `approvalId`. */
  async taskOfApproval(approvalId: string): Promise<string | undefined> {
    const r = await this.run('read a task', () => this.store.pool.query<{ id: string }>('SELECT id FROM agentry_tasks WHERE approval_ids @> ARRAY[$1::text] LIMIT 1', [approvalId]));
    return r.rows[0]?.id;
  }

  async count(): Promise<number> {
    const r = await this.run('count tasks', () => this.store.pool.query<{ n: string }>('SELECT count(*) AS n FROM agentry_tasks'));
    return Number(r.rows[0]?.n ?? 0);
  }

  /** One page of the query, newest first; `nextCursor` is null on the last page. */
  async query(q: ApiTaskQuery): Promise<StorePage<V>> {
    const limit = q.limit ?? DEFAULT_PAGE;
    const after = q.after === undefined ? undefined : wholeKey(q.after);
    const since = q.since === undefined ? undefined : parseSince(q.since);
    const where: string[] = [];
    const args: unknown[] = [];
    const arg = (v: unknown): string => {
      args.push(v);
      return `$${args.length}`;
    };
    if (q.status !== undefined) where.push(`status = ${arg(q.status)}`);
    if (q.workflow !== undefined) where.push(`workflow = ${arg(q.workflow)}`);
    if (q.parentId !== undefined) where.push(`parent_id = ${arg(q.parentId)}`);
    if (since !== undefined) where.push(`created_at >= ${arg(since)}`);
    // lower-cased here as the stored text was (in JavaScript), so both sides fold alike
    if (q.search !== undefined) where.push(`strpos(search_text, ${arg(q.search.toLowerCase())}) > 0`);
    if (after !== undefined) where.push(afterKey(after, arg));
    const sql = `SELECT id, created_at, view FROM agentry_tasks ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ${arg(limit + 1)}`;
    const r = await this.run('query tasks', () => this.store.pool.query<TaskRow<V>>(sql, args));
    const page = r.rows.slice(0, limit);
    const last = page.at(-1);
    return { items: page.map((row) => row.view), nextCursor: r.rows.length > limit && last ? encodeCursor([Number(last.created_at), last.id, 0]) : null };
  }

  /**
   * Tasks written at or after `sinceMs` by the database's clock, oldest write first, with the
   * newest write's time: what a supervisor follows to keep its live list in step with the cluster.
   */
  async changedSince(sinceMs: number, limit = 5000): Promise<{ views: V[]; newestMs: number }> {
    const r = await this.run('read changed tasks', () =>
      this.store.pool.query<{ view: V; at: string }>(
        'SELECT view, floor(extract(epoch FROM updated_at) * 1000)::bigint AS at FROM agentry_tasks WHERE updated_at >= to_timestamp($1 / 1000.0) ORDER BY updated_at LIMIT $2',
        [sinceMs, limit],
      ),
    );
    return { views: r.rows.map((row) => row.view), newestMs: r.rows.reduce((m, row) => Math.max(m, Number(row.at)), sinceMs) };
  }

  /** Every task created at or after `since` (ms), oldest first, read in batches. Returns how many. */
  async export(since: number, write: (view: V) => void): Promise<number> {
    let n = 0;
    let from: [number, string] | undefined;
    for (;;) {
      const r = await this.run('export tasks', () =>
        from === undefined
          ? this.store.pool.query<TaskRow<V>>('SELECT id, created_at, view FROM agentry_tasks WHERE created_at >= $1 ORDER BY created_at, id LIMIT $2', [since, EXPORT_BATCH])
          : this.store.pool.query<TaskRow<V>>('SELECT id, created_at, view FROM agentry_tasks WHERE (created_at, id) > ($1, $2) ORDER BY created_at, id LIMIT $3', [from[0], from[1], EXPORT_BATCH]),
      );
      for (const row of r.rows) write(row.view);
      n += r.rows.length;
      const last = r.rows.at(-1);
      if (!last || r.rows.length < EXPORT_BATCH) return n;
      from = [Number(last.created_at), last.id];
    }
  }

  private async run<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.store.storeError(err, `cannot ${doing}`);
    }
  }
}

/** A cursor whose time is a whole millisecond (every page this store hands out has one). */
export function wholeKey(cursor: string): HistoryKey {
  const key = decodeCursor(cursor);
  if (!Number.isSafeInteger(key[0])) throw new UserError('INVALID_INPUT', `after: expected the nextCursor of a previous page, got ${JSON.stringify(cursor.slice(0, 60))}`);
  return key;
}

/** Rows that sort after the cursor, newest first: older, or as old with a smaller id. */
function afterKey(key: HistoryKey, arg: (v: unknown) => string): string {
  const at = arg(key[0]);
  return `(created_at < ${at} OR (created_at = ${at} AND id < ${arg(key[1])}))`;
}
