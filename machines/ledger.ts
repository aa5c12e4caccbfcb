// The budget ledger (DESIGN §5): reserve a call's worst-case cost before it starts, settle its
// actual cost after. Pure in-memory; its caller journals the events and restores spend on restart.
// Money is integer micro-dollars inside (see ledger/money.ts), USD at the boundary.
import { dayOf } from '../core/clock.js';
import type { Clock } from '../core/clock.js';
import { createEvent } from './events.js';
import type { EventOf } from './events.js';
import { assertAmount, invariant } from './ledger/assert.js';
import { toMicros, toUsd } from './ledger/money.js';
import { refusalFor } from './ledger/reserve.js';
import type { LimitsMicros } from './ledger/reserve.js';
import { emptyState, reservedMicros, rollover } from './ledger/state.js';
import type { AgentName, LedgerState } from './ledger/state.js';
import { newlyCrossed } from './ledger/thresholds.js';
import type { ThresholdPercent } from './ledger/thresholds.js';

export type LedgerEvent = EventOf<'budget.threshold'> | EventOf<'budget.blocked'>;

/** The two hard limits, in USD; `ResolvedConfig['risk']` fits as is. */
export interface LedgerLimits {
  dailySpendLimitUsd: number;
  perTaskCapUsd: number;
}

export interface LedgerOptions {
  clock: Clock;
  limits: LedgerLimits;
  /** Called synchronously, after the state changed, for each threshold and refusal. */
  onEvent?: (event: LedgerEvent) => void;
}

export interface ReserveRequest {
  reservationId: string;
  taskId: string;
  agent: AgentName;
  estimateUsd: number;
}

export type ReserveResult = { ok: true } | { ok: false; limit: 'daily' | 'task'; reason: string };

export interface SettleOptions {
  /** The call re-ran an ambiguous attempt; counted apart so reports can label it. */
  rerun?: boolean;
}

export interface SettleResult {
  /** How far the actual cost went over the estimate (0 when within). */
  overrunUsd: number;
  /** The reservation was already settled or released today; nothing was charged. */
  duplicate: boolean;
}

export interface LedgerView {
  day: string;
  spentUsd: number;
  reservedUsd: number;
  limitUsd: number;
  perTaskCapUsd: number;
  reruns: { count: number; usd: number };
  overruns: { count: number; usd: number };
  /** Thresholds announced today. */
  thresholds: ThresholdPercent[];
}

function limitsInMicros(limits: LedgerLimits): LimitsMicros {
  assertAmount(limits.dailySpendLimitUsd, 'dailySpendLimitUsd');
  assertAmount(limits.perTaskCapUsd, 'perTaskCapUsd');
  return { dailyMicros: toMicros(limits.dailySpendLimitUsd), perTaskMicros: toMicros(limits.perTaskCapUsd) };
}

export class BudgetLedger {
  readonly #clock: Clock;
  readonly #onEvent: (event: LedgerEvent) => void;
  #limits: LimitsMicros;
  #state: LedgerState;

  constructor(options: LedgerOptions) {
    this.#clock = options.clock;
    this.#onEvent = options.onEvent ?? (() => {});
    this.#limits = limitsInMicros(options.limits);
    this.#state = emptyState(dayOf(this.#clock.now()));
  }

  /** Holds `estimateUsd` for a call, or refuses (and emits `budget.blocked`). Idempotent per id. */
  reserve(request: ReserveRequest): ReserveResult {
    const { reservationId, taskId, agent, estimateUsd } = request;
    assertAmount(estimateUsd, 'estimateUsd');
    const state = this.#today();
    const estimateMicros = toMicros(estimateUsd);
    invariant(!state.closed.has(reservationId), `reservation ${reservationId} was already settled or released`, { reservationId });
    const existing = state.reservations.get(reservationId);
    if (existing) {
      const same = existing.taskId === taskId && existing.agent === agent && existing.estimateMicros === estimateMicros;
      invariant(same, `reservation ${reservationId} was reserved before with other terms`, { reservationId });
      return { ok: true };
    }
    const refusal = refusalFor(state, this.#limits, taskId, estimateMicros);
    if (refusal) {
      this.#onEvent(createEvent('budget.blocked', { taskId, agent, estimateUsd, limit: refusal.limit }, this.#clock.now()));
      return { ok: false, ...refusal };
    }
    state.reservations.set(reservationId, { taskId, agent, estimateMicros });
    this.#assertWithinLimit('after reserve');
    return { ok: true };
  }

  /** Charges the actual cost of a reserved call (which may exceed its estimate) and frees the hold. */
  settle(reservationId: string, actualUsd: number, options: SettleOptions = {}): SettleResult {
    assertAmount(actualUsd, 'actualUsd');
    const state = this.#today();
    const held = state.reservations.get(reservationId);
    if (!held) {
      // Charging twice would be worse than not at all; an id never reserved is our bug.
      invariant(state.closed.has(reservationId), `settle of unknown reservation ${reservationId}`, { reservationId });
      return { overrunUsd: 0, duplicate: true };
    }
    const heldBefore = this.#withinLimit();
    const actual = toMicros(actualUsd);
    state.reservations.delete(reservationId);
    state.closed.add(reservationId);
    state.spentMicros += actual;
    state.taskSpentMicros.set(held.taskId, (state.taskSpentMicros.get(held.taskId) ?? 0) + actual);
    if (options.rerun === true) state.reruns = { count: state.reruns.count + 1, micros: state.reruns.micros + actual };
    const overrun = Math.max(0, actual - held.estimateMicros);
    if (overrun > 0) state.overruns = { count: state.overruns.count + 1, micros: state.overruns.micros + overrun };
    // Replacing a hold by a cost no larger keeps the invariant; only an overrun may break it.
    if (heldBefore && overrun === 0) this.#assertWithinLimit('after settle');
    this.#announceThresholds();
    return { overrunUsd: toUsd(overrun), duplicate: false };
  }

  /** Frees a reservation whose call never reached the API. Returns false when nothing was held. */
  release(reservationId: string): boolean {
    const state = this.#today();
    if (!state.reservations.delete(reservationId)) return false;
    state.closed.add(reservationId);
    return true;
  }

  /** Live config: applies at once. Lowering a limit below what is held refuses new reservations only. */
  setLimits(limits: LedgerLimits): void {
    this.#limits = limitsInMicros(limits);
    this.#today();
    this.#announceThresholds();
  }

  /**
   * After a restart: today's settled spend and each open task's spend, from the journal. Never
   * lowers what is recorded; spend of another day is ignored. Thresholds the restored spend has
   * reached count as announced (they were, before the restart).
   */
  restoreSpent(day: string, usd: number, byTask: Readonly<Record<string, number>> = {}): void {
    assertAmount(usd, 'usd');
    const state = this.#today();
    for (const [taskId, taskUsd] of Object.entries(byTask)) {
      assertAmount(taskUsd, `byTask.${taskId}`);
      state.taskSpentMicros.set(taskId, Math.max(state.taskSpentMicros.get(taskId) ?? 0, toMicros(taskUsd)));
    }
    if (day !== state.day) return;
    state.spentMicros = Math.max(state.spentMicros, toMicros(usd));
    for (const p of newlyCrossed(state.spentMicros, this.#limits.dailyMicros, state.thresholdsHit)) state.thresholdsHit.add(p);
  }

  /** Drops a finished task's spend record (the per-task cap is over a task's life). */
  forgetTask(taskId: string): void {
    this.#state.taskSpentMicros.delete(taskId);
  }

  view(): LedgerView {
    const state = this.#today();
    return {
      day: state.day,
      spentUsd: toUsd(state.spentMicros),
      reservedUsd: toUsd(reservedMicros(state)),
      limitUsd: toUsd(this.#limits.dailyMicros),
      perTaskCapUsd: toUsd(this.#limits.perTaskMicros),
      reruns: { count: state.reruns.count, usd: toUsd(state.reruns.micros) },
      overruns: { count: state.overruns.count, usd: toUsd(state.overruns.micros) },
      thresholds: [...state.thresholdsHit].sort((a, b) => a - b),
    };
  }

  // Every entry point reads the clock first, so a new UTC day resets spend before anything else.
  #today(): LedgerState {
    rollover(this.#state, dayOf(this.#clock.now()));
    return this.#state;
  }

  #withinLimit(): boolean {
    return this.#state.spentMicros + reservedMicros(this.#state) <= this.#limits.dailyMicros;
  }

  #assertWithinLimit(when: string): void {
    const spent = this.#state.spentMicros;
    const reserved = reservedMicros(this.#state);
    invariant(this.#withinLimit(), `budget invariant broken ${when}: spent + reserved > limit`, {
      spentMicros: spent,
      reservedMicros: reserved,
      limitMicros: this.#limits.dailyMicros,
    });
  }

  #announceThresholds(): void {
    const state = this.#state;
    for (const percent of newlyCrossed(state.spentMicros, this.#limits.dailyMicros, state.thresholdsHit)) {
      state.thresholdsHit.add(percent);
      const payload = { day: state.day, percent, spentUsd: toUsd(state.spentMicros), limitUsd: toUsd(this.#limits.dailyMicros) };
      this.#onEvent(createEvent('budget.threshold', payload, this.#clock.now()));
    }
  }
}
