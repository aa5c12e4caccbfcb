// One structured call: ask, re-validate with ajv, and repair up to `repairAttempts` times.
import type Anthropic from '@anthropic-ai/sdk';
import type { Message, MessageCreateParamsNonStreaming, MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { Logger } from 'pino';
import { SchemaValidationError, formatIssue } from '../../core/errors.js';
import { issuesOf, readAnswer } from './answer.js';
import { addUsage } from './prices.js';
import { buildPrompt, emitTool, repairTurns, TOOL_NAME } from './prompt.js';
import type { Prompt } from './prompt.js';
import type { StructuredCallRequest, StructuredMode, Usage } from './types.js';

export interface RoundDeps {
  client: Anthropic;
  mode: StructuredMode;
  repairAttempts: number;
  maxRetries: number;
  logger: Logger | undefined;
}

export interface RoundsOutcome {
  output: unknown;
  repairs: number;
}

const RAW_LIMIT = 2_000;

/** Runs the rounds; `spent` is updated after every response so a failure still reports its cost. */
export async function runRounds(deps: RoundDeps, req: StructuredCallRequest, signal: AbortSignal, spent: { usage: Usage }): Promise<RoundsOutcome> {
  const prompt = buildPrompt(req, deps.mode);
  let messages: MessageParam[] = [{ role: 'user', content: prompt.user }];
  for (let round = 0; ; round++) {
    deps.logger?.debug({ stepKey: req.stepKey, round, messages }, 'model request');
    const message = await deps.client.messages.create(params(deps.mode, req, prompt, messages), {
      timeout: req.timeoutMs,
      maxRetries: deps.maxRetries,
      signal,
      headers: { 'x-agentry-step': req.stepKey },
    });
    spent.usage = addUsage(spent.usage, usageOf(message));
    const answer = readAnswer(message, deps.mode);
    deps.logger?.debug({ stepKey: req.stepKey, round, raw: answer.raw }, 'model answer');
    const issues = issuesOf(answer, req.outputSchema);
    if (issues.length === 0) return { output: answer.value, repairs: round };
    deps.logger?.debug({ stepKey: req.stepKey, round, issues: issues.map(formatIssue) }, 'model answer rejected');
    if (round >= deps.repairAttempts) {
      throw new SchemaValidationError('INVALID_OUTPUT', req.outputSchema, issues, {
        details: { model: req.model, stepKey: req.stepKey, rounds: round + 1, lastRaw: answer.raw.slice(0, RAW_LIMIT) },
      });
    }
    messages = [...messages, ...repairTurns(answer, issues)];
  }
}

function params(mode: StructuredMode, req: StructuredCallRequest, prompt: Prompt, messages: MessageParam[]): MessageCreateParamsNonStreaming {
  const base = { model: req.model, max_tokens: req.maxTokens, system: prompt.system, messages };
  if (mode === 'tool') return { ...base, tools: [emitTool(prompt.schema)], tool_choice: { type: 'tool', name: TOOL_NAME } };
  return { ...base, output_config: { format: { type: 'json_schema', schema: prompt.schema } } };
}

function usageOf(message: Message): Usage {
  const u = message.usage;
  return {
    inputTokens: u.input_tokens,
    outputTokens: u.output_tokens,
    cacheWriteTokens: u.cache_creation_input_tokens ?? 0,
    cacheReadTokens: u.cache_read_input_tokens ?? 0,
  };
}
