// Maps SDK errors to ModelCallError with stable codes. Branches on class and status, never on
// message text (the SDK says its wording can change).
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AnthropicError,
} from '@anthropic-ai/sdk';
import { AgentryError, ModelCallError, toAgentryError } from '../../core/errors.js';
import type { ErrorCode, ErrorDetails } from '../../core/errors.js';

interface Verdict {
  code: ErrorCode;
  retryable: boolean;
}

/**
 * Every failure of a model call as an AgentryError; `context` (model, stepKey, …) joins the
 * details. `deadlineHit`: our own whole-call deadline fired, so an abort is a timeout.
 */
export function classifyError(err: unknown, context: ErrorDetails = {}, deadlineHit = false): AgentryError {
  if (err instanceof AgentryError) return err;
  const aborted = err instanceof APIUserAbortError || isDomAbort(err);
  if (aborted && deadlineHit) return make({ code: 'MODEL_TIMEOUT', retryable: true }, 'model call exceeded its deadline', err, context);
  if (aborted) return make({ code: 'MODEL_ABORTED', retryable: false }, 'model call was cancelled', err, context);
  // Network failures reach us wrapped in SDK classes; anything else is our bug.
  if (!(err instanceof AnthropicError)) return toAgentryError(err);
  return make(verdictFor(err), messageOf(err), err, context);
}

function verdictFor(err: AnthropicError): Verdict {
  // Order matters: the timeout class extends the connection class.
  if (err instanceof APIConnectionTimeoutError) return { code: 'MODEL_TIMEOUT', retryable: true };
  if (err instanceof APIConnectionError) return { code: 'MODEL_CONNECTION', retryable: true };
  if (err instanceof APIError && typeof err.status === 'number') return byStatus(err.status);
  // A client-side refusal before any request (e.g. no credentials, max_tokens too large).
  return { code: 'MODEL_BAD_REQUEST', retryable: false };
}

function byStatus(status: number): Verdict {
  if (status === 429) return { code: 'MODEL_RATE_LIMITED', retryable: true };
  if (status === 401 || status === 403) return { code: 'MODEL_AUTH', retryable: false };
  if (status === 408) return { code: 'MODEL_TIMEOUT', retryable: true };
  if (status >= 500) return { code: 'MODEL_OVERLOADED', retryable: true };
  // 400, 404, 409, 413, 422 and any other 4xx: resending the same request cannot help.
  return { code: 'MODEL_BAD_REQUEST', retryable: false };
}

// An abort raised outside the SDK (e.g. while we wait) is a DOMException, not the SDK's class.
function isDomAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}

function make(verdict: Verdict, message: string, err: unknown, context: ErrorDetails): ModelCallError {
  const api = err instanceof APIError ? err : undefined;
  const status = typeof api?.status === 'number' ? api.status : null;
  const details: ErrorDetails = {
    ...context,
    status,
    requestId: api?.requestID ?? null,
    apiErrorType: api?.type ?? null,
    apiErrorCode: api?.errorCode ?? null,
    sdkError: err instanceof Error ? err.constructor.name : typeof err,
  };
  return new ModelCallError(verdict.code, `${verdict.code}: ${message}`, {
    retryable: verdict.retryable,
    status,
    details,
    cause: err,
  });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
