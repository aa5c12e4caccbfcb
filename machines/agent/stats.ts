// Per-agent counters, kept in the agent's context (so they persist) and updated by pure
// functions. Time comes from the injected clock, so utilization is exact under SimulatedClock.

type RunOutcome = 'success' | 'failure' | 'cancelled';

export interface AgentStats {
  /** Runs started (calls handed to the model pipeline). */
  calls: number;
  successes: number;
  failures: number;
  cancelled: number;
  /** Requests refused at the door (breaker open, mailbox full, duplicate id). */
  refused: number;
  costUsd: number;
  /** Clock time with at least one run in flight, closed spans only. */
  busyMs: number;
  /** Start of the current busy span, or null when idle. */
  busySince: number | null;
  /** Sum of run durations (slot time): busyMs × concurrency bounds it. */
  runMs: number;
  since: number;
  lastError: { code: string; message: string; at: number } | null;
}

export function initialStats(now: number): AgentStats {
  return {
    calls: 0, successes: 0, failures: 0, cancelled: 0, refused: 0, costUsd: 0,
    busyMs: 0, busySince: null, runMs: 0, since: now, lastError: null,
  };
}

/** A run starts; `inFlightBefore` is the count before it. */
export function recordStart(s: AgentStats, now: number, inFlightBefore: number): AgentStats {
  return { ...s, calls: s.calls + 1, busySince: inFlightBefore === 0 ? now : s.busySince };
}

export interface RunEnd {
  outcome: RunOutcome;
  startedAt: number;
  now: number;
  /** Runs still in flight after this one ended. */
  inFlightAfter: number;
  costUsd?: number;
  error?: { code: string; message: string };
}

export function recordEnd(s: AgentStats, end: RunEnd): AgentStats {
  const idle = end.inFlightAfter === 0 && s.busySince !== null;
  return {
    ...s,
    successes: s.successes + (end.outcome === 'success' ? 1 : 0),
    failures: s.failures + (end.outcome === 'failure' ? 1 : 0),
    cancelled: s.cancelled + (end.outcome === 'cancelled' ? 1 : 0),
    costUsd: s.costUsd + (end.costUsd ?? 0),
    runMs: s.runMs + Math.max(0, end.now - end.startedAt),
    busyMs: idle ? s.busyMs + Math.max(0, end.now - (s.busySince ?? end.now)) : s.busyMs,
    busySince: idle ? null : s.busySince,
    lastError: end.error ? { ...end.error, at: end.now } : s.lastError,
  };
}

export function recordRefusal(s: AgentStats): AgentStats {
  return { ...s, refused: s.refused + 1 };
}

/** Clock time with at least one run in flight, the open span included. */
export function busyMs(s: AgentStats, now: number): number {
  const open = s.busySince === null ? 0 : Math.max(0, now - s.busySince);
  return s.busyMs + open;
}

/** Busy time (the open span included) over the time since the stats began, 0..1. */
export function utilization(s: AgentStats, now: number): number {
  const elapsed = now - s.since;
  if (elapsed <= 0) return 0;
  return Math.min(1, busyMs(s, now) / elapsed);
}
