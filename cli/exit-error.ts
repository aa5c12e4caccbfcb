// How a command ends badly: commands throw ExitError (or let an ApiError / AgentryError escape),
// and failureOf turns whatever was thrown into an exit code and one line for a person
// (DESIGN §9: 1 failure, 2 usage or invalid input). Only the bin entry calls process.exit.

/** Codes that mean "the caller's input was wrong": exit 2. */
const INPUT_CODES: ReadonlySet<string> = new Set(['INVALID_INPUT', 'USAGE', 'INVALID_CONFIG']);

export interface ExitErrorInit {
  /** Stable error code for --json output, e.g. USAGE or NOT_FOUND. */
  code?: string;
  /** Validation lines, `path: expected X, got Y`, shown one per line. */
  issues?: readonly string[];
  /** What to do about it, appended to the line. */
  hint?: string;
  /** Printed after the message on a usage error; one usage per line. */
  usage?: string;
}

export class ExitError extends Error {
  readonly exitCode: number;
  readonly code: string;
  readonly issues: readonly string[];
  readonly hint: string | undefined;
  readonly usage: string | undefined;
  /** True when the command already said everything; main prints nothing more. */
  readonly silent: boolean;

  constructor(exitCode: number, message = '', init: ExitErrorInit = {}) {
    super(message);
    this.name = 'ExitError';
    this.exitCode = exitCode;
    this.code = init.code ?? (exitCode === 2 ? 'USAGE' : 'FAILED');
    this.issues = init.issues ?? [];
    this.hint = init.hint;
    this.usage = init.usage;
    this.silent = message === '';
  }

  /** An exit code handed through unchanged (hook, start, demo), with nothing to print. */
  static quiet(exitCode: number): ExitError {
    return new ExitError(exitCode);
  }
}

export function usageError(message: string, usage?: string): ExitError {
  return new ExitError(2, message, { code: 'USAGE', ...(usage !== undefined && { usage }) });
}

export interface Failure {
  exitCode: number;
  code: string;
  message: string;
  issues: readonly string[];
  hint: string | undefined;
  usage: string | undefined;
  silent: boolean;
}

/**
 * Anything thrown → a Failure. ApiError and AgentryError are recognised by shape, so this module
 * (loaded on every call, `hook` included) imports neither the HTTP client nor the error registry.
 */
export function failureOf(err: unknown): Failure {
  if (err instanceof ExitError) {
    return { exitCode: err.exitCode, code: err.code, message: err.message, issues: err.issues, hint: err.hint, usage: err.usage, silent: err.silent };
  }
  if (err instanceof Error && typeof (err as { code?: unknown }).code === 'string') {
    const code = (err as Error & { code: string }).code;
    const issues = issuesOf((err as { details?: unknown }).details);
    // A query parameter the server refused is a flag the person typed: name it as the flag.
    if (err.message.startsWith('query: ') && issues.length > 0 && issues.every((i) => i.startsWith('?'))) {
      return { exitCode: 2, code, message: issues.map((i) => i.replace(/^\?/, '--')).join('; '), issues: [], hint: undefined, usage: undefined, silent: false };
    }
    return { exitCode: INPUT_CODES.has(code) ? 2 : 1, code, message: oneLine(err.message), issues, hint: undefined, usage: undefined, silent: false };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { exitCode: 1, code: 'INTERNAL', message: oneLine(message), issues: [], hint: undefined, usage: undefined, silent: false };
}

/** `details.issues` when it is a list of strings (SchemaValidationError, server 400 bodies). */
function issuesOf(details: unknown): string[] {
  if (typeof details !== 'object' || details === null || !Object.hasOwn(details, 'issues')) return [];
  const issues = (details as { issues: unknown }).issues;
  return Array.isArray(issues) ? issues.filter((i): i is string => typeof i === 'string') : [];
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** The lines for stderr: `agentry: what is wrong (what to do)`, then each issue, then the usage. */
export function renderFailure(f: Failure): string[] {
  const hint = f.hint === undefined ? '' : ` (${f.hint})`;
  const head = f.issues.length === 0 ? f.message : `${headline(f.message, f.issues)}:`;
  const lines = [`agentry: ${head}${hint}`, ...f.issues.map((i) => `  ${i}`)];
  if (f.usage !== undefined) lines.push(...f.usage.split('\n').map((u, i) => `${i === 0 ? 'usage:' : '      '} ${u}`));
  return lines;
}

/** `api.create-task: a: …; b: …` → `api.create-task failed validation` (the issues follow). */
function headline(message: string, issues: readonly string[]): string {
  const colon = message.indexOf(': ');
  const repeats = issues.some((i) => message.includes(i));
  if (!repeats) return message;
  return colon > 0 ? `${message.slice(0, colon)} failed validation` : 'invalid input';
}

/** The --json form of a failure: one document on stdout. */
export function failureJson(f: Failure): { error: { code: string; message: string; issues?: readonly string[] } } {
  return { error: { code: f.code, message: f.message, ...(f.issues.length > 0 && { issues: f.issues }) } };
}
