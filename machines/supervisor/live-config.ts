// The config the running supervisor follows: a validated reload applies at once to every part
// that holds a limit (budget, in-flight cap, agents, SLA, schedules); a refused one is kept for
// status until a valid one applies; settings that need a restart are listed.
import { AGENT_KINDS } from '../../agents/client/types.js';
import type { AgentKind } from '../../agents/client/types.js';
import type { Clock } from '../../core/clock.js';
import type { ResolvedConfig } from '../../config/load.js';
import { needsRestart } from '../../config/restart.js';
import type { InFlightLimit } from '../agent/in-flight.js';
import type { ConfigState } from '../contract.js';
import { createEvent } from '../events.js';
import type { BudgetLedger } from '../ledger.js';
import type { EventLog } from './read-models/event-log.js';
import type { Schedules } from './policy/schedules.js';
import type { SlaWatcher } from './policy/sla.js';

/** The parts a reload reconfigures. */
export interface ConfigTargets {
  clock: Clock;
  events: Pick<EventLog, 'emit'>;
  ledger: BudgetLedger;
  inFlight: InFlightLimit;
  agents: { setLimits(kind: AgentKind, limits: ResolvedConfig['agents'][AgentKind]): void };
  sla: SlaWatcher;
  schedules: Schedules;
}

export class LiveConfig {
  private value: ResolvedConfig;
  /** The config file refused last, until a valid one is applied; settings awaiting a restart. */
  readonly state: ConfigState = { rejected: null, restartPending: [] };

  constructor(initial: ResolvedConfig) {
    this.value = initial;
  }

  get current(): ResolvedConfig {
    return this.value;
  }

  /** Applies a validated config at once (mode, thresholds, limits); every change is an event. */
  apply(next: ResolvedConfig, paths: string[], to: ConfigTargets): void {
    to.ledger.setLimits(next.risk);
    to.inFlight.setLimit(next.limits.globalInFlight);
    for (const kind of AGENT_KINDS) to.agents.setLimits(kind, next.agents[kind]);
    to.sla.setEscalationMinutes(next.sla.escalationMinutes);
    to.schedules.arm(next.schedules);
    this.take(next, paths, to.events, to.clock.now());
  }

  /** The config's own part of a reload: it becomes current, the refusal clears, the change is told. */
  take(next: ResolvedConfig, paths: string[], events: Pick<EventLog, 'emit'>, now: number): void {
    const prev = this.value;
    this.value = next;
    const rejected = this.state.rejected;
    this.state.rejected = null;
    const restartNeeded = needsRestart(paths);
    this.state.restartPending = [...new Set([...this.state.restartPending, ...restartNeeded])];
    if (prev.mode !== next.mode) events.emit(createEvent('mode.changed', { from: prev.mode, to: next.mode }, now));
    const extra = { ...(restartNeeded.length > 0 && { restartNeeded }), ...(rejected !== null && { fixes: rejected.at }) };
    events.emit(createEvent('config.changed', { paths, mode: next.mode, ...extra }, now));
  }

  /** A config file that failed validation: recorded, and shown by status until a valid one applies. */
  reject(issues: string[], at: number, events: Pick<EventLog, 'emit'>, file?: string): void {
    this.state.rejected = { at: new Date(at).toISOString(), issues, ...(file !== undefined && { file }) };
    events.emit(createEvent('config.rejected', { issues, ...(file !== undefined && { file }) }, at));
  }
}
