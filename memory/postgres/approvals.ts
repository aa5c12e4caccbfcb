// Approvals in Postgres, live and decided, readable by every supervisor of the cluster. A
// decision is one conditional UPDATE (status still pending), so an approval decided through two
// supervisors at once is decided once: the loser is told it was already decided. Lists sort as
// the embedded history does: newest task first, then request order within the task.
import type { HistoryKey } from '../history-query.js';
import { encodeCursor } from '../history-query.js';
import { wholeKey } from './history.js';
import type { StorePage } from '../store.js';
import type { PgStore } from './pool.js';

const DEFAULT_PAGE = 50;

export interface PgApprovalRecord<V> {
  id: string;
  kind: string;
  /** The task that asked (none for a Claude Code permission prompt). */
  taskId?: string;
  status: string;
  /** Where it sorts: [the task's createdAt, task id (or the approval id), index within the task]. */
  key: HistoryKey;
  view: V;
}

interface Row<V> {
  view: V;
  sort_at: string;
  sort_id: string;
  sort_index: number;
}

export class PgApprovals<V = unknown> {
  constructor(private readonly store: PgStore) {}

  /** Records an approval or replaces it (a re-request, an escalation, a decision already made). */
  async put(a: PgApprovalRecord<V>): Promise<void> {
    await this.run('record an approval', () =>
      this.store.pool.query(
        `INSERT INTO agentry_approvals (id, kind, task_id, status, sort_at, sort_id, sort_index, view) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, task_id = EXCLUDED.task_id, status = EXCLUDED.status, sort_at = EXCLUDED.sort_at,
           sort_id = EXCLUDED.sort_id, sort_index = EXCLUDED.sort_index, view = EXCLUDED.view, updated_at = now()`,
        [a.id, a.kind, a.taskId ?? null, a.status, a.key[0], a.key[1], a.key[2], JSON.stringify(a.view)],
      ),
    );
  }

  async get(id: string): Promise<{ status: string; view: V } | undefined> {
    const r = await this.run('read an approval', () => this.store.pool.query<{ status: string; view: V }>('SELECT status, view FROM agentry_approvals WHERE id = $1', [id]));
    return r.rows[0];
  }

  /**
   * Moves a pending approval to `status` with its decided view. Returns the view, or undefined
   * when the approval is unknown or no longer pending (someone decided first).
   */
  async decide(id: string, status: string, view: V): Promise<V | undefined> {
    const r = await this.run('decide an approval', () =>
      this.store.pool.query<{ view: V }>(`UPDATE agentry_approvals SET status = $2, view = $3, updated_at = now() WHERE id = $1 AND status = 'pending' RETURNING view`, [id, status, JSON.stringify(view)]),
    );
    return r.rows[0]?.view;
  }

  /** One page, newest first, optionally of one status. */
  async query(q: { status?: string; limit?: number; after?: string }): Promise<StorePage<V>> {
    const limit = q.limit ?? DEFAULT_PAGE;
    const args: unknown[] = [];
    const arg = (v: unknown): string => {
      args.push(v);
      return `$${args.length}`;
    };
    const where: string[] = [];
    if (q.status !== undefined) where.push(`status = ${arg(q.status)}`);
    if (q.after !== undefined) {
      const [at, id, index] = wholeKey(q.after);
      const a = arg(at);
      const i = arg(id);
      where.push(`(sort_at < ${a} OR (sort_at = ${a} AND (sort_id < ${i} OR (sort_id = ${i} AND sort_index < ${arg(index)}))))`);
    }
    const sql = `SELECT view, sort_at, sort_id, sort_index FROM agentry_approvals ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY sort_at DESC, sort_id DESC, sort_index DESC LIMIT ${arg(limit + 1)}`;
    const r = await this.run('query approvals', () => this.store.pool.query<Row<V>>(sql, args));
    const page = r.rows.slice(0, limit);
    const last = page.at(-1);
    return { items: page.map((row) => row.view), nextCursor: r.rows.length > limit && last ? encodeCursor([Number(last.sort_at), last.sort_id, last.sort_index]) : null };
  }

  private async run<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.store.storeError(err, `cannot ${doing}`);
    }
  }
}
