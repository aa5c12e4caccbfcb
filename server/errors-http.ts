// One table from error code to HTTP status, and the one place that turns a thrown value into
// the JSON error body `{ error: { code, message, details? } }`.
import type { ServerResponse } from 'node:http';
import { AgentryError, toAgentryError } from '../core/errors.js';
import type { ErrorCode, ErrorDetails } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { sendJson } from './respond.js';

/** Codes that exist only at the HTTP boundary (auth, transport), never inside the supervisor. */
export const HTTP_ERROR_CODES = {
  UNAUTHORIZED: 'the bearer token or webhook signature is missing or wrong',
  FORBIDDEN: 'the Host or Origin header is not allowed',
  PAYLOAD_TOO_LARGE: 'the request body is over the size limit',
  METHOD_NOT_ALLOWED: 'the route exists but not for this method',
  NOT_CONFIGURED: 'the route needs configuration that is missing (e.g. the GitHub secret)',
  OVERLOADED: 'too many requests in flight; retry shortly',
  REQUEST_TIMEOUT: 'the request body did not arrive in time',
} as const;
export type HttpErrorCode = keyof typeof HTTP_ERROR_CODES;

interface StatusRule {
  status: number;
  /** Seconds, sent as Retry-After: the condition is expected to pass. */
  retryAfter?: number;
}

// Record<ErrorCode, …> makes the compiler insist on an entry for every code.
export const STATUS_BY_CODE: Record<ErrorCode | HttpErrorCode, StatusRule> = {
  INVALID_INPUT: { status: 400 },
  INVALID_CONFIG: { status: 400 },
  USAGE: { status: 400 },
  NOT_FOUND: { status: 404 },
  CONFLICT: { status: 409 },
  INVALID_OUTPUT: { status: 502 },
  MODEL_RATE_LIMITED: { status: 503, retryAfter: 30 },
  MODEL_OVERLOADED: { status: 503, retryAfter: 30 },
  MODEL_BAD_REQUEST: { status: 502 },
  MODEL_AUTH: { status: 502 },
  MODEL_TIMEOUT: { status: 504 },
  MODEL_ABORTED: { status: 503, retryAfter: 5 },
  MODEL_CONNECTION: { status: 502 },
  MODEL_UNAVAILABLE: { status: 503 },
  // The breaker half-opens after its cooldown; a spending limit does not pass by retrying.
  BREAKER_OPEN: { status: 503, retryAfter: 30 },
  BUDGET_EXCEEDED: { status: 409 },
  AGENT_BUSY: { status: 429, retryAfter: 5 },
  DRAINING: { status: 503, retryAfter: 5 },
  STORE_LOCKED: { status: 503, retryAfter: 5 },
  STORE_CORRUPT: { status: 500 },
  STORE_VERSION: { status: 500 },
  STORE_UNAVAILABLE: { status: 503, retryAfter: 10 },
  NOT_IMPLEMENTED: { status: 501 },
  INTERNAL: { status: 500 },
  UNAUTHORIZED: { status: 401 },
  FORBIDDEN: { status: 403 },
  PAYLOAD_TOO_LARGE: { status: 413 },
  METHOD_NOT_ALLOWED: { status: 405 },
  NOT_CONFIGURED: { status: 503 },
  OVERLOADED: { status: 503, retryAfter: 1 },
  REQUEST_TIMEOUT: { status: 408 },
};

/** An error raised by the HTTP layer itself, with a transport code and optional headers. */
export class HttpError extends Error {
  readonly code: ErrorCode | HttpErrorCode;
  readonly details: ErrorDetails | undefined;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode | HttpErrorCode, message: string, opts: { details?: ErrorDetails; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'HttpError';
    this.code = code;
    this.details = opts.details;
    this.headers = opts.headers ?? {};
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: ErrorDetails };
}

/** Where refusals that are expected to pass (503 with Retry-After) are counted instead of logged each. */
export interface RefusalLog {
  note(code: string, message: string): void;
}

/**
 * Writes the error response; an INTERNAL body stays generic and the real error goes to the log.
 * A 503 with Retry-After (overload, draining, a full disk) is a state, not a bug: it goes to
 * `refusals`, summed per interval, without a stack.
 */
export function sendError(res: ServerResponse, err: unknown, logger: Logger, refusals?: RefusalLog): void {
  const e = err instanceof HttpError ? err : toAgentryError(err);
  // A code added to core/errors.ts before this table learns it must still answer, as a 500.
  const rule = Object.hasOwn(STATUS_BY_CODE, e.code) ? STATUS_BY_CODE[e.code] : { status: 500 };
  const headers: Record<string, string> = err instanceof HttpError ? { ...err.headers } : {};
  if (rule.retryAfter !== undefined) headers['retry-after'] = String(rule.retryAfter);
  if (rule.status === 503 && rule.retryAfter !== undefined && refusals !== undefined) refusals.note(e.code, e.message);
  else if (rule.status >= 500) logger.error({ err, code: e.code }, 'request failed');
  const body: ErrorBody =
    e.code === 'INTERNAL'
      ? { error: { code: 'INTERNAL', message: 'internal error (see the supervisor log)' } }
      : { error: { code: e.code, message: e.message, ...detailsOf(e) } };
  if (res.headersSent) {
    // Mid-stream: the status is gone, so cut the connection rather than append garbage.
    res.destroy();
    return;
  }
  sendJson(res, rule.status, body, headers);
}

function detailsOf(e: AgentryError | HttpError): { details?: ErrorDetails } {
  const d = e.details;
  return d !== undefined && Object.keys(d).length > 0 ? { details: d } : {};
}
