// Builds the fake Messages API's response bodies: messages with usage, and error envelopes.
import { Buffer } from 'node:buffer';

export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export type FakeErrorStatus = 400 | 401 | 403 | 404 | 413 | 422 | 429 | 500 | 503 | 529;

/** A scripted answer that the fake sends as it is. */
export type FakeReply =
  | { json: unknown; usage?: Partial<FakeUsage>; thinking?: string }
  | { text: string; usage?: Partial<FakeUsage>; stopReason?: 'end_turn' | 'max_tokens' | 'refusal' }
  | { toolUse: unknown; name?: string; usage?: Partial<FakeUsage> }
  | { status: FakeErrorStatus; retryAfter?: number; body?: unknown };

export const DEFAULT_USAGE: Readonly<FakeUsage> = Object.freeze({
  input_tokens: 100,
  output_tokens: 50,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
});

const ERROR_TYPES: Record<FakeErrorStatus, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'api_error',
  529: 'overloaded_error',
};

export function errorBody(status: FakeErrorStatus, requestId: string, message?: string): unknown {
  return { type: 'error', error: { type: ERROR_TYPES[status], message: message ?? `fake ${status}` }, request_id: requestId };
}

type Block = Record<string, unknown>;

/** The content blocks and stop reason of a 200 reply. */
export function contentOf(reply: Exclude<FakeReply, { status: number }>, id: string): { content: Block[]; stopReason: string } {
  if ('toolUse' in reply) {
    return { content: [{ type: 'tool_use', id: `toolu_${id}`, name: reply.name ?? 'emit_output', input: reply.toolUse }], stopReason: 'tool_use' };
  }
  if ('json' in reply) {
    const text: Block = { type: 'text', text: JSON.stringify(reply.json) };
    // A thinking block first proves the client picks blocks by type, not by position.
    const content = reply.thinking === undefined ? [text] : [{ type: 'thinking', thinking: reply.thinking, signature: 'sig' }, text];
    return { content, stopReason: 'end_turn' };
  }
  return { content: [{ type: 'text', text: reply.text }], stopReason: reply.stopReason ?? 'end_turn' };
}

export function messageBody(model: string, id: string, content: Block[], stopReason: string, usage: FakeUsage): unknown {
  return { id: `msg_${id}`, type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null, usage };
}

/** Simulated prompt caching: a prefix seen before is read from cache, a new one is written. */
export class FakeCache {
  readonly #seen = new Set<string>();

  usageFor(body: Record<string, unknown>): Pick<FakeUsage, 'cache_creation_input_tokens' | 'cache_read_input_tokens'> {
    const system = body['system'];
    if (!Array.isArray(system) || !system.some((b: unknown) => typeof b === 'object' && b !== null && 'cache_control' in b)) {
      return { cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    }
    // Parsed JSON keeps key order, so a prefix that differs in any byte of key order misses.
    const key = JSON.stringify({ tools: body['tools'] ?? null, system });
    const tokens = Math.ceil(Buffer.byteLength(key) / 4);
    if (this.#seen.has(key)) return { cache_creation_input_tokens: 0, cache_read_input_tokens: tokens };
    this.#seen.add(key);
    return { cache_creation_input_tokens: tokens, cache_read_input_tokens: 0 };
  }
}

export function sumUsage(a: FakeUsage, b: FakeUsage): FakeUsage {
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    cache_creation_input_tokens: a.cache_creation_input_tokens + b.cache_creation_input_tokens,
    cache_read_input_tokens: a.cache_read_input_tokens + b.cache_read_input_tokens,
  };
}
