// The ledger's in-memory state, in micro-dollars. Maps, not objects, because ids and task ids
// come from outside and "__proto__" must stay an ordinary key.
import type { EventOf } from '../events.js';
import type { ThresholdPercent } from './thresholds.js';

export type AgentName = EventOf<'budget.blocked'>['agent'];

interface Reservation {
  taskId: string;
  agent: AgentName;
  estimateMicros: number;
}

interface Tally {
  count: number;
  micros: number;
}

export interface LedgerState {
  /** The UTC day (yyyy-mm-dd) that `spentMicros` belongs to. */
  day: string;
  spentMicros: number;
  /** Open reservations by id; they carry over a day change. */
  reservations: Map<string, Reservation>;
  /** Settled spend per task over the task's life (the per-task cap does not reset at midnight). */
  taskSpentMicros: Map<string, number>;
  reruns: Tally;
  /** Settlements whose actual cost exceeded the estimate, and by how much in total. */
  overruns: Tally;
  /** Thresholds already announced today. */
  thresholdsHit: Set<ThresholdPercent>;
  /** Ids settled or released today: a second settle is a no-op, a re-reserve is a bug. */
  closed: Set<string>;
}

export function emptyState(day: string): LedgerState {
  return {
    day,
    spentMicros: 0,
    reservations: new Map(),
    taskSpentMicros: new Map(),
    reruns: { count: 0, micros: 0 },
    overruns: { count: 0, micros: 0 },
    thresholdsHit: new Set(),
    closed: new Set(),
  };
}

/** A new UTC day: today's spend and counters start at zero; reservations and task spend stay. */
export function rollover(state: LedgerState, today: string): void {
  // Only forward: a clock stepping back must not hand out yesterday's budget again.
  if (today <= state.day) return;
  state.day = today;
  state.spentMicros = 0;
  state.reruns = { count: 0, micros: 0 };
  state.overruns = { count: 0, micros: 0 };
  state.thresholdsHit.clear();
  state.closed.clear();
}

/** Reserved micros, for one task or for all. */
export function reservedMicros(state: LedgerState, taskId?: string): number {
  let sum = 0;
  for (const r of state.reservations.values()) if (taskId === undefined || r.taskId === taskId) sum += r.estimateMicros;
  return sum;
}
