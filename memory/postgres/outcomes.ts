// Learning rows in Postgres: a finished task's outcome (outcome.schema.json, kind 'outcome') or an
// applied remedy's heal record (kind 'heal'). One row per id, written once (a re-recorded one after
// a crash is a no-op), read oldest first to feed the rules: every supervisor loads the newest ones
// of each kind at its start and follows the rows written after them.
import type { PgStore } from './pool.js';

const DEFAULT_LIMIT = 1_000;

/** What a row's record is; a row of a kind this build does not know is the reader's to skip. */
export type PgOutcomeKind = 'outcome' | 'heal';

export interface PgOutcome<R> {
  id: string;
  at: number;
  taskId: string;
  agent: string;
  workflow: string;
  record: R;
  /** 'outcome' unless told. */
  kind?: PgOutcomeKind;
}

/** A row as a follower reads it: the record is the writer's JSON, typed by the caller, checked by the reader. */
export interface PgOutcomeRow<R> {
  id: string;
  at: number;
  record: R;
  /** As written: a newer agentry may write a kind this one does not know. */
  kind: string;
}

type Row<R> = { id: string; at: string; record: R; kind: string };
const rowOf = <R>(r: Row<R>): PgOutcomeRow<R> => ({ id: r.id, at: Number(r.at), record: r.record, kind: r.kind });

export class PgOutcomes<R = unknown> {
  constructor(private readonly store: PgStore) {}

  /** False when an outcome with this id was recorded before (nothing changes). */
  async record(o: PgOutcome<R>): Promise<boolean> {
    try {
      const r = await this.store.pool.query('INSERT INTO agentry_outcomes (id, at, task_id, agent, workflow, record, kind) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING', [
        o.id,
        o.at,
        o.taskId,
        o.agent,
        o.workflow,
        JSON.stringify(o.record),
        o.kind ?? 'outcome',
      ]);
      return r.rowCount === 1;
    } catch (err) {
      throw this.store.storeError(err, 'cannot record an outcome');
    }
  }

  /** Task outcomes (kind 'outcome') at or after `since` (ms), oldest first. */
  async list(opts: { since?: number; limit?: number } = {}): Promise<R[]> {
    try {
      const r = await this.store.pool.query<{ record: R }>("SELECT record FROM agentry_outcomes WHERE kind = 'outcome' AND at >= $1 ORDER BY at, id LIMIT $2", [opts.since ?? 0, opts.limit ?? DEFAULT_LIMIT]);
      return r.rows.map((row) => row.record);
    } catch (err) {
      throw this.store.storeError(err, 'cannot read outcomes');
    }
  }

  /** The newest `limit` rows of `kind`, oldest first. */
  async newest(limit: number, kind: PgOutcomeKind = 'outcome'): Promise<PgOutcomeRow<R>[]> {
    try {
      const sql = 'SELECT id, at, record, kind FROM (SELECT id, at, record, kind FROM agentry_outcomes WHERE kind = $2 ORDER BY at DESC, id DESC LIMIT $1) newest ORDER BY at, id';
      const r = await this.store.pool.query<Row<R>>(sql, [limit, kind]);
      return r.rows.map(rowOf);
    } catch (err) {
      throw this.store.storeError(err, 'cannot read outcomes');
    }
  }

  /** Rows of every kind after (at, id), oldest first, but those whose ids are in `skip` (read before). */
  async after(from: { at: number; id: string }, opts: { limit?: number; skip?: readonly string[] } = {}): Promise<PgOutcomeRow<R>[]> {
    try {
      const r = await this.store.pool.query<Row<R>>('SELECT id, at, record, kind FROM agentry_outcomes WHERE (at, id) > ($1, $2) AND NOT (id = ANY($3)) ORDER BY at, id LIMIT $4', [
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
