// The offline model: a deterministic stand-in for the LLM, used by `--offline` runs, demos and tests.
// It answers every agent from its input alone, and validates both sides against the agent's
// schemas, so it can never hand the supervisor an answer the real model would not be allowed to.
// It bills nothing, but reports the usage the configured model would bill for its text (prompt
// and answer, estimated as the client estimates them) at that model's price: a simulated cost, so
// budgets, alerts and the dashboard behave as they would online. An optional latency simulates time.
import { setTimeout as sleep } from 'node:timers/promises';
import { ModelCallError, SystemError } from '../../core/errors.js';
import { validate } from '../../schemas/registry.js';
import { estimateInputTokens, estimateTokens, worstCaseCostOf } from '../client/estimate.js';
import { costOf, mergePrices } from '../client/prices.js';
import type { AgentKind, ModelPrice, PriceTable, StructuredCallRequest, StructuredCallResult, StructuredModel, Usage } from '../client/types.js';
import { definitionOf } from '../definitions.js';
import type { AgentInput, AgentOutput } from '../definitions.js';
import { RESPONDERS } from './responders.js';
import { confidenceFor } from './seed.js';

export const OFFLINE_MODEL_ID = 'offline';

export interface OfflineModelOptions {
  /** Simulated latency of each call, in milliseconds (default 0: answer at once). */
  latencyMs?: number;
  /** Prices the simulated cost is computed at (default: the built-in table); a model without one costs $0. */
  prices?: PriceTable;
  /** false: every call costs $0 and reports no usage. */
  simulateCost?: boolean;
}

const NO_USAGE = { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 } as const;

/** What the configured model would have been billed for this prompt and this answer. */
function simulatedUsage(req: StructuredCallRequest, output: unknown): Usage {
  return { inputTokens: estimateInputTokens(req), outputTokens: estimateTokens(JSON.stringify(output)), cacheWriteTokens: 0, cacheReadTokens: 0 };
}

function respond<K extends AgentKind>(kind: K, input: AgentInput<K>): AgentOutput<K> {
  const responder = RESPONDERS[kind] as (i: AgentInput<K>, c: number) => AgentOutput<K>;
  return validate<AgentOutput<K>>(definitionOf(kind).outputSchema, responder(input, confidenceFor(input)), 'INVALID_OUTPUT');
}

function checkRequest(req: StructuredCallRequest): void {
  const def = definitionOf(req.agent);
  if (req.inputSchema !== def.inputSchema || req.outputSchema !== def.outputSchema) {
    throw new SystemError('INTERNAL', `offline ${req.agent} answers ${def.inputSchema} → ${def.outputSchema} only`, {
      details: { agent: req.agent, inputSchema: req.inputSchema, outputSchema: req.outputSchema },
    });
  }
}

async function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted === true) throw aborted(signal.reason);
  if (ms <= 0) return;
  try {
    await sleep(ms, undefined, signal === undefined ? {} : { signal });
  } catch (err) {
    throw aborted(err);
  }
}

function aborted(cause: unknown): ModelCallError {
  return new ModelCallError('MODEL_ABORTED', 'the offline call was cancelled', { retryable: false, cause });
}

export function createOfflineModel(opts: OfflineModelOptions = {}): StructuredModel {
  const latencyMs = Math.max(0, opts.latencyMs ?? 0);
  const prices = opts.simulateCost === false ? {} : mergePrices(opts.prices);
  const priceOf = (model: string): ModelPrice | undefined => (Object.hasOwn(prices, model) ? prices[model] : undefined);
  return {
    offline: true,
    async call<T = unknown>(req: StructuredCallRequest): Promise<StructuredCallResult<T>> {
      const started = performance.now();
      checkRequest(req);
      const input = validate<AgentInput<AgentKind>>(req.inputSchema, req.input, 'INVALID_INPUT');
      await wait(latencyMs, req.signal);
      const output = respond(req.agent, input) as T;
      const price = priceOf(req.model);
      const usage = price ? simulatedUsage(req, output) : { ...NO_USAGE };
      return {
        output,
        model: OFFLINE_MODEL_ID,
        usage,
        costUsd: price ? costOf(usage, price) : 0,
        repairs: 0,
        attempts: 1,
        latencyMs: Math.round(performance.now() - started),
        offline: true,
      };
    },
    worstCaseCost: (req) => {
      const price = priceOf(req.model);
      return price ? worstCaseCostOf(req, price, 0) : 0;
    },
  };
}
