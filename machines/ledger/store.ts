// The embedded budget ledger (BudgetLedger, in memory, restored from the journal) as a
// LedgerStore (memory/store.ts), in micro-dollars: what the Postgres ledger
// (memory/postgres/ledger.ts) must match, call for call; the contract suite runs both.
import type { LedgerLimitsMicros, LedgerStore, StoreLedgerDay, StoreReserveRequest, StoreReserveResult, StoreSettleResult } from '../../memory/store.js';
import type { BudgetLedger } from '../ledger.js';
import { toMicros, toUsd } from './money.js';
import type { AgentName } from './state.js';

export class EmbeddedLedgerStore implements LedgerStore {
  private limits: LedgerLimitsMicros | undefined;

  constructor(private readonly ledger: BudgetLedger) {}

  reserve(request: StoreReserveRequest, limits: LedgerLimitsMicros): Promise<StoreReserveResult> {
    return attempt(() => {
      if (this.limits?.dailyMicros !== limits.dailyMicros || this.limits.perTaskMicros !== limits.perTaskMicros) {
        this.ledger.setLimits({ dailySpendLimitUsd: toUsd(limits.dailyMicros), perTaskCapUsd: toUsd(limits.perTaskMicros) });
        this.limits = limits;
      }
      const r = this.ledger.reserve({ reservationId: request.reservationId, taskId: request.taskId, agent: request.agent as AgentName, estimateUsd: toUsd(request.estimateMicros) });
      return r.ok ? { ok: true } : { ok: false, limit: r.limit };
    });
  }

  settle(reservationId: string, actualMicros: number, options: { rerun?: boolean } = {}): Promise<StoreSettleResult> {
    return attempt(() => {
      const r = this.ledger.settle(reservationId, toUsd(actualMicros), options);
      return { overrunMicros: toMicros(r.overrunUsd), duplicate: r.duplicate, spentMicros: toMicros(this.ledger.view().spentUsd) };
    });
  }

  release(reservationId: string): Promise<boolean> {
    return attempt(() => this.ledger.release(reservationId));
  }

  view(): Promise<StoreLedgerDay> {
    return attempt(() => {
      const v = this.ledger.view();
      return {
        day: v.day,
        spentMicros: toMicros(v.spentUsd),
        reservedMicros: toMicros(v.reservedUsd),
        reruns: { count: v.reruns.count, micros: toMicros(v.reruns.usd) },
        overruns: { count: v.overruns.count, micros: toMicros(v.overruns.usd) },
      };
    });
  }
}

/** The ledger throws synchronously (its invariants); a store answers with a rejected promise. */
function attempt<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}
