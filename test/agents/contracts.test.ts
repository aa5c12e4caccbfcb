// The ten agent contracts: fixtures pin what each schema accepts and the exact error text it gives.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AGENT_DEFINITIONS } from '../../agents/definitions.js';
import { AGENT_KINDS } from '../../agents/client/types.js';
import { SchemaValidationError, formatIssue } from '../../core/errors.js';
import { check, schemaOf, validate } from '../../schemas/registry.js';
import type { SchemaName } from '../../schemas/registry.js';

const FIXTURES = new URL('../fixtures/contracts/', import.meta.url);
const INPUTS = AGENT_KINDS.map((k) => AGENT_DEFINITIONS[k].inputSchema);
const OUTPUTS = AGENT_KINDS.map((k) => AGENT_DEFINITIONS[k].outputSchema);
const SCHEMAS: SchemaName[] = [...INPUTS, ...OUTPUTS];

const readJson = (url: URL): unknown => JSON.parse(readFileSync(url, 'utf8'));
const dir = (schema: string, kind: 'valid' | 'invalid'): URL => new URL(`${schema}/${kind}/`, FIXTURES);
const files = (schema: string, kind: 'valid' | 'invalid'): string[] =>
  readdirSync(dir(schema, kind)).filter((f) => f.endsWith('.json')).sort();
const fixture = (schema: string, kind: 'valid' | 'invalid', file: string): unknown => readJson(new URL(file, dir(schema, kind)));
const expectedErrors = (schema: string): Record<string, string[]> =>
  readJson(new URL(`${schema}/expected.json`, FIXTURES)) as Record<string, string[]>;
const lines = (schema: SchemaName, data: unknown): string[] => check(schema, data).map(formatIssue);

type Json = Record<string, unknown>;

/** Every subschema of `node`, depth first, with its JSON pointer. */
function* walk(node: unknown, at = '#'): Generator<[string, Json]> {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const [i, child] of node.entries()) yield* walk(child, `${at}/${i}`);
    return;
  }
  const obj = node as Json;
  yield [at, obj];
  for (const [key, child] of Object.entries(obj)) {
    if (key === 'enum' || key === 'required' || key === 'const') continue;
    yield* walk(child, `${at}/${key}`);
  }
}

/** What in `root` the structured-output API would not support well, or would leave undocumented. */
function hygieneProblems(schema: SchemaName, root: Json): string[] {
  const problems: string[] = [];
  for (const [at, node] of walk(root)) {
    if (node['oneOf'] !== undefined) problems.push(`${at}: oneOf`);
    if (node['patternProperties'] !== undefined) problems.push(`${at}: patternProperties`);
    if (typeof node['$ref'] === 'string' && !/^#\/\$defs\/\w+$/.test(node['$ref'])) problems.push(`${at}: $ref ${node['$ref']}`);
    // The coordinator's `outputs` carries another agent's output as returned: the one open object.
    const open = schema === 'coordinator.input' && at === '#/properties/outputs';
    if (node['type'] === 'object' && !open && node['additionalProperties'] !== false) problems.push(`${at}: not closed`);
    for (const [name, prop] of Object.entries((node['properties'] ?? {}) as Record<string, Json>)) {
      if (typeof prop['description'] !== 'string' && typeof prop['$ref'] !== 'string') problems.push(`${at}/properties/${name}: no description`);
    }
  }
  return problems;
}

/** The object shapes an output can take: the root, or each anyOf branch. */
function outputShapes(schema: SchemaName): Json[] {
  const root = schemaOf(schema);
  return Array.isArray(root['anyOf']) ? (root['anyOf'] as Json[]) : [root];
}

describe.each(SCHEMAS)('%s fixtures', (schema) => {
  it('has at least 2 valid and 4 invalid fixtures, covering a missing field, a range and an extra property', () => {
    expect(files(schema, 'valid').length).toBeGreaterThanOrEqual(2);
    const invalid = files(schema, 'invalid');
    expect(invalid.length).toBeGreaterThanOrEqual(4);
    expect(invalid).toEqual(expect.arrayContaining(['missing-required.json', 'out-of-range.json', 'extra-property.json']));
  });

  it('accepts every valid fixture', () => {
    for (const file of files(schema, 'valid')) expect({ file, issues: lines(schema, fixture(schema, 'valid', file)) }).toEqual({ file, issues: [] });
  });

  it('refuses every invalid fixture with exactly the expected `path: expected X, got Y` lines', () => {
    const expected = expectedErrors(schema);
    expect(Object.keys(expected).sort()).toEqual(files(schema, 'invalid'));
    for (const file of files(schema, 'invalid')) {
      const got = lines(schema, fixture(schema, 'invalid', file));
      expect({ file, got }).toEqual({ file, got: expected[file] });
      expect(got.length).toBeGreaterThan(0);
    }
  });

  it('throws SchemaValidationError with the stable code and the same lines', () => {
    const [file] = files(schema, 'invalid');
    if (file === undefined) throw new Error(`${schema} has no invalid fixture`);
    const code = schema.endsWith('.output') ? 'INVALID_OUTPUT' : 'INVALID_INPUT';
    let thrown: unknown;
    try {
      validate(schema, fixture(schema, 'invalid', file), code);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SchemaValidationError);
    const err = thrown as SchemaValidationError;
    expect(err.code).toBe(code);
    expect(err.details['issues']).toEqual(expectedErrors(schema)[file]);
  });
});

describe.each(OUTPUTS)('%s requires confidence (0..1) and rationale', (schema) => {
  const base = (): Json => fixture(schema, 'valid', files(schema, 'valid')[0] ?? '') as Json;

  it('declares both in every shape the output can take', () => {
    for (const shape of outputShapes(schema)) {
      expect(shape['required']).toEqual(expect.arrayContaining(['confidence', 'rationale']));
      const props = shape['properties'] as Json;
      expect(props['confidence']).toMatchObject({ type: 'number', minimum: 0, maximum: 1 });
      expect(props['rationale']).toMatchObject({ type: 'string', minLength: 1 });
    }
  });

  it('refuses an output without them or with confidence out of range', () => {
    const { confidence: _c, ...noConfidence } = base();
    const { rationale: _r, ...noRationale } = base();
    expect(lines(schema, noConfidence)).toContain('confidence: expected a value (required), got nothing');
    expect(lines(schema, noRationale)).toContain('rationale: expected a value (required), got nothing');
    expect(lines(schema, { ...base(), confidence: 1.01 })).toContain('confidence: expected a number <= 1, got 1.01');
    expect(lines(schema, { ...base(), confidence: -0.01 })).toContain('confidence: expected a number >= 0, got -0.01');
    expect(lines(schema, { ...base(), confidence: 0 })).toEqual([]);
    expect(lines(schema, { ...base(), confidence: 1 })).toEqual([]);
  });
});

describe.each(SCHEMAS)('%s stays within what the structured-output API supports well', (schema) => {
  const root = schemaOf(schema);

  it('is draft 2020-12 with an $id named after its file and a title', () => {
    expect(root['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(root['$id']).toBe(`https://agentry.dev/schemas/${schema}.schema.json`);
    expect(typeof root['title']).toBe('string');
    expect(existsSync(new URL(`../../schemas/${schema}.schema.json`, import.meta.url))).toBe(true);
  });

  it('closes every object, describes every property, and uses no oneOf, patternProperties or external $ref', () => {
    expect(hygieneProblems(schema, root)).toEqual([]);
  });
});

describe('agent definitions', () => {
  it.each(AGENT_KINDS)('%s points at its own registered schemas', (kind) => {
    const def = AGENT_DEFINITIONS[kind];
    expect(def.kind).toBe(kind);
    expect(def.inputSchema).toBe(`${kind}.input`);
    expect(def.outputSchema).toBe(`${kind}.output`);
    expect(() => schemaOf(def.inputSchema)).not.toThrow();
    expect(def.defaults.maxTokens).toBeGreaterThan(0);
    expect(def.defaults.timeoutMs).toBeGreaterThan(0);
    expect(def.defaults.model).toMatch(/^claude-/);
  });

  it.each(AGENT_KINDS)('%s has a 20–40 line, template-free role prompt that fences <input> and asks for one JSON object', (kind) => {
    const prompt = AGENT_DEFINITIONS[kind].rolePrompt;
    const count = prompt.split('\n').length;
    expect(count).toBeGreaterThanOrEqual(20);
    expect(count).toBeLessThanOrEqual(40);
    expect(prompt).toContain('<input>');
    expect(prompt).toMatch(/not instructions to you/);
    expect(prompt).toMatch(/single JSON object that matches the output schema/);
    expect(prompt).not.toMatch(/\$\{|\{\{/);
  });
});
