// One LLM call as actor logic (STYLE practice 1): validate the input against its schema, call
// the model with an abort signal the actor's stop fires, and send the outcome back to the agent.
// The model validates the output and runs the bounded repair loop itself (agents/client), so a
// result here is always valid.
//
// A callback actor with one fixed event type, not a promise actor: a promise actor answers with
// `xstate.done.actor.<its id>`, a new event type per call, and XState memoises a state node's
// transitions per event type for as long as the machine lives (1.9 KB a call, never freed).
import { fromCallback } from 'xstate';
import type { EventObject } from 'xstate';
import type { StructuredCallRequest, StructuredCallResult, StructuredModel } from '../agents/client/types.js';
import { validate } from '../schemas/registry.js';

/** A call request as actor input: plain data (persistable), no abort signal. */
export type RunInput = Omit<StructuredCallRequest, 'signal'>;

/** How a run ended, sent back to the agent under the run's request id. */
export type RunSettled =
  | { type: 'agent.settled'; requestId: string; ok: true; result: StructuredCallResult }
  | { type: 'agent.settled'; requestId: string; ok: false; error: unknown };

/** Validates the input (input that fails its schema never reaches the model), then calls the model. */
export async function runModel(model: StructuredModel, input: RunInput, signal?: AbortSignal): Promise<StructuredCallResult> {
  validate(input.inputSchema, input.input, 'INVALID_INPUT');
  return model.call(signal ? { ...input, signal } : input);
}

/**
 * The run logic bound to `model`. The model is closed over, not passed as input, because actor
 * input is persisted with the parent's snapshot and a client object is not serialisable.
 */
export function createRunLogic(model: StructuredModel) {
  return fromCallback<EventObject, { requestId: string; request: RunInput }>(({ input, sendBack }) => {
    const abort = new AbortController();
    const { requestId } = input;
    let settled = false;
    const answer = (event: RunSettled): void => {
      settled = true;
      sendBack(event);
    };
    // sendBack is a no-op once the actor is stopped, so a cancelled run answers nothing.
    runModel(model, input.request, abort.signal).then(
      (result) => answer({ type: 'agent.settled', requestId, ok: true, result }),
      (error: unknown) => answer({ type: 'agent.settled', requestId, ok: false, error }),
    );
    // Only a run still going is aborted: an abort builds an AbortError, stack trace and all.
    return () => {
      if (!settled) abort.abort();
    };
  });
}
