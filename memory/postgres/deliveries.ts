// Deliveries of approved content in Postgres: one row per idempotency key (task × sink), so a
// re-send after a crash updates the same row and a sink sees the same key again.
import type { PgStore } from './pool.js';

export interface PgDelivery<V> {
  key: string;
  taskId: string;
  sink: string;
  status: string;
  attempts: number;
  view: V;
}

export class PgDeliveries<V = unknown> {
  constructor(private readonly store: PgStore) {}

  async put(d: PgDelivery<V>): Promise<void> {
    try {
      await this.store.pool.query(
        `INSERT INTO agentry_deliveries (key, task_id, sink, status, attempts, view) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (key) DO UPDATE SET status = EXCLUDED.status, attempts = EXCLUDED.attempts, view = EXCLUDED.view, updated_at = now()`,
        [d.key, d.taskId, d.sink, d.status, d.attempts, JSON.stringify(d.view)],
      );
    } catch (err) {
      throw this.store.storeError(err, 'cannot record a delivery');
    }
  }

  /** A task's deliveries, in the order they were first recorded. */
  async forTask(taskId: string): Promise<V[]> {
    return this.select('SELECT view FROM agentry_deliveries WHERE task_id = $1 ORDER BY ordinal', [taskId]);
  }

  /** Every delivery not delivered yet (pending or failed), oldest change first. */
  async open(): Promise<V[]> {
    return this.select("SELECT view FROM agentry_deliveries WHERE status <> 'delivered' ORDER BY updated_at, key", []);
  }

  private async select(sql: string, args: unknown[]): Promise<V[]> {
    try {
      const r = await this.store.pool.query<{ view: V }>(sql, args);
      return r.rows.map((row) => row.view);
    } catch (err) {
      throw this.store.storeError(err, 'cannot read deliveries');
    }
  }
}
