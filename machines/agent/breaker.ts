// The circuit breaker as a pure reducer, so every transition is table-testable and the whole
// state lives in the agent's context (persisted with it). Cooldown is measured against an
// absolute `openedAt` and the injected clock's now(), never a timer: timers are not restored
// from snapshots (stack-notes §1.2), timestamps are.

type BreakerStatus = 'closed' | 'open' | 'half_open';

export interface BreakerConfig {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** Time open before one half-open probe is let through. */
  cooldownMs: number;
  /** Results kept for `recentErrorRate` (predictive healing). */
  windowSize: number;
}

export const DEFAULT_BREAKER_CONFIG: BreakerConfig = { failureThreshold: 5, cooldownMs: 30_000, windowSize: 20 };

export interface Breaker {
  status: BreakerStatus;
  /** Consecutive failures while closed. */
  failures: number;
  openedAt: number | null;
  /** The one request let through in half_open; only its outcome moves the breaker. */
  probeId: string | null;
  /** The last `windowSize` results, oldest first: true = failure. */
  recent: boolean[];
}

export type BreakerInput =
  | { type: 'admit'; requestId: string; now: number }
  | { type: 'success'; requestId: string }
  | { type: 'failure'; requestId: string; now: number }
  /** The probe ended without a verdict (cancelled, or the caller's fault): let another through. */
  | { type: 'release'; requestId: string };

export const initialBreaker: Breaker = { status: 'closed', failures: 0, openedAt: null, probeId: null, recent: [] };

/** Whether a new request may be accepted at `now`. */
export function admits(b: Breaker, now: number, cfg: BreakerConfig): boolean {
  if (b.status === 'closed') return true;
  if (b.status === 'half_open') return b.probeId === null;
  return b.openedAt === null || now - b.openedAt >= cfg.cooldownMs;
}

export function stepBreaker(b: Breaker, input: BreakerInput, cfg: BreakerConfig): Breaker {
  if (input.type === 'admit') {
    if (b.status === 'closed' || !admits(b, input.now, cfg)) return b;
    return { ...b, status: 'half_open', probeId: input.requestId };
  }
  if (input.type === 'release') return b.probeId === input.requestId ? { ...b, probeId: null } : b;
  if (input.type === 'success') return onSuccess({ ...b, recent: remember(b.recent, false, cfg) }, input.requestId);
  return onFailure({ ...b, recent: remember(b.recent, true, cfg) }, input, cfg);
}

function onSuccess(b: Breaker, requestId: string): Breaker {
  if (b.status === 'closed') return { ...b, failures: 0 };
  // A run admitted before the breaker opened says nothing about the API now: only the probe counts.
  if (b.status === 'half_open' && b.probeId === requestId) return { ...b, status: 'closed', failures: 0, openedAt: null, probeId: null };
  return b;
}

function onFailure(b: Breaker, input: { requestId: string; now: number }, cfg: BreakerConfig): Breaker {
  if (b.status === 'closed') {
    const failures = b.failures + 1;
    return failures >= cfg.failureThreshold ? { ...b, status: 'open', failures, openedAt: input.now } : { ...b, failures };
  }
  if (b.status === 'half_open' && b.probeId === input.requestId) return { ...b, status: 'open', openedAt: input.now, probeId: null };
  return b;
}

function remember(recent: boolean[], failed: boolean, cfg: BreakerConfig): boolean[] {
  const next = [...recent, failed];
  return next.length > cfg.windowSize ? next.slice(next.length - cfg.windowSize) : next;
}

/** Share of failures among the last results (0 when there are none yet). */
export function recentErrorRate(b: Breaker): number {
  if (b.recent.length === 0) return 0;
  return b.recent.filter(Boolean).length / b.recent.length;
}
