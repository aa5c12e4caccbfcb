// Defensive reads from parsed, untrusted JSON. Only own properties count, so a payload key such as
// `__proto__` or `constructor` can never reach Object.prototype.

export type JsonObject = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function own(obj: JsonObject, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

export function ownString(obj: JsonObject, key: string): string | undefined {
  const value = own(obj, key);
  return typeof value === 'string' ? value : undefined;
}

export function ownObject(obj: JsonObject, key: string): JsonObject | undefined {
  const value = own(obj, key);
  return isObject(value) ? value : undefined;
}

export function ownArray(obj: JsonObject, key: string): readonly unknown[] | undefined {
  const value = own(obj, key);
  return Array.isArray(value) ? value : undefined;
}
