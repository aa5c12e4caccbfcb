// Where results go. Reply targets are live ActorRefs, which a persisted snapshot cannot hold
// (a foreign ref is saved as {id} and revived as undefined), so they are kept here, outside
// the machine's context, per agent actor and request. After a restore they are gone: the
// owner then relies on the `agent.result` event every agent also emits (see submit.ts).
import type { AnyActorRef } from 'xstate';
import { AgentryError, ModelCallError, PolicyError, SchemaValidationError, toAgentryError } from '../../core/errors.js';
import type { ReplyError } from './events.js';

export interface ReplyBook {
  hold(agent: AnyActorRef, requestId: string, replyTo: AnyActorRef): void;
  /** The reply target of `requestId`, forgotten as it is returned. */
  take(agent: AnyActorRef, requestId: string): AnyActorRef | undefined;
}

export function createReplyBook(): ReplyBook {
  const book = new WeakMap<AnyActorRef, Map<string, AnyActorRef>>();
  return {
    hold(agent, requestId, replyTo) {
      const refs = book.get(agent) ?? new Map<string, AnyActorRef>();
      refs.set(requestId, replyTo);
      book.set(agent, refs);
    },
    take(agent, requestId) {
      const refs = book.get(agent);
      const ref = refs?.get(requestId);
      refs?.delete(requestId);
      return ref;
    },
  };
}

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
