// The StructuredModel backed by the official Anthropic SDK.
import Anthropic from '@anthropic-ai/sdk';
import type { Logger } from 'pino';
import { ModelCallError, SchemaValidationError, UserError } from '../../core/errors.js';
import type { AgentryError } from '../../core/errors.js';
import type { ErrorDetails } from '../../core/errors.js';
import { validate } from '../../schemas/registry.js';
import { countingFetch, withAttemptCounter } from './attempts.js';
import type { Fetch } from './attempts.js';
import { classifyError } from './classify.js';
import { worstCaseCostOf } from './estimate.js';
import { costOf, mergePrices, priceFor, ZERO_USAGE } from './prices.js';
import { sdkLogger } from './sdk-logger.js';
import { runRounds } from './structured.js';
import type { PriceTable, StructuredCallRequest, StructuredCallResult, StructuredMode, StructuredModel, Usage } from './types.js';

export interface AnthropicModelOptions {
  /** Default: the SDK's own lookup (ANTHROPIC_API_KEY). */
  apiKey?: string;
  /** Default: the SDK's own lookup (ANTHROPIC_BASE_URL, then the public API). */
  baseURL?: string;
  /** SDK retries per HTTP request (429, 5xx, connection errors). Default 2. */
  maxRetries?: number;
  /** Merged over DEFAULT_PRICES. */
  prices?: PriceTable;
  /** Per model id; default 'native' (output_config.format). */
  structuredMode?: Record<string, StructuredMode>;
  /** Extra rounds after an invalid answer. Default 2. */
  repairAttempts?: number;
  logger?: Logger;
  fetch?: Fetch;
  /** Milliseconds, for latency. Default performance.now. */
  now?: () => number;
}

/** The SDK refuses non-streaming calls whose max_tokens implies more than 10 minutes. */
const MAX_TOKENS_LIMIT = 16_000;

export function createAnthropicModel(opts: AnthropicModelOptions = {}): StructuredModel {
  const prices = mergePrices(opts.prices);
  const repairAttempts = opts.repairAttempts ?? 2;
  const maxRetries = opts.maxRetries ?? 2;
  const now = opts.now ?? (() => performance.now());
  const logger = opts.logger;
  const modeOf = (model: string): StructuredMode => opts.structuredMode?.[model] ?? 'native';
  const client = new Anthropic({
    ...(opts.apiKey === undefined ? {} : { apiKey: opts.apiKey }),
    ...(opts.baseURL === undefined ? {} : { baseURL: opts.baseURL }),
    maxRetries,
    fetch: countingFetch(opts.fetch ?? globalThis.fetch),
    ...(logger === undefined ? { logLevel: 'off' as const } : { logLevel: 'warn' as const, logger: sdkLogger(logger) }),
  });

  async function call<T = unknown>(req: StructuredCallRequest): Promise<StructuredCallResult<T>> {
    // Everything that can fail without spending money fails first.
    const price = priceFor(prices, req.model);
    checkLimits(req);
    validate(req.inputSchema, req.input, 'INVALID_INPUT');
    const started = now();
    const counter = { count: 0 };
    const spent = { usage: ZERO_USAGE as Usage };
    // timeoutMs bounds each HTTP attempt (SDK timeout); the deadline bounds the whole call,
    // retry waits included, at the sum of every attempt's budget.
    const deadline = AbortSignal.timeout(req.timeoutMs * (1 + maxRetries) * (1 + repairAttempts));
    const signal = req.signal === undefined ? deadline : AbortSignal.any([req.signal, deadline]);
    const deps = { client, mode: modeOf(req.model), repairAttempts, maxRetries, logger };
    try {
      const out = await withAttemptCounter(counter, () => runRounds(deps, req, signal, spent));
      const result: StructuredCallResult<T> = {
        output: out.output as T,
        model: req.model,
        usage: spent.usage,
        costUsd: costOf(spent.usage, price),
        repairs: out.repairs,
        attempts: counter.count,
        latencyMs: now() - started,
        offline: false,
      };
      logger?.info({ stepKey: req.stepKey, model: req.model, usage: result.usage, costUsd: result.costUsd, repairs: result.repairs, attempts: result.attempts, latencyMs: result.latencyMs }, 'model call done');
      return result;
    } catch (err) {
      const context: ErrorDetails = { model: req.model, stepKey: req.stepKey, attempts: counter.count, costUsd: costOf(spent.usage, price) };
      const failure = toFailure(err, context, client, deadline.aborted && req.signal?.aborted !== true);
      // The error can quote model output (lastRaw), so it goes in full only at debug; what was
      // invalid (where, and what the schema expected; capped) is logged here, so an operator can tell why.
      logger?.warn({ stepKey: req.stepKey, model: req.model, code: failure.code, ...context, ...issuesFor(failure) }, `model call failed: ${failure.code}${failure instanceof SchemaValidationError ? ` (${failure.issues.length} schema issue${failure.issues.length === 1 ? '' : 's'})` : ''}`);
      logger?.debug({ stepKey: req.stepKey, err: failure }, 'model call failure detail');
      throw failure;
    }
  }

  return {
    offline: false,
    call,
    worstCaseCost: (req) => worstCaseCostOf(req, priceFor(prices, req.model), repairAttempts, modeOf(req.model)),
  };
}

function checkLimits(req: StructuredCallRequest): void {
  if (!Number.isInteger(req.maxTokens) || req.maxTokens < 1 || req.maxTokens > MAX_TOKENS_LIMIT) {
    throw new UserError('INVALID_CONFIG', `maxTokens must be an integer from 1 to ${MAX_TOKENS_LIMIT}, got ${req.maxTokens}`, {
      details: { model: req.model, maxTokens: req.maxTokens },
    });
  }
  if (!(req.timeoutMs > 0)) {
    throw new UserError('INVALID_CONFIG', `timeoutMs must be positive, got ${req.timeoutMs}`, { details: { timeoutMs: req.timeoutMs } });
  }
}

function toFailure(err: unknown, context: ErrorDetails, client: Anthropic, deadlineHit: boolean): AgentryError {
  if (err instanceof SchemaValidationError) return withDetails(err, context);
  // The SDK refuses to send without credentials with a plain Error; tell it apart by state.
  if (context['attempts'] === 0 && client.apiKey === null && client.authToken === null) {
    return new ModelCallError('MODEL_UNAVAILABLE', 'no Anthropic credentials: set ANTHROPIC_API_KEY or run offline', {
      retryable: false,
      details: context,
      cause: err,
    });
  }
  return classifyError(err, context, deadlineHit);
}

// SchemaValidationError is built deep in the rounds; the call-level facts are known only here.
function withDetails(err: SchemaValidationError, context: ErrorDetails): SchemaValidationError {
  return new SchemaValidationError('INVALID_OUTPUT', err.schema, err.issues, {
    cause: err.cause,
    details: { ...err.details, ...context },
  });
}

/** Logged issues: at most this many, each cut to ISSUE_CHARS. */
const LOGGED_ISSUES = 5;
const ISSUE_CHARS = 200;

function issuesFor(failure: AgentryError): { issues?: string[]; moreIssues?: number } {
  if (!(failure instanceof SchemaValidationError)) return {};
  // Where and what was expected, without the `got` part: that can quote the model's output.
  const issues = failure.issues.slice(0, LOGGED_ISSUES).map((i) => `${i.path}: expected ${i.expected}`.slice(0, ISSUE_CHARS));
  const more = failure.issues.length - issues.length;
  return more > 0 ? { issues, moreIssues: more } : { issues };
}
