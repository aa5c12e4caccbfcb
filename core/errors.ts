// One error taxonomy, by who is at fault, with stable codes (STYLE practice 4).
// Codes are part of the outside contract: they appear in CLI --json output and HTTP bodies.

/** Every stable error code, with what it means. Tested against the docs. */
export const ERROR_CODES = {
  // the user's input (config, CLI arguments, HTTP bodies, hook payloads)
  INVALID_INPUT: 'input failed its schema',
  INVALID_CONFIG: 'agentry.config.json failed its schema',
  USAGE: 'a command was called with the wrong arguments',
  NOT_FOUND: 'the named task, approval or resource does not exist',
  CONFLICT: 'the request conflicts with the current state (e.g. approval already decided)',
  // the model broke its contract
  INVALID_OUTPUT: 'the model output failed its schema after every repair attempt',
  // the model API
  MODEL_RATE_LIMITED: 'the model API answered 429 after every retry',
  MODEL_OVERLOADED: 'the model API answered 529/5xx after every retry',
  MODEL_BAD_REQUEST: 'the model API refused the request (400/404/413/422)',
  MODEL_AUTH: 'the model API refused the credentials (401/403)',
  MODEL_TIMEOUT: 'the model call exceeded its timeout',
  MODEL_ABORTED: 'the model call was cancelled',
  MODEL_CONNECTION: 'the model API could not be reached',
  MODEL_UNAVAILABLE: 'no model is configured (no API key and not offline)',
  // runtime policy
  BREAKER_OPEN: "the agent's circuit breaker is open",
  BUDGET_EXCEEDED: 'the call could push spend over a hard limit',
  AGENT_BUSY: "the agent's mailbox is full",
  DRAINING: 'the supervisor is shutting down and takes no new work',
  // the store
  STORE_LOCKED: 'another supervisor holds the store lock',
  STORE_CORRUPT: 'a store file failed its checksum or schema',
  STORE_VERSION: 'a store file has an unsupported schema version',
  STORE_UNAVAILABLE: 'the store cannot persist (disk full, I/O error, Postgres unreachable)',
  // ours
  NOT_IMPLEMENTED: 'a path that is not built yet',
  INTERNAL: 'a bug in agentry',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export type ErrorDetails = Record<string, string | number | boolean | null | readonly string[]>;

export interface ErrorInit {
  details?: ErrorDetails;
  cause?: unknown;
}

export abstract class AgentryError extends Error {
  abstract readonly fault: 'user' | 'model' | 'system';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, init: ErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = init.details ?? {};
  }

  toJSON(): { code: ErrorCode; message: string; details: ErrorDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** Bad config, CLI input, HTTP body or hook payload. */
export class UserError extends AgentryError {
  readonly fault = 'user';
}

/** The LLM broke its contract. */
export class ModelBehaviorError extends AgentryError {
  readonly fault = 'model';
}

/** The model API or the machine failed us (retryable or not, see `retryable`). */
export class ModelCallError extends AgentryError {
  readonly fault = 'system';
  readonly retryable: boolean;
  readonly status: number | null;

  constructor(code: ErrorCode, message: string, init: ErrorInit & { retryable: boolean; status?: number | null }) {
    super(code, message, init);
    this.retryable = init.retryable;
    this.status = init.status ?? null;
  }
}

/** Runtime policy refused the work (breaker, budget, draining). */
export class PolicyError extends AgentryError {
  readonly fault = 'system';
}

/** Our bug, or a path not built yet. */
export class SystemError extends AgentryError {
  readonly fault = 'system';
}

export class StoreError extends AgentryError {
  readonly fault = 'system';
}

/** One validation problem: where, what was expected, what was found. */
export interface ValidationIssue {
  path: string;
  expected: string;
  got: string;
}

/** Input or output that failed its JSON Schema. Message lines read `path: expected X, got Y`. */
export class SchemaValidationError extends AgentryError {
  readonly fault: 'user' | 'model';
  readonly schema: string;
  readonly issues: readonly ValidationIssue[];

  constructor(
    code: 'INVALID_INPUT' | 'INVALID_CONFIG' | 'INVALID_OUTPUT' | 'STORE_CORRUPT',
    schema: string,
    issues: readonly ValidationIssue[],
    init: ErrorInit = {},
  ) {
    const lines = issues.map(formatIssue);
    super(code, `${schema}: ${lines.join('; ')}`, {
      ...init,
      details: { schema, issues: lines, ...init.details },
    });
    this.fault = code === 'INVALID_OUTPUT' ? 'model' : 'user';
    this.schema = schema;
    this.issues = issues;
  }
}

export function formatIssue(issue: ValidationIssue): string {
  return `${issue.path}: expected ${issue.expected}, got ${issue.got}`;
}

export function notImplemented(what: string): never {
  throw new SystemError('NOT_IMPLEMENTED', `${what} is not implemented yet`);
}

/** Wraps anything thrown into an AgentryError, keeping the original as cause. */
export function toAgentryError(err: unknown): AgentryError {
  if (err instanceof AgentryError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SystemError('INTERNAL', message, { cause: err });
}
