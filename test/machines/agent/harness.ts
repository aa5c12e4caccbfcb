// Shared set-up for agent actor tests: an agent on a SimulatedClock with a scripted model,
// every emitted event recorded, and actor errors surfaced instead of swallowed.
import { SimulatedClock, createActor } from 'xstate';
import type { AgentKind } from '../../../agents/client/types.js';
import { createAgentMachine } from '../../../machines/agent/agent-machine.js';
import type { AgentInput } from '../../../machines/agent/context.js';
import { createRunEvent } from '../../../machines/agent/events.js';
import type { AgentEmitted, AgentResult, Priority } from '../../../machines/agent/events.js';
import type { InFlightLimit } from '../../../machines/agent/in-flight.js';
import type { RunInput } from '../../../machines/run.js';
import type { ScriptedModel } from '../../support/scripted-model.js';

export const answer = (text: string) => ({ answer: text, confidence: 0.9, rationale: 'scripted' });

export function probeRequest(stepKey: string, question: unknown = 'why?', agent: AgentKind = 'marketing'): RunInput {
  return {
    agent, stepKey, model: 'claude-test', system: 'You answer questions.',
    inputSchema: 'probe.input', outputSchema: 'probe.output',
    input: typeof question === 'string' ? { question } : question,
    maxTokens: 256, timeoutMs: 1_000,
  };
}

/** Lets settled model promises reach the actor (a macrotask turn, not wall-clock time). */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface Harness {
  actor: ReturnType<typeof startActor>;
  clock: SimulatedClock;
  emitted: AgentEmitted[];
  errors: unknown[];
  run(requestId: string, priority?: Priority, request?: RunInput): void;
  results(): Extract<AgentEmitted, { type: 'agent.result' }>[];
  result(requestId: string): AgentResult | undefined;
  breakerStates(): string[];
}

function startActor(model: ScriptedModel, clock: SimulatedClock, input: AgentInput, inFlight?: InFlightLimit) {
  const machine = createAgentMachine(inFlight ? { model, clock, inFlight } : { model, clock });
  return createActor(machine, { input, clock });
}

export function startAgent(model: ScriptedModel, opts: { input?: Partial<AgentInput>; clock?: SimulatedClock; inFlight?: InFlightLimit } = {}): Harness {
  const clock = opts.clock ?? new SimulatedClock();
  const actor = startActor(model, clock, { kind: 'marketing', ...opts.input }, opts.inFlight);
  const emitted: AgentEmitted[] = [];
  const errors: unknown[] = [];
  actor.on('*', (e) => emitted.push(e));
  actor.subscribe({ error: (err) => errors.push(err) });
  actor.start();
  const results = () => emitted.filter((e): e is AgentResult => e.type === 'agent.result');
  return {
    actor, clock, emitted, errors, results,
    run: (requestId, priority = 'P2', request = probeRequest(requestId)) =>
      actor.send(createRunEvent(requestId, request, { priority })),
    result: (requestId) => results().find((r) => r.requestId === requestId),
    breakerStates: () => emitted.flatMap((e) => (e.type === 'agent.breaker' ? [e.state] : [])),
  };
}

/** Ends a test: the actor never errored, every scripted step was used, the actor stops. */
export function finish(h: Harness, model: ScriptedModel): void {
  if (h.errors.length > 0) throw new Error(`agent actor errored: ${String(h.errors[0])}`);
  model.assertComplete();
  h.actor.stop();
}

/** The error code of a failed result, or 'ok'. */
export function codeOf(r: AgentResult | undefined): string | undefined {
  if (!r) return undefined;
  return r.ok ? 'ok' : r.error.code;
}
