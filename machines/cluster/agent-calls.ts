// What one cluster supervisor knows of each agent: the model calls it sends (in flight, counts,
// busy time: the embedded agent's stats, machines/agent/stats.ts) and its circuit breaker over
// them (the embedded reducer, machines/agent/breaker.ts, with agents.*.breaker). A breaker is per
// process, as a client's is: the API answers every supervisor alike, so each one that sees it
// failing stops sending, and one probe after the cooldown tells it when to resume.
import { AGENT_KINDS } from '../../agents/client/types.js';
import type { AgentKind } from '../../agents/client/types.js';
import type { Clock } from '../../core/clock.js';
import { SystemError } from '../../core/errors.js';
import type { ResolvedConfig } from '../../config/load.js';
import { DEFAULT_BREAKER_CONFIG, admits, initialBreaker, stepBreaker } from '../agent/breaker.js';
import type { Breaker, BreakerConfig, BreakerInput } from '../agent/breaker.js';
import { busyMs, initialStats, recordEnd, recordRefusal, recordStart, utilization } from '../agent/stats.js';
import type { AgentStats } from '../agent/stats.js';
import type { AgentView } from '../contract.js';
import { createEvent } from '../events.js';
import type { SupervisorEvent } from '../events.js';

/** How a sent call ended: its outcome, and whether it says anything about the API (the caller's fault and cancels do not). */
export interface CallEnded {
  outcome: 'success' | 'failure';
  countsAgainstBreaker: boolean;
  costUsd: number;
  error?: { code: string; message: string };
}

interface Agent {
  breaker: Breaker;
  stats: AgentStats;
  /** Calls in flight, by request id, with when each started. */
  inFlight: Map<string, number>;
}

export class ClusterAgents {
  private readonly agents: Map<AgentKind, Agent>;

  constructor(
    private readonly config: () => ResolvedConfig,
    private readonly clock: Clock,
    private readonly emit: (event: SupervisorEvent) => void,
  ) {
    const now = clock.now();
    this.agents = new Map(AGENT_KINDS.map((k) => [k, { breaker: initialBreaker, stats: initialStats(now), inFlight: new Map() }]));
  }

  /** Whether a call of `agent` may be sent now (a breaker past its cooldown lets this one through as its probe); if so it is in flight. */
  admit(agent: AgentKind, requestId: string): boolean {
    const a = this.of(agent);
    const now = this.clock.now();
    if (!admits(a.breaker, now, this.settings(agent))) {
      a.stats = recordRefusal(a.stats);
      return false;
    }
    this.step(agent, { type: 'admit', requestId, now });
    a.stats = recordStart(a.stats, now, a.inFlight.size);
    a.inFlight.set(requestId, now);
    return true;
  }

  /** An admitted call ended; `end` undefined: it was never sent (the ledger refused it). */
  ended(agent: AgentKind, requestId: string, end: CallEnded | undefined): void {
    const a = this.of(agent);
    const now = this.clock.now();
    const startedAt = a.inFlight.get(requestId) ?? now;
    a.inFlight.delete(requestId);
    a.stats = recordEnd(a.stats, { outcome: end?.outcome ?? 'cancelled', startedAt, now, inFlightAfter: a.inFlight.size, costUsd: end?.costUsd ?? 0, ...(end?.error ? { error: end.error } : {}) });
    const counts = end !== undefined && end.countsAgainstBreaker;
    const input: BreakerInput = end?.outcome === 'success' ? { type: 'success', requestId } : counts ? { type: 'failure', requestId, now } : { type: 'release', requestId };
    this.step(agent, input);
  }

  isOpen(agent: AgentKind): boolean {
    return this.of(agent).breaker.status === 'open';
  }

  /** The dashboard's row of each agent, for the calls this supervisor sends (what waits on the shared model queue is not counted here). */
  views(model: (agent: AgentKind) => string): AgentView[] {
    const now = this.clock.now();
    return AGENT_KINDS.map((kind) => {
      const { breaker, stats, inFlight } = this.of(kind);
      return {
        kind,
        model: model(kind),
        state: inFlight.size > 0 ? 'busy' : 'idle',
        breaker: breaker.status,
        inFlight: inFlight.size,
        queued: 0,
        calls: stats.calls,
        failures: stats.failures,
        utilization: utilization(stats, now),
        busyMs: busyMs(stats, now),
      };
    });
  }

  private of(agent: AgentKind): Agent {
    const a = this.agents.get(agent);
    if (!a) throw new SystemError('INTERNAL', `unknown agent ${agent}`);
    return a;
  }

  private settings(agent: AgentKind): BreakerConfig {
    return { ...DEFAULT_BREAKER_CONFIG, ...this.config().agents[agent].breaker };
  }

  private step(agent: AgentKind, input: BreakerInput): void {
    const a = this.of(agent);
    const before = a.breaker;
    a.breaker = stepBreaker(before, input, this.settings(agent));
    if (a.breaker.status !== before.status) this.emit(createEvent('agent.breaker', { agent, state: a.breaker.status }, this.clock.now()));
  }
}
