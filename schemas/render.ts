// Turns one ajv error into `path: expected X, got Y` for people and for the model's repair prompt.
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { ValidationIssue } from '../core/errors.js';

/** `/issues/0/quote` → `issues[0].quote`; the root is `(root)`. */
function readablePath(pointer: string, extra?: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out === '' ? p : `.${p}`;
  return out === '' ? '(root)' : out;
}

function valueAt(data: unknown, pointer: string): unknown {
  let cur: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Object.hasOwn(cur, key) ? (cur as Record<string, unknown>)[key] : undefined;
  }
  return cur;
}

/** A short rendering of a value: its JSON for scalars, its kind and size for the rest. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

type Params = Record<string, unknown>;

const LIMIT_WORDS: Record<string, string> = {
  minLength: 'at least {} characters',
  maxLength: 'at most {} characters',
  minItems: 'at least {} items',
  maxItems: 'at most {} items',
};

function expectation(e: ErrorObject): string {
  const p = e.params as Params;
  const limitWords = LIMIT_WORDS[e.keyword];
  if (limitWords !== undefined) return limitWords.replace('{}', String(p['limit']));
  switch (e.keyword) {
    case 'type':
      return String(p['type']);
    case 'required':
      return 'a value (required)';
    case 'additionalProperties':
      return 'no such property';
    case 'enum':
      return `one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return JSON.stringify(p['allowedValue']);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `a number ${String(p['comparison'])} ${String(p['limit'])}`;
    case 'pattern':
      return `a string matching ${String(p['pattern'])}`;
    case 'format':
      return `a ${String(p['format'])}`;
    case 'oneOf':
    case 'anyOf':
      return 'a value matching one of the allowed shapes';
    default:
      return e.message ?? e.keyword;
  }
}

export function describeIssue(e: ErrorObject, data: unknown): ValidationIssue {
  const p = e.params as Params;
  if (e.keyword === 'required') {
    return { path: readablePath(e.instancePath, String(p['missingProperty'])), expected: expectation(e), got: 'nothing' };
  }
  if (e.keyword === 'additionalProperties') {
    const key = String(p['additionalProperty']);
    return {
      path: readablePath(e.instancePath, key),
      expected: expectation(e),
      got: describeValue(valueAt(data, `${e.instancePath}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`)),
    };
  }
  return { path: readablePath(e.instancePath), expected: expectation(e), got: describeValue(valueAt(data, e.instancePath)) };
}
