// Zero-latency stand-ins for the model client, for benchmarks. The stub answers each agent with
// the offline responders, and checks both sides against the agent's schemas as a real client
// does, so the supervisor pays for every contract check it would pay for in production.
import { ModelCallError, SystemError } from '../core/errors.js';
import { validate } from '../schemas/registry.js';
import type { AgentKind, StructuredCallRequest, StructuredCallResult, StructuredModel } from '../agents/client/types.js';
import { definitionOf } from '../agents/definitions.js';
import type { AgentInput, AgentOutput } from '../agents/definitions.js';
import { RESPONDERS } from '../agents/offline/responders.js';
import { confidenceFor } from '../agents/offline/seed.js';

export const STUB_MODEL_ID = 'bench-stub';

const NO_USAGE = { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 } as const;

export interface StubCounters {
  calls: number;
  byAgent: Partial<Record<AgentKind, number>>;
}

export interface StubModel extends StructuredModel {
  readonly counters: StubCounters;
}

function answer<K extends AgentKind>(kind: K, input: AgentInput<K>): AgentOutput<K> {
  const responder = RESPONDERS[kind] as (i: AgentInput<K>, c: number) => AgentOutput<K>;
  return validate<AgentOutput<K>>(definitionOf(kind).outputSchema, responder(input, confidenceFor(input)), 'INVALID_OUTPUT');
}

function checkContract(req: StructuredCallRequest): void {
  const def = definitionOf(req.agent);
  if (req.inputSchema !== def.inputSchema || req.outputSchema !== def.outputSchema) {
    throw new SystemError('INTERNAL', `stub ${req.agent} answers ${def.inputSchema} → ${def.outputSchema} only`, {
      details: { agent: req.agent, inputSchema: req.inputSchema, outputSchema: req.outputSchema },
    });
  }
}

function count(counters: StubCounters, agent: AgentKind): void {
  counters.calls += 1;
  counters.byAgent[agent] = (counters.byAgent[agent] ?? 0) + 1;
}

/** Answers at once: input validated, responder run, output validated, no timer, no I/O. */
export function createStubModel(): StubModel {
  const counters: StubCounters = { calls: 0, byAgent: {} };
  return {
    offline: false,
    counters,
    call<T = unknown>(req: StructuredCallRequest): Promise<StructuredCallResult<T>> {
      try {
        checkContract(req);
        const input = validate<AgentInput<AgentKind>>(req.inputSchema, req.input, 'INVALID_INPUT');
        const output = answer(req.agent, input) as T;
        count(counters, req.agent);
        return Promise.resolve({ output, model: STUB_MODEL_ID, usage: { ...NO_USAGE }, costUsd: 0, repairs: 0, attempts: 1, latencyMs: 0, offline: false });
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
    worstCaseCost: () => 0,
  };
}

/**
 * A model that accepts the call (input validated) and never answers: the step stays in flight
 * until the supervisor cancels it. Keeps tasks active for the memory and recovery benches.
 */
export function createSilentModel(): StubModel {
  const counters: StubCounters = { calls: 0, byAgent: {} };
  return {
    offline: false,
    counters,
    call<T = unknown>(req: StructuredCallRequest): Promise<StructuredCallResult<T>> {
      checkContract(req);
      validate(req.inputSchema, req.input, 'INVALID_INPUT');
      count(counters, req.agent);
      return new Promise((_resolve, reject) => {
        const cancel = (): void => reject(new ModelCallError('MODEL_ABORTED', 'the bench call was cancelled', { retryable: false }));
        if (req.signal?.aborted === true) cancel();
        else req.signal?.addEventListener('abort', cancel, { once: true });
      });
    },
    worstCaseCost: () => 0,
  };
}
