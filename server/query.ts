// Query-string parameters, checked like bodies: a bad value is a 400 that names the parameter.
import { formatIssue } from '../core/errors.js';
import { HttpError } from './errors-http.js';

export const MAX_LIST_LIMIT = 1000;

/** An optional integer in [min, max]. */
export function intParam(query: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const n = /^\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw invalid(name, `an integer from ${min} to ${max}`, raw);
  }
  return n;
}

/** An optional value from a closed set. */
export function enumParam<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[]): T | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const found = allowed.find((a) => a === raw);
  if (found === undefined) throw invalid(name, `one of ${allowed.join(', ')}`, raw);
  return found;
}

/** An optional string of at most `max` characters. */
export function stringParam(query: URLSearchParams, name: string, max = 200): string | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (raw.length > max) throw invalid(name, `at most ${max} characters`, raw);
  return raw;
}

/** `1`/`true` → true; absent, `0`, `false` → false. */
export function flagParam(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  if (raw === null || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw invalid(name, '1 or 0', raw);
}

function invalid(name: string, expected: string, raw: string): HttpError {
  const line = formatIssue({ path: `?${name}`, expected, got: JSON.stringify(raw.slice(0, 60)) });
  return new HttpError('INVALID_INPUT', `query: ${line}`, { details: { issues: [line] } });
}
