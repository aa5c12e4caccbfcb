// Flag values as parsed by node:util parseArgs, read with the checks a person needs: a missing
// or malformed value is a usage error (exit 2) that names the flag.
import { ExitError, usageError } from '../exit-error.js';

export interface Args {
  values: Readonly<Record<string, string | boolean | undefined>>;
  positionals: readonly string[];
}

export function optString(a: Args, name: string): string | undefined {
  const v = a.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function reqString(a: Args, name: string): string {
  const v = optString(a, name);
  if (v === undefined || v.trim() === '') throw usageError(`--${name} is required`);
  return v;
}

export function flag(a: Args, name: string): boolean {
  return a.values[name] === true;
}

/** The n-th positional; main has already checked how many there are. */
export function positional(a: Args, n: number): string {
  const v = a.positionals[n];
  if (v === undefined) throw usageError('a required argument is missing');
  return v;
}

export function optInt(a: Args, name: string, min = 0): number | undefined {
  const raw = optString(a, name);
  if (raw === undefined) return undefined;
  const n = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) throw usageError(`--${name} must be an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

export function reqInt(a: Args, name: string, min = 0): number {
  const n = optInt(a, name, min);
  if (n === undefined) throw usageError(`--${name} is required`);
  return n;
}

/** A JSON object flag (--input, --data); bad JSON is invalid input (exit 2) with an example. */
export function jsonObject(a: Args, name: string): Record<string, unknown> {
  const raw = reqString(a, name);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new ExitError(2, `--${name} is not valid JSON (${(err as Error).message})`, {
      code: 'INVALID_INPUT',
      hint: `pass an object, e.g. --${name} '{"topic":"launch"}'`,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ExitError(2, `--${name} must be a JSON object, got ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}`, { code: 'INVALID_INPUT' });
  }
  return parsed as Record<string, unknown>;
}

export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T | undefined {
  if (value === undefined) return undefined;
  const found = allowed.find((x) => x === value);
  if (found === undefined) throw usageError(`${what} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return found;
}

/** `a,b, c` → ['a','b','c']; empty items dropped. */
export function commaList(a: Args, name: string): string[] | undefined {
  const raw = optString(a, name);
  if (raw === undefined) return undefined;
  return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
