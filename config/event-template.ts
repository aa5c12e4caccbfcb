// `{{data.field}}` placeholders in event rules' task inputs: which fields they name, which of
// them an event lacks, and the task input made from them. Outside text is data: a routed task's
// input refers to each field (`[event data: keyword]`) and the values travel beside it in
// `eventData`, capped, which the prompt puts in its own delimited block (agents/client/prompt.ts).
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

/** Longest text of one event field that reaches a model, and how many fields at most. */
export const EVENT_VALUE_MAX = 200;
const EVENT_FIELDS_MAX = 20;

/** How a task input refers to an event field: the value itself travels in `eventData`. */
function reference(path: string): string {
  return `[event data: ${path}]`;
}

/**
 * The rule's input with every `{{data.x}}` replaced by a reference to the field, never its text:
 * words chosen by outsiders (branch names, pusher names, titles) stay out of the brief.
 */
export function referenceTemplate(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(TEMPLATE, (_, path: string) => reference(path));
  if (Array.isArray(value)) return value.map(referenceTemplate);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, referenceTemplate(v)]));
  }
  return value;
}

/** The fields a template names, as data for the model's event-data block: strings capped. */
export function eventDataFor(template: unknown, data: Record<string, unknown>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const path of [...new Set(templateFields(template))].slice(0, EVENT_FIELDS_MAX)) {
    const found = path.split('.').reduce<unknown>((o, k) => (o !== null && typeof o === 'object' && Object.hasOwn(o, k) ? (o as Record<string, unknown>)[k] : undefined), data);
    if (typeof found === 'string') out[path] = found.length > EVENT_VALUE_MAX ? `${found.slice(0, EVENT_VALUE_MAX - 1)}…` : found;
    else if ((typeof found === 'number' && Number.isFinite(found)) || typeof found === 'boolean') out[path] = found;
  }
  return out;
}

/** Replaces `{{data.x}}` in string values with the event's data (the config check's sample). */
export function fillTemplate(value: unknown, data: Record<string, unknown>): unknown {
  if (typeof value === 'string') return value.replace(TEMPLATE, (_, path: string) => lookup(path, data) ?? '');
  if (Array.isArray(value)) return value.map((v) => fillTemplate(v, data));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillTemplate(v, data)]));
  }
  return value;
}
