// The one ajv registry: every schema is added once and compiled on first use, then cached.
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { AnySchema, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsMod from 'ajv-formats';
import { SchemaValidationError } from '../core/errors.js';
import type { ValidationIssue } from '../core/errors.js';
import { allSchemas } from './generated/data.js';
import type { SchemaName } from './generated/data.js';
import { describeIssue } from './render.js';

export type { SchemaName };

type ValidationCode = 'INVALID_INPUT' | 'INVALID_CONFIG' | 'INVALID_OUTPUT' | 'STORE_CORRUPT';

const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
addFormatsMod.default(ajv);
for (const schema of Object.values(allSchemas) as AnySchema[]) ajv.addSchema(schema);

const compiled = new Map<SchemaName, ValidateFunction>();

function validator(name: SchemaName): ValidateFunction {
  let fn = compiled.get(name);
  if (!fn) {
    const id = (allSchemas[name] as { $id: string }).$id;
    const found = ajv.getSchema(id);
    if (!found) throw new Error(`schema ${name} (${id}) is not registered`);
    fn = found;
    compiled.set(name, fn);
  }
  return fn;
}

/** The issues of `data` against schema `name`; empty when valid. */
export function check(name: SchemaName, data: unknown): ValidationIssue[] {
  const fn = validator(name);
  if (fn(data)) return [];
  return dedupe((fn.errors ?? []).map((e: ErrorObject) => describeIssue(e, data)));
}

/** Returns `data` typed as T, or throws SchemaValidationError with every issue. */
export function validate<T>(name: SchemaName, data: unknown, code: ValidationCode = 'INVALID_INPUT'): T {
  const issues = check(name, data);
  if (issues.length > 0) throw new SchemaValidationError(code, name, issues);
  return data as T;
}

/** The raw JSON Schema object, e.g. to send as the model's output format. */
export function schemaOf(name: SchemaName): Record<string, unknown> {
  return allSchemas[name];
}

// oneOf/anyOf produce one issue per failed branch; keep each distinct line once.
function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}|${i.expected}|${i.got}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
