// Defaults come from the `default` keywords of config.schema.json, so they cannot drift from
// the schema. Objects are filled recursively; a property without a default stays absent.
import { schemaOf } from '../schemas/registry.js';

type Schema = Record<string, unknown>;

function resolveRef(root: Schema, node: Schema): Schema {
  const ref = node['$ref'];
  if (typeof ref !== 'string') return node;
  const name = ref.replace('#/$defs/', '');
  const defs = root['$defs'] as Record<string, Schema>;
  const target = defs[name];
  if (!target) throw new Error(`config schema: unresolved ${ref}`);
  return target;
}

function fill(root: Schema, node: Schema, value: unknown): unknown {
  const schema = resolveRef(root, node);
  if (value === undefined && 'default' in node) value = structuredClone(node['default']);
  if (value === undefined && 'default' in schema) value = structuredClone(schema['default']);
  const props = schema['properties'] as Record<string, Schema> | undefined;
  if (!props) return value;
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown> | undefined) };
  for (const [key, child] of Object.entries(props)) {
    const filled = fill(root, child, out[key]);
    if (filled !== undefined) out[key] = filled;
  }
  return out;
}

/** `config` with every schema default filled in (the input is not modified). */
export function withDefaults(config: object): Record<string, unknown> {
  const root = schemaOf('config');
  return fill(root, root, config) as Record<string, unknown>;
}
