// One LLM call as actor logic (STYLE practice 1): validate the input against its schema, call
// the model with the actor's abort signal, return the result. The model validates the output
// and runs the bounded repair loop itself (agents/client), so a result here is always valid.
// Failures reject; the parent agent handles them as `xstate.error.actor.*` events.
import { fromPromise } from 'xstate';
import type { StructuredCallRequest, StructuredCallResult, StructuredModel } from '../agents/client/types.js';
import { validate } from '../schemas/registry.js';

/** A call request as actor input: plain data (persistable), no abort signal. */
export type RunInput = Omit<StructuredCallRequest, 'signal'>;

/**
 * The run logic bound to `model`. The model is closed over, not passed as input, because actor
 * input is persisted with the parent's snapshot and a client object is not serialisable.
 */
export function createRunLogic(model: StructuredModel) {
  return fromPromise<StructuredCallResult, RunInput>(async ({ input, signal }) => {
    // Input that fails its schema never reaches the model.
    validate(input.inputSchema, input.input, 'INVALID_INPUT');
    return model.call({ ...input, signal });
  });
}
