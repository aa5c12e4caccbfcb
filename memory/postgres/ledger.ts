// The daily budget shared by every supervisor on one Postgres (DESIGN §5): reserve a call's
// worst case before it starts, settle its actual cost after. The arithmetic is that of
// machines/ledger/ (reserve.ts, BudgetLedger): integer micro-dollars; a reservation is refused
// when spent today + everything reserved + the estimate is over the daily limit, or the task's
// settled + reserved + estimate is over the per-task cap. Each reserve and settle locks today's
// row (SELECT … FOR UPDATE) for its transaction, so two supervisors never both see room that
// only one of them may take. Amounts in and out are micro-dollars: the caller converts
// (machines/ledger/money.ts) and words refusals as the embedded ledger does.
import { dayOf } from '../../core/clock.js';
import { SystemError } from '../../core/errors.js';
import type { PoolClient } from 'pg';
import type { LedgerLimitsMicros, LedgerStore, StoreLedgerDay, StoreReserveRequest, StoreSettleResult } from '../store.js';
import type { PgStore } from './pool.js';


/** A refusal carries the figures it was decided on (the same the embedded ledger's sentence shows). */
export type PgReserveResult =
  | { ok: true }
  | { ok: false; limit: 'daily' | 'task'; spentMicros: number; reservedMicros: number; estimateMicros: number; limitMicros: number };

export interface PgLedgerDay extends StoreLedgerDay {
  /** Thresholds (percent) announced today, by any supervisor. */
  thresholds: number[];
}

export class PgLedger implements LedgerStore {
  constructor(
    private readonly store: PgStore,
    /** Injected time, ms: the UTC day of the budget window. */
    private readonly now: () => number = Date.now,
  ) {}

  /** Holds `estimateMicros` for a call, or refuses. Idempotent per id with the same terms. */
  async reserve(request: StoreReserveRequest, limits: LedgerLimitsMicros): Promise<PgReserveResult> {
    assertMicros(request.estimateMicros, 'estimateMicros');
    assertMicros(limits.dailyMicros, 'dailyMicros');
    assertMicros(limits.perTaskMicros, 'perTaskMicros');
    return this.inDay('reserve', async (client, day) => {
      const { reservationId, taskId, agent, estimateMicros } = request;
      const prior = await client.query<{ task_id: string; agent: string; estimate_micros: string; state: string }>(
        'SELECT task_id, agent, estimate_micros, state FROM agentry_budget_reservations WHERE id = $1',
        [reservationId],
      );
      const existing = prior.rows[0];
      if (existing) {
        if (existing.state !== 'open') throw bug(`reservation ${reservationId} was already settled or released`, reservationId);
        const same = existing.task_id === taskId && existing.agent === agent && Number(existing.estimate_micros) === estimateMicros;
        if (!same) throw bug(`reservation ${reservationId} was reserved before with other terms`, reservationId);
        return { ok: true } as const;
      }
      const sums = await client.query<{ spent: string; reserved: string; task_spent: string; task_reserved: string }>(
        `SELECT (SELECT spent_micros FROM agentry_budget_days WHERE day = $1) AS spent,
                (SELECT coalesce(sum(estimate_micros), 0) FROM agentry_budget_reservations WHERE state = 'open') AS reserved,
                (SELECT coalesce(sum(actual_micros), 0) FROM agentry_budget_reservations WHERE state = 'settled' AND task_id = $2) AS task_spent,
                (SELECT coalesce(sum(estimate_micros), 0) FROM agentry_budget_reservations WHERE state = 'open' AND task_id = $2) AS task_reserved`,
        [day, taskId],
      );
      const row = sums.rows[0];
      const spent = Number(row?.spent ?? 0);
      const reserved = Number(row?.reserved ?? 0);
      if (spent + reserved + estimateMicros > limits.dailyMicros) {
        return { ok: false, limit: 'daily', spentMicros: spent, reservedMicros: reserved, estimateMicros, limitMicros: limits.dailyMicros } as const;
      }
      const taskSpent = Number(row?.task_spent ?? 0);
      const taskReserved = Number(row?.task_reserved ?? 0);
      if (taskSpent + taskReserved + estimateMicros > limits.perTaskMicros) {
        return { ok: false, limit: 'task', spentMicros: taskSpent, reservedMicros: taskReserved, estimateMicros, limitMicros: limits.perTaskMicros } as const;
      }
      await client.query(
        `INSERT INTO agentry_budget_reservations (id, task_id, agent, estimate_micros, state, reserved_day) VALUES ($1, $2, $3, $4, 'open', $5)`,
        [reservationId, taskId, agent, estimateMicros, day],
      );
      return { ok: true } as const;
    });
  }

  /** Charges the actual cost (which may exceed the estimate) to today and frees the hold. */
  async settle(reservationId: string, actualMicros: number, options: { rerun?: boolean } = {}): Promise<StoreSettleResult> {
    assertMicros(actualMicros, 'actualMicros');
    return this.inDay('settle', async (client, day) => {
      const held = await client.query<{ estimate_micros: string; state: string }>('SELECT estimate_micros, state FROM agentry_budget_reservations WHERE id = $1 FOR UPDATE', [reservationId]);
      const r = held.rows[0];
      if (!r) throw bug(`settle of unknown reservation ${reservationId}`, reservationId);
      if (r.state !== 'open') return { overrunMicros: 0, duplicate: true, spentMicros: await spentOn(client, day) };
      const rerun = options.rerun === true;
      const overrun = Math.max(0, actualMicros - Number(r.estimate_micros));
      await client.query(`UPDATE agentry_budget_reservations SET state = 'settled', actual_micros = $2, rerun = $3, closed_day = $4 WHERE id = $1`, [reservationId, actualMicros, rerun, day]);
      const after = await client.query<{ spent_micros: string }>(
        `UPDATE agentry_budget_days
            SET spent_micros = spent_micros + $2,
                reruns_count = reruns_count + $3, reruns_micros = reruns_micros + $4,
                overruns_count = overruns_count + $5, overruns_micros = overruns_micros + $6
          WHERE day = $1 RETURNING spent_micros`,
        [day, actualMicros, rerun ? 1 : 0, rerun ? actualMicros : 0, overrun > 0 ? 1 : 0, overrun],
      );
      return { overrunMicros: overrun, duplicate: false, spentMicros: Number(after.rows[0]?.spent_micros ?? 0) };
    });
  }

  /** Frees a reservation whose call never reached the API; false when nothing was held. */
  release(reservationId: string): Promise<boolean> {
    return this.inDay('release', async (client, day) => {
      const r = await client.query(`UPDATE agentry_budget_reservations SET state = 'released', closed_day = $2 WHERE id = $1 AND state = 'open'`, [reservationId, day]);
      return r.rowCount === 1;
    });
  }

  /**
   * Marks thresholds (percent) as announced today and returns those no supervisor announced
   * before, so each fires once per day across the cluster. The caller picks them with
   * machines/ledger/thresholds.ts from the spend a settle returned.
   */
  announce(percents: readonly number[]): Promise<number[]> {
    return this.inDay('announce', async (client, day) => {
      const r = await client.query<{ thresholds: number[] }>('SELECT thresholds FROM agentry_budget_days WHERE day = $1', [day]);
      const had = new Set(r.rows[0]?.thresholds ?? []);
      const fresh = [...new Set(percents)].filter((p) => !had.has(p)).sort((a, b) => a - b);
      if (fresh.length > 0) await client.query('UPDATE agentry_budget_days SET thresholds = thresholds || $2::integer[] WHERE day = $1', [day, fresh]);
      return fresh;
    });
  }

  /** Today's figures (the latest day recorded, when the clock stepped back). */
  async view(): Promise<PgLedgerDay> {
    const day = await this.today(this.store.pool);
    const r = await this.store.pool
      .query<{ spent_micros: string; reruns_count: number; reruns_micros: string; overruns_count: number; overruns_micros: string; thresholds: number[]; reserved: string }>(
        `SELECT d.spent_micros, d.reruns_count, d.reruns_micros, d.overruns_count, d.overruns_micros, d.thresholds,
                (SELECT coalesce(sum(estimate_micros), 0) FROM agentry_budget_reservations WHERE state = 'open') AS reserved
           FROM (SELECT $1::text AS day) k LEFT JOIN agentry_budget_days d ON d.day = k.day`,
        [day],
      )
      .catch((err: unknown) => {
        throw this.store.storeError(err, 'cannot read the budget');
      });
    const row = r.rows[0];
    return {
      day,
      spentMicros: Number(row?.spent_micros ?? 0),
      reservedMicros: Number(row?.reserved ?? 0),
      reruns: { count: row?.reruns_count ?? 0, micros: Number(row?.reruns_micros ?? 0) },
      overruns: { count: row?.overruns_count ?? 0, micros: Number(row?.overruns_micros ?? 0) },
      thresholds: [...(row?.thresholds ?? [])].sort((a, b) => a - b),
    };
  }

  /** Runs `fn` in a transaction holding today's row: every ledger change of the cluster queues here. */
  private inDay<T>(doing: string, fn: (client: PoolClient, day: string) => Promise<T>): Promise<T> {
    return this.store
      .transaction(async (client) => {
        const day = await this.today(client);
        await client.query('INSERT INTO agentry_budget_days (day) VALUES ($1) ON CONFLICT (day) DO NOTHING', [day]);
        await client.query('SELECT 1 FROM agentry_budget_days WHERE day = $1 FOR UPDATE', [day]);
        return fn(client, day);
      })
      .catch((err: unknown) => {
        throw err instanceof SystemError ? err : this.store.storeError(err, `cannot ${doing} in the budget ledger`);
      });
  }

  /** The clock's UTC day, never before the latest day recorded: a clock stepping back must not hand out yesterday's budget again. */
  private async today(q: Pick<PoolClient, 'query'>): Promise<string> {
    const clockDay = dayOf(this.now());
    const r = await q.query<{ day: string | null }>('SELECT max(day) AS day FROM agentry_budget_days');
    const latest = r.rows[0]?.day ?? null;
    return latest !== null && latest > clockDay ? latest : clockDay;
  }
}

async function spentOn(client: Pick<PoolClient, 'query'>, day: string): Promise<number> {
  const r = await client.query<{ spent_micros: string }>('SELECT spent_micros FROM agentry_budget_days WHERE day = $1', [day]);
  return Number(r.rows[0]?.spent_micros ?? 0);
}

function bug(message: string, reservationId: string): SystemError {
  return new SystemError('INTERNAL', message, { details: { reservationId } });
}

/** An integer ≥ 0 (NaN would make every comparison false and fail open). */
function assertMicros(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new SystemError('INTERNAL', `${what} must be a whole number of micro-dollars >= 0, got ${String(value)}`, { details: { field: what, value: String(value) } });
}
