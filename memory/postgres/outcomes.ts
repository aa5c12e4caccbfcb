// Learning outcomes (outcome.schema.json records) in Postgres: one row per outcome id, written
// once (a re-recorded outcome after a crash is a no-op), read oldest first to feed the rules:
// every supervisor loads the newest ones at its start and follows the rows written after them.
import type { PgStore } from './pool.js';

const DEFAULT_LIMIT = 1_000;

export interface PgOutcome<R> {
  id: string;
  at: number;
  taskId: string;
  agent: string;
  workflow: string;
  record: R;
}

/** A row as a follower reads it: the record is the writer's JSON, typed by the caller, checked by the reader. */
export interface PgOutcomeRow<R> {
  id: string;
  at: number;
  record: R;
}

type Row<R> = { id: string; at: string; record: R };
const rowOf = <R>(r: Row<R>): PgOutcomeRow<R> => ({ id: r.id, at: Number(r.at), record: r.record });

export class PgOutcomes<R = unknown> {
  constructor(private readonly store: PgStore) {}

  /** False when an outcome with this id was recorded before (nothing changes). */
  async record(o: PgOutcome<R>): Promise<boolean> {
    try {
      const r = await this.store.pool.query('INSERT INTO agentry_outcomes (id, at, task_id, agent, workflow, record) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING', [
        o.id,
        o.at,
        o.taskId,
        o.agent,
        o.workflow,
        JSON.stringify(o.record),
      ]);
      return r.rowCount === 1;
    } catch (err) {
      throw this.store.storeError(err, 'cannot record an outcome');
    }
  }

  /** Outcomes at or after `since` (ms), oldest first. */
  async list(opts: { since?: number; limit?: number } = {}): Promise<R[]> {
    try {
      const r = await this.store.pool.query<{ record: R }>('SELECT record FROM agentry_outcomes WHERE at >= $1 ORDER BY at, id LIMIT $2', [opts.since ?? 0, opts.limit ?? DEFAULT_LIMIT]);
      return r.rows.map((row) => row.record);
    } catch (err) {
      throw this.store.storeError(err, 'cannot read outcomes');
    }
  }

  /** The newest `limit` outcomes, oldest first. */
  async newest(limit: number): Promise<PgOutcomeRow<R>[]> {
    try {
      const r = await this.store.pool.query<Row<R>>('SELECT id, at, record FROM (SELECT id, at, record FROM agentry_outcomes ORDER BY at DESC, id DESC LIMIT $1) newest ORDER BY at, id', [limit]);
      return r.rows.map(rowOf);
    } catch (err) {
      throw this.store.storeError(err, 'cannot read outcomes');
    }
  }

  /** Outcomes after (at, id), oldest first, but those whose ids are in `skip` (read before). */
  async after(from: { at: number; id: string }, opts: { limit?: number; skip?: readonly string[] } = {}): Promise<PgOutcomeRow<R>[]> {
    try {
      const r = await this.store.pool.query<Row<R>>('SELECT id, at, record FROM agentry_outcomes WHERE (at, id) > ($1, $2) AND NOT (id = ANY($3)) ORDER BY at, id LIMIT $4', [
        from.at,
        from.id,
        opts.skip ?? [],
        opts.limit ?? DEFAULT_LIMIT,
      ]);
      return r.rows.map(rowOf);
    } catch (err) {
      throw this.store.storeError(err, 'cannot read outcomes');
    }
  }
}
