// Each cluster supervisor's circuit breaker per agent, over the model calls it sends: the
// embedded agent's reducer (machines/agent/breaker.ts) with the config's agents.*.breaker. A
// breaker is per process, as a client's is: the API answers every supervisor alike, so each one
// that sees it failing stops sending, and one probe after the cooldown tells it when to resume.
import { AGENT_KINDS } from '../../agents/client/types.js';
import type { AgentKind } from '../../agents/client/types.js';
import type { Clock } from '../../core/clock.js';
import type { ResolvedConfig } from '../../config/load.js';
import { DEFAULT_BREAKER_CONFIG, admits, initialBreaker, stepBreaker } from '../agent/breaker.js';
import type { Breaker, BreakerConfig, BreakerInput } from '../agent/breaker.js';
import { createEvent } from '../events.js';
import type { SupervisorEvent } from '../events.js';

/** How a sent call ended, for its breaker: a verdict on the API, or none (the caller's fault, a cancel). */
export type CallVerdict = 'success' | 'failure' | 'none';

export class ClusterBreakers {
  private readonly breakers = new Map<AgentKind, Breaker>(AGENT_KINDS.map((k) => [k, initialBreaker]));

  constructor(
    private readonly config: () => ResolvedConfig,
    private readonly clock: Clock,
    private readonly emit: (event: SupervisorEvent) => void,
  ) {}

  /** Whether a call of `agent` may be sent now; a breaker past its cooldown lets this one through as its probe. */
  admit(agent: AgentKind, requestId: string): boolean {
    const now = this.clock.now();
    if (!admits(this.of(agent), now, this.settings(agent))) return false;
    this.step(agent, { type: 'admit', requestId, now });
    return true;
  }

  ended(agent: AgentKind, requestId: string, verdict: CallVerdict): void {
    const input: BreakerInput = verdict === 'success' ? { type: 'success', requestId } : verdict === 'failure' ? { type: 'failure', requestId, now: this.clock.now() } : { type: 'release', requestId };
    this.step(agent, input);
  }

  isOpen(agent: AgentKind): boolean {
    return this.of(agent).status === 'open';
  }

  private of(agent: AgentKind): Breaker {
    return this.breakers.get(agent) ?? initialBreaker;
  }

  private settings(agent: AgentKind): BreakerConfig {
    return { ...DEFAULT_BREAKER_CONFIG, ...this.config().agents[agent].breaker };
  }

  private step(agent: AgentKind, input: BreakerInput): void {
    const before = this.of(agent);
    const after = stepBreaker(before, input, this.settings(agent));
    this.breakers.set(agent, after);
    if (after.status !== before.status) this.emit(createEvent('agent.breaker', { agent, state: after.status }, this.clock.now()));
  }
}
