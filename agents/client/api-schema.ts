// Turns a registry schema into what the structured-outputs API accepts. The API enforces only
// part of JSON Schema, so the caller always re-validates the answer with ajv.
import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema';
import { SystemError } from '../../core/errors.js';
import { schemaOf } from '../../schemas/registry.js';
import type { SchemaName } from '../../schemas/registry.js';

type Json = Record<string, unknown>;

const cache = new Map<SchemaName, Json>();

/**
 * The API form of schema `name`: no `$schema`/`$id`/`$comment`, objects closed, unsupported
 * constraints moved into `description` (the SDK's own rewrite). Cached: schemas are immutable.
 */
export function apiSchema(name: SchemaName): Json {
  let out = cache.get(name);
  if (out === undefined) {
    const stripped = strip(schemaOf(name), name) as Json;
    const api: Json = transformJSONSchema(stripped);
    out = Object.freeze(api);
    cache.set(name, out);
  }
  return out;
}

// Deep copy without the keys the API has no use for; cross-file $refs cannot be sent.
function strip(value: unknown, name: SchemaName): unknown {
  if (Array.isArray(value)) return value.map((v) => strip(v, name));
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === '$schema' || key === '$id' || key === '$comment') continue;
    if (key === '$ref' && typeof child === 'string' && !child.startsWith('#')) {
      throw new SystemError('INTERNAL', `schema ${name}: cross-file $ref "${child}" cannot be sent to the model`, {
        details: { schema: name, ref: child },
      });
    }
    out[key] = strip(child, name);
  }
  return out;
}
