// A failed run's reply: every result goes out as an emitted `agent.result` event, which the
// owner listens to (a listener survives a restore, where a live reply ref would not).
import { AgentryError, ModelCallError, PolicyError, SchemaValidationError, toAgentryError } from '../../core/errors.js';
import type { ReplyError } from './events.js';

/** An error as plain data for a reply: code, message, details, and whether a retry may help. */
export function toReplyError(err: unknown): ReplyError {
  const e: AgentryError = toAgentryError(err);
  const out: ReplyError = { code: e.code, message: e.message, details: e.details };
  const retryable = retryableOf(e);
  if (retryable !== undefined) out.retryable = retryable;
  return out;
}

function retryableOf(e: AgentryError): boolean | undefined {
  if (e instanceof ModelCallError) return e.retryable;
  if (e instanceof PolicyError) return true; // the breaker closes, the mailbox drains
  if (e instanceof SchemaValidationError) return e.code !== 'INVALID_INPUT';
  return undefined;
}
