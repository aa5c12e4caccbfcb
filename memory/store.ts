// What every store must do, embedded (files under .agentry/, one supervisor) or Postgres (a
// cluster): the same answers to the same calls, proved by one contract suite run against both
// (test/memory/store-contract.ts). Views are typed by the caller; money is integer micro-dollars.
import type { ApiTaskQuery } from '../schemas/generated/types.js';
import type { HistoryFields } from './history-index.js';

/** One page of a list: `nextCursor` fetches the next one (null on the last page). */
export interface StorePage<V> {
  items: V[];
  nextCursor: string | null;
}

/** Finished tasks: recorded once finished, read back by id or by the task query, newest first. */
export interface HistoryStore<V> {
  /** Records a finished task's view; a later write of the same id replaces it. */
  put(view: V, fields: HistoryFields): Promise<void>;
  find(id: string): Promise<V | undefined>;
  /** Filters (status, workflow, parentId, since, search) and a cursor page; bad input is INVALID_INPUT. */
  query(q: ApiTaskQuery): Promise<StorePage<V>>;
}

export interface LedgerLimitsMicros {
  dailyMicros: number;
  perTaskMicros: number;
}

export interface StoreReserveRequest {
  reservationId: string;
  taskId: string;
  agent: string;
  estimateMicros: number;
}

export type StoreReserveResult = { ok: true } | { ok: false; limit: 'daily' | 'task' };

export interface StoreSettleResult {
  overrunMicros: number;
  /** Already settled or released: nothing was charged. */
  duplicate: boolean;
  /** Today's settled spend after this settle. */
  spentMicros: number;
}

export interface StoreLedgerDay {
  day: string;
  spentMicros: number;
  reservedMicros: number;
  reruns: { count: number; micros: number };
  overruns: { count: number; micros: number };
}

/**
 * The daily budget (DESIGN §5): a reservation is refused when spent today + reserved + the
 * estimate is over the daily limit, or the task's settled + reserved + estimate over its cap.
 * Reserving an id again with the same terms is a no-op; other terms, or a settled id, is a bug
 * (SystemError INTERNAL), as is settling an id never reserved.
 */
export interface LedgerStore {
  reserve(request: StoreReserveRequest, limits: LedgerLimitsMicros): Promise<StoreReserveResult>;
  settle(reservationId: string, actualMicros: number, options?: { rerun?: boolean }): Promise<StoreSettleResult>;
  /** Frees a hold whose call never reached the API; false when nothing was held. */
  release(reservationId: string): Promise<boolean>;
  view(): Promise<StoreLedgerDay>;
}
