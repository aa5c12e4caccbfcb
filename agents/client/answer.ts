// Reads the structured answer out of a response: blocks are picked by type, never by position
// (a thinking block may come first), and every answer is re-validated with ajv.
import type { Message } from '@anthropic-ai/sdk/resources/messages';
import type { ValidationIssue } from '../../core/errors.js';
import { check } from '../../schemas/registry.js';
import type { SchemaName } from '../../schemas/registry.js';
import { canonicalJson } from './canonical.js';
import { TOOL_NAME } from './prompt.js';
import type { StructuredMode } from './types.js';

export interface Answer {
  /** The text the model produced (the tool input as JSON in `tool` mode). */
  raw: string;
  value: unknown;
  /** Why `raw` is not an answer at all (invalid JSON, no tool call); null when it parsed. */
  problem: string | null;
  toolUseId: string | null;
}

export function readAnswer(message: Message, mode: StructuredMode): Answer {
  if (mode === 'tool') {
    const call = message.content.find((b) => b.type === 'tool_use' && b.name === TOOL_NAME);
    if (call?.type === 'tool_use') return { raw: canonicalJson(call.input), value: call.input, problem: null, toolUseId: call.id };
  }
  const raw = message.content
    .filter((b) => b.type === 'text')
    .map((b) => b.text)
    .join('');
  if (mode === 'tool') return { raw, value: undefined, problem: `no ${TOOL_NAME} tool call`, toolUseId: null };
  try {
    return { raw, value: JSON.parse(unfence(raw)) as unknown, problem: null, toolUseId: null };
  } catch (err) {
    const why = message.stop_reason === 'max_tokens' ? 'output cut off at max_tokens' : (err as Error).message;
    return { raw, value: undefined, problem: `invalid JSON (${why})`, toolUseId: null };
  }
}

/** What is wrong with `answer` against `schema`; empty when it is valid. */
export function issuesOf(answer: Answer, schema: SchemaName): ValidationIssue[] {
  if (answer.problem !== null) return [{ path: '(root)', expected: 'one JSON object', got: answer.problem }];
  return check(schema, answer.value);
}

// Structured outputs return bare JSON; a model answering in text may still wrap it in a fence.
function unfence(text: string): string {
  const m = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(text);
  return m?.[1] ?? text;
}
