// SLA escalation state every supervisor of a cluster shares: breached deadlines with the tier they
// reached, and the domains escalation paused. A pause and a resume are each one conditional
// statement, so of two supervisors doing the same only one is told it changed anything (and
// only that one announces it).
import type { PgStore } from './pool.js';

export interface PgBreach {
  taskId: string;
  scope: string;
  deadline: number;
  tier: number;
}

/** Task statuses that end a task: a breach of a finished task is history, not an open breach. */
const FINISHED = ['completed', 'failed', 'rejected', 'cancelled'];

export class PgEscalations {
  constructor(private readonly store: PgStore) {}

  /** Records that `breach` reached its tier (a tier never goes down). */
  async breached(breach: PgBreach, at: number): Promise<void> {
    await this.run('cannot record an SLA breach', () =>
      this.store.pool.query(
        `INSERT INTO agentry_sla_breaches (task_id, scope, deadline, tier, at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (task_id, scope) DO UPDATE SET tier = greatest(agentry_sla_breaches.tier, excluded.tier), at = excluded.at`,
        [breach.taskId, breach.scope, breach.deadline, breach.tier, at],
      ),
    );
  }

  /** Breaches of tasks not finished (a task without a view yet counts as not finished). */
  async openBreaches(): Promise<PgBreach[]> {
    const r = await this.run('cannot read SLA breaches', () =>
      this.store.pool.query<{ task_id: string; scope: string; deadline: string; tier: number }>(
        `SELECT b.task_id, b.scope, b.deadline, b.tier FROM agentry_sla_breaches b LEFT JOIN agentry_tasks t ON t.id = b.task_id
          WHERE t.status IS NULL OR NOT (t.status = ANY($1)) ORDER BY b.deadline, b.task_id`,
        [FINISHED],
      ),
    );
    return r.rows.map((row) => ({ taskId: row.task_id, scope: row.scope, deadline: Number(row.deadline), tier: row.tier }));
  }

  /** True when this call paused the domain (false: it was paused already). */
  async pause(domain: string, reason: string, at: number): Promise<boolean> {
    const r = await this.run('cannot pause a domain', () =>
      this.store.pool.query(
        `INSERT INTO agentry_domains (domain, paused, reason, changed_at) VALUES ($1, true, $2, $3)
         ON CONFLICT (domain) DO UPDATE SET paused = true, reason = excluded.reason, changed_at = excluded.changed_at WHERE NOT agentry_domains.paused`,
        [domain, reason, at],
      ),
    );
    return r.rowCount === 1;
  }

  /** True when this call resumed the domain (false: it was not paused). */
  async resume(domain: string, at: number): Promise<boolean> {
    const r = await this.run('cannot resume a domain', () =>
      this.store.pool.query("UPDATE agentry_domains SET paused = false, reason = 'resumed by a person', changed_at = $2 WHERE domain = $1 AND paused", [domain, at]),
    );
    return r.rowCount === 1;
  }

  async paused(): Promise<string[]> {
    const r = await this.run('cannot read paused domains', () => this.store.pool.query<{ domain: string }>('SELECT domain FROM agentry_domains WHERE paused ORDER BY domain'));
    return r.rows.map((row) => row.domain);
  }

  async isPaused(domain: string): Promise<boolean> {
    const r = await this.run('cannot read paused domains', () => this.store.pool.query('SELECT 1 FROM agentry_domains WHERE domain = $1 AND paused', [domain]));
    return (r.rowCount ?? 0) > 0;
  }

  private async run<T>(doing: string, q: () => Promise<T>): Promise<T> {
    try {
      return await q();
    } catch (err) {
      throw this.store.storeError(err, doing);
    }
  }
}
