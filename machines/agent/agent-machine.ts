// One long-lived actor per agent kind: mailbox (P0..P3, FIFO), concurrency limit, a share of
// the global in-flight limit, circuit breaker and stats. Each LLM call is a spawned `run`
// child (machines/run.ts), so several run at once; the `agent.settled` each sends settles here.
//
// Dependencies that are not data (the model, the clock, the in-flight pool)
// are closed over by `createAgentMachine`, never put in context or input: the actor's
// snapshot stays persistable, and every child logic is registered by name in setup().
import { fromCallback, setup } from 'xstate';
import type { StructuredModel } from '../../agents/client/types.js';
import type { Clock } from '../../core/clock.js';
import { toAgentryError } from '../../core/errors.js';
import { createEvent } from '../events.js';
import { createRunLogic } from '../run.js';
import { initialContext } from './context.js';
import type { AgentContext, AgentInput } from './context.js';
import type { AgentEmitted, AgentEvent } from './events.js';
import { createInFlightLimit } from './in-flight.js';
import type { InFlightLimit } from './in-flight.js';
import { acceptStep, cancelStep, settleStep } from './steps.js';
import type { Step } from './steps.js';
import { configure, startable } from './pump.js';

export interface AgentDeps {
  model: StructuredModel;
  /** now() for cooldowns and stats; give createActor the same clock. */
  clock: Pick<Clock, 'now'>;
  /** The global in-flight limit shared by all agents (unlimited when absent). */
  inFlight?: InFlightLimit;
}

/** Wakes the agent when the pool may have a token, and once at start (also after a restore). */
function createInFlightWatch(pool: InFlightLimit) {
  return fromCallback<AgentEvent, { holder: string }>(({ input, sendBack }) => {
    const off = pool.onAvailable(input.holder, () => sendBack({ type: 'agent.poke' }));
    sendBack({ type: 'agent.poke' });
    return () => {
      off();
      pool.withdraw(input.holder);
    };
  });
}

export function createAgentMachine(deps: AgentDeps) {
  const pool = deps.inFlight ?? createInFlightLimit(Number.POSITIVE_INFINITY);
  const now = (): number => deps.clock.now();

  const agent = setup({
    types: { context: {} as AgentContext, input: {} as AgentInput, events: {} as AgentEvent, emitted: {} as AgentEmitted },
    actors: { run: createRunLogic(deps.model), inFlightWatch: createInFlightWatch(pool) },
  });

  /** Applies a Step computed by steps.ts: assign, stop, free tokens, reply, emit, then pump. */
  const apply = (compute: (ctx: AgentContext, event: AgentEvent) => Step | null) =>
    agent.enqueueActions(({ context, event, enqueue }) => {
      const step = compute(context, event);
      if (!step) return;
      enqueue.assign(step.patch);
      if (step.stop) enqueue.stopChild(step.stop);
      for (let i = 0; i < step.release; i++) enqueue(() => pool.release(context.kind));
      for (const { result } of step.replies) enqueue.emit(result);
      for (const e of step.emits) enqueue.emit(e);
      enqueue.raise({ type: 'agent.poke' });
    });

  /** Starts queued runs while the agent's and the global limits allow. */
  const pump = agent.enqueueActions(({ context, enqueue }) => {
    pool.reconcile(context.kind, context.inFlight.length);
    const { starts, patch } = startable(context, now(), () => pool.tryAcquire(context.kind));
    for (const s of starts) enqueue.spawnChild('run', { id: s.runId, input: { requestId: s.requestId, request: s.input } });
    if (starts.length > 0) enqueue.assign(patch);
    // Not waiting for a token: either nothing is queued or our own limit is reached.
    if (patch.mailbox.length === 0 || patch.inFlight.length >= context.concurrency) pool.withdraw(context.kind);
  });

  return agent.createMachine({
    id: 'agent',
    context: ({ input }) => initialContext(input, now()),
    invoke: {
      id: 'inFlightWatch',
      src: 'inFlightWatch',
      input: ({ context }) => ({ holder: context.kind }),
      // Without the watcher the agent still starts runs on its own events; nothing to undo.
      onError: {
        actions: agent.emit(({ context, event }) => {
          const e = toAgentryError('error' in event ? event.error : event);
          return createEvent('agent.failed', { agent: context.kind, code: e.code, message: `in-flight watcher: ${e.message}` }, now());
        }),
      },
    },
    on: {
      'agent.run': {
        actions: apply((ctx, e) => (e.type === 'agent.run' ? acceptStep(ctx, e, now()) : null)),
      },
      'agent.cancel': { actions: apply((ctx, e) => (e.type === 'agent.cancel' ? cancelStep(ctx, e.requestId, now()) : null)) },
      'agent.configure': { actions: [agent.assign(({ context, event }) => configure(context, event)), agent.raise({ type: 'agent.poke' })] },
      'agent.settled': { actions: apply((ctx, e) => (e.type === 'agent.settled' ? settleStep(ctx, e, now()) : null)) },
    },
    initial: 'running',
    states: {
      running: {
        entry: pump,
        on: { 'agent.poke': { actions: pump }, 'agent.pause': 'paused' },
      },
      // Paused agents keep queueing (and settling runs in flight) but start nothing.
      paused: {
        entry: ({ context }) => pool.withdraw(context.kind),
        on: { 'agent.resume': 'running' },
      },
    },
  });
}

export type AgentMachine = ReturnType<typeof createAgentMachine>;
