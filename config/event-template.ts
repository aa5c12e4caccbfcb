// `{{data.field}}` placeholders in event rules' task inputs: which fields they name, which of
// them an event lacks, and the filled input.
const TEMPLATE = /\{\{\s*data\.([\w.]+)\s*\}\}/g;

function lookup(path: string, data: Record<string, unknown>): string | undefined {
  const found = path.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' && Object.hasOwn(o, k) ? (o as Record<string, unknown>)[k] : undefined), data);
  return typeof found === 'string' || typeof found === 'number' || typeof found === 'boolean' ? String(found) : undefined;
}

/** The `data.…` paths a rule's input template names. */
export function templateFields(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(TEMPLATE)].map((m) => m[1] ?? '');
  if (Array.isArray(value)) return value.flatMap(templateFields);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(templateFields);
  return [];
}

/** Template fields with no scalar value in `data`: filling them would leave holes in the brief. */
export function missingFields(template: unknown, data: Record<string, unknown>): string[] {
  return [...new Set(templateFields(template))].filter((path) => lookup(path, data) === undefined);
}

/** Replaces `{{data.x}}` in string values with the event's data (check missingFields first). */
export function fillTemplate(value: unknown, data: Record<string, unknown>): unknown {
  if (typeof value === 'string') return value.replace(TEMPLATE, (_, path: string) => lookup(path, data) ?? '');
  if (Array.isArray(value)) return value.map((v) => fillTemplate(v, data));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillTemplate(v, data)]));
  }
  return value;
}
