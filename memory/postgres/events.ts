// The event log in Postgres: append-only, numbered by the database (seq), so every supervisor
// of a cluster reads one order. An append may carry a key (a step's idempotency key): a step
// that runs again after a crash appends nothing new and gets the first append's seq back.
import type { PgStore } from './pool.js';

const DEFAULT_LIMIT = 200;

export interface PgEventAppend<E> {
  at: number;
  type: string;
  taskId?: string;
  event: E;
  key?: string;
}

export interface PgEventRow<E> {
  seq: number;
  at: number;
  event: E;
}

export class PgEvents<E = unknown> {
  constructor(private readonly store: PgStore) {}

  async append(e: PgEventAppend<E>): Promise<{ seq: number; duplicate: boolean }> {
    try {
      const r = await this.store.pool.query<{ seq: string }>(
        'INSERT INTO agentry_events (key, at, type, task_id, event) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING RETURNING seq',
        [e.key ?? null, e.at, e.type, e.taskId ?? null, JSON.stringify(e.event)],
      );
      const row = r.rows[0];
      if (row) return { seq: Number(row.seq), duplicate: false };
      const first = await this.store.pool.query<{ seq: string }>('SELECT seq FROM agentry_events WHERE key = $1', [e.key]);
      return { seq: Number(first.rows[0]?.seq ?? 0), duplicate: true };
    } catch (err) {
      throw this.store.storeError(err, 'cannot append an event');
    }
  }

  /** Oldest first, after sequence number `after`, optionally of one task. */
  async list(opts: { after?: number; limit?: number; taskId?: string } = {}): Promise<PgEventRow<E>[]> {
    const args: unknown[] = [opts.after ?? 0, opts.limit ?? DEFAULT_LIMIT];
    const byTask = opts.taskId === undefined ? '' : `AND task_id = $${args.push(opts.taskId)}`;
    try {
      const r = await this.store.pool.query<{ seq: string; at: string; event: E }>(`SELECT seq, at, event FROM agentry_events WHERE seq > $1 ${byTask} ORDER BY seq LIMIT $2`, args);
      return r.rows.map((row) => ({ seq: Number(row.seq), at: Number(row.at), event: row.event }));
    } catch (err) {
      throw this.store.storeError(err, 'cannot read events');
    }
  }

  /** The newest event's sequence number (0 when there is none). */
  async newestSeq(): Promise<number> {
    try {
      const r = await this.store.pool.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM agentry_events');
      return Number(r.rows[0]?.seq ?? 0);
    } catch (err) {
      throw this.store.storeError(err, 'cannot read events');
    }
  }
}
