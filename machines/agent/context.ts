// The agent actor's context: plain, JSON-serialisable data only, so getPersistedSnapshot()
// captures everything.
import type { AgentKind } from '../../agents/client/types.js';
import { DEFAULT_BREAKER_CONFIG, initialBreaker } from './breaker.js';
import type { Breaker, BreakerConfig } from './breaker.js';
import type { InFlightRun, QueuedRun } from './mailbox.js';
import { initialStats } from './stats.js';
import type { AgentStats } from './stats.js';

export interface AgentInput {
  kind: AgentKind;
  /** Overrides `request.model` for every run when set. */
  model?: string | null;
  concurrency?: number;
  /** Queued runs past which new work is refused with AGENT_BUSY. */
  mailbox?: number;
  breaker?: Partial<BreakerConfig>;
}

export interface AgentContext {
  kind: AgentKind;
  model: string | null;
  concurrency: number;
  mailboxCapacity: number;
  breakerConfig: BreakerConfig;
  breaker: Breaker;
  mailbox: QueuedRun[];
  inFlight: InFlightRun[];
  stats: AgentStats;
}

// Same defaults as config.schema.json `agentLimits`.
const DEFAULT_CONCURRENCY = 2;
const DEFAULT_MAILBOX = 10_000;

export function initialContext(input: AgentInput, now: number): AgentContext {
  return {
    kind: input.kind,
    model: input.model ?? null,
    concurrency: input.concurrency ?? DEFAULT_CONCURRENCY,
    mailboxCapacity: input.mailbox ?? DEFAULT_MAILBOX,
    breakerConfig: { ...DEFAULT_BREAKER_CONFIG, ...input.breaker },
    breaker: initialBreaker,
    mailbox: [],
    inFlight: [],
    stats: initialStats(now),
  };
}

/** Whether `requestId` is queued or in flight (a second run under the same id is refused). */
export function knows(ctx: AgentContext, requestId: string): boolean {
  return ctx.mailbox.some((q) => q.requestId === requestId) || ctx.inFlight.some((r) => r.requestId === requestId);
}
