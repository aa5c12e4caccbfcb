// Learning outcomes (outcome.schema.json records) in Postgres: one row per outcome id, written
// once (a re-recorded outcome after a crash is a no-op), read oldest first to feed the rules.
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
}
