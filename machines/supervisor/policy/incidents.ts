// Incidents for the healer, from the agents' health events: a breaker opening is one, and so is
// an agent whose consecutive failures reach `healing.predictiveErrorRate` of its breaker
// threshold, before it trips. Each incident is a P1 task of the `incident` workflow, opened once
// per agent, kind and breaker cooldown window (an idempotency key).
import type { AgentKind } from '../../../agents/client/types.js';
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/logger.js';
import type { ResolvedConfig } from '../../../config/load.js';
import type { AgentContext } from '../../agent/context.js';
import type { CreateTaskRequest, TaskView } from '../../contract.js';
import type { SupervisorEvent } from '../../events.js';
import type { Idempotency } from '../durable/idempotency.js';

export interface Incident {
  kind: string;
  agent: AgentKind | null;
  message: string;
  key: string;
}

export interface IncidentDeps {
  clock: Clock;
  logger: Logger;
  config(): ResolvedConfig;
  idempotency: Idempotency;
  /** An agent's breaker as it is now. */
  breaker(kind: AgentKind): AgentContext['breaker'];
  /** Whether new tasks are taken (not during a shutdown). */
  accepting(): boolean;
  createTask(req: CreateTaskRequest, origin: string): Promise<TaskView>;
}

export class Incidents {
  constructor(private readonly deps: IncidentDeps) {}

  /** Every supervisor event passes here (an EventLog subscriber); the agents' health events open incidents. */
  onEvent(e: SupervisorEvent): void {
    if (e.type !== 'agent.breaker' && e.type !== 'agent.failed') return;
    const kind = e.agent;
    if (kind === 'healer') return; // the healer cannot heal itself; its failures fail the task
    const cfg = this.deps.config();
    const window = Math.floor(this.deps.clock.now() / Math.max(1, cfg.agents[kind].breaker.cooldownMs));
    if (e.type === 'agent.breaker') {
      if (e.state === 'open') this.open({ kind: 'breaker_open', agent: kind, message: `${kind}'s breaker opened after repeated failures`, key: `incident:${kind}:breaker:${window}` });
      return;
    }
    const breaker = this.deps.breaker(kind);
    const threshold = cfg.agents[kind].breaker.failureThreshold;
    const warnAt = Math.max(1, Math.ceil(threshold * cfg.healing.predictiveErrorRate));
    if (breaker.status === 'closed' && breaker.failures >= warnAt && breaker.failures < threshold) {
      const message = `${kind} failed ${breaker.failures} times in a row (breaker opens at ${threshold}); last: ${e.code}`;
      this.open({ kind: 'predictive', agent: kind, message, key: `incident:${kind}:predictive:${window}` });
    }
  }

  /** Starts an incident task once per key; fire-and-forget, so a refusal is logged, never thrown. */
  open(incident: Incident): void {
    const { idempotency } = this.deps;
    if (!this.deps.accepting() || idempotency.has(incident.key)) return;
    const input = { incident: { kind: incident.kind, agent: incident.agent, step: null, error: { code: incident.kind, message: incident.message }, recentHistory: [], remediesTried: [], errorRate: 0 } };
    void idempotency
      .remember(incident.key)
      .then(() => this.deps.createTask({ workflow: 'incident', input, priority: 'P1' }, incident.key))
      .catch((err: unknown) => this.deps.logger.error({ err }, 'incident not opened'));
  }
}
