// The supervisor's handle on the agent actors: dispatch a run and await its `agent.result`,
// read breaker state and stats, pause, switch model.
import type { AnyActorRef } from 'xstate';
import { AGENT_KINDS } from '../../agents/client/types.js';
import type { AgentKind, StructuredCallRequest, StructuredCallResult } from '../../agents/client/types.js';
import { ModelBehaviorError, ModelCallError, PolicyError, UserError } from '../../core/errors.js';
import type { AgentryError } from '../../core/errors.js';
import type { Clock } from '../../core/clock.js';
import type { Priority } from '../../schemas/generated/types.js';
import type { AgentContext } from '../agent/context.js';
import type { AgentResult, ReplyError } from '../agent/events.js';
import { createCancelEvent, createConfigureEvent, createPauseEvent, createResumeEvent, createRunEvent } from '../agent/events.js';
import type { EventOf } from '../events.js';
import type { AgentControl } from './activities/runtime.js';

type Waiter = { resolve: (r: StructuredCallResult) => void; reject: (e: AgentryError) => void };

/** Rebuilds a typed error from an agent's reply, keeping code, message and details. */
function errorOf(e: ReplyError): AgentryError {
  if (e.code === 'INVALID_OUTPUT') return new ModelBehaviorError(e.code, e.message, { details: e.details });
  if (e.code === 'INVALID_INPUT') return new UserError(e.code, e.message, { details: e.details });
  if (e.code.startsWith('MODEL_')) return new ModelCallError(e.code, e.message, { retryable: e.retryable ?? false, details: e.details });
  return new PolicyError(e.code, e.message, { details: e.details });
}

export class AgentHandles implements AgentControl {
  private readonly waiters = new Map<string, Waiter>();
  private readonly resumeTimers = new Map<AgentKind, unknown>();
  private closed = false;

  constructor(
    private readonly refs: Record<AgentKind, AnyActorRef>,
    private readonly clock: Clock,
    onEmitted: (kind: AgentKind, event: EventOf<'agent.breaker'> | EventOf<'agent.failed'>) => void = () => {},
  ) {
    for (const kind of AGENT_KINDS) {
      refs[kind].on('agent.result', (ev: AgentResult) => this.settle(ev));
      refs[kind].on('agent.breaker', (ev: EventOf<'agent.breaker'>) => onEmitted(kind, ev));
      refs[kind].on('agent.failed', (ev: EventOf<'agent.failed'>) => onEmitted(kind, ev));
    }
  }

  dispatch(agent: AgentKind, requestId: string, request: Omit<StructuredCallRequest, 'signal'>, priority: Priority): Promise<StructuredCallResult> {
    if (this.closed) return Promise.reject(new PolicyError('DRAINING', 'the supervisor is shutting down; the step runs again after the restart'));
    return new Promise((resolve, reject) => {
      this.waiters.set(requestId, { resolve, reject });
      this.refs[agent].send(createRunEvent(requestId, request, { priority }));
    });
  }

  /** Cuts off a task's queued and running model calls (each fails as MODEL_ABORTED; its reservation is released). */
  cancelTask(taskId: string): void {
    for (const requestId of this.waiters.keys()) {
      if (!requestId.startsWith(`${taskId}:`)) continue;
      for (const kind of AGENT_KINDS) this.refs[kind].send(createCancelEvent(requestId));
    }
  }

  breakerOpen(agent: AgentKind): boolean {
    return this.context(agent).breaker.status === 'open';
  }

  pause(agent: AgentKind, minutes: number): void {
    this.refs[agent].send(createPauseEvent());
    this.clock.clearTimeout(this.resumeTimers.get(agent));
    this.resumeTimers.set(agent, this.clock.setTimeout(() => this.refs[agent].send(createResumeEvent()), minutes * 60_000));
  }

  setModel(agent: AgentKind, model: string): void {
    this.refs[agent].send(createConfigureEvent({ model }));
  }

  /** New limits from a config reload; runs in flight keep going, queued ones follow the new limits. */
  setLimits(agent: AgentKind, limits: { concurrency: number; mailbox: number; breaker: { failureThreshold: number; cooldownMs: number } }): void {
    this.refs[agent].send(createConfigureEvent(limits));
  }

  context(agent: AgentKind): AgentContext {
    return (this.refs[agent].getSnapshot() as { context: AgentContext }).context;
  }

  paused(agent: AgentKind): boolean {
    return (this.refs[agent].getSnapshot() as { value: unknown }).value === 'paused';
  }

  /** Refuses new runs and fails the waiting ones as DRAINING (not an outcome: they run again after a restart). */
  close(): void {
    this.closed = true;
    for (const [id, w] of this.waiters) w.reject(new PolicyError('DRAINING', `${id} was cut off by the shutdown`));
    this.waiters.clear();
    for (const t of this.resumeTimers.values()) this.clock.clearTimeout(t);
  }

  private settle(ev: AgentResult): void {
    const waiter = this.waiters.get(ev.requestId);
    if (!waiter) return;
    this.waiters.delete(ev.requestId);
    if (ev.ok) waiter.resolve(ev.result);
    else waiter.reject(errorOf(ev.error));
  }
}
