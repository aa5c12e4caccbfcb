import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJson, runningProject, tempProject } from './harness.js';
import type { Project } from './harness.js';

const ORIGINAL = `{
    "$schema": "./node_modules/agentry/schemas/config.schema.json",
    "version": 1,
    "mode": "semi",
    "logging": { "level": "debug" }
}
`;

/** Aligned values, a one-line object, a blank line: a file someone wrote by hand and commits. */
const HAND_FORMATTED = `{
    "$schema": "./node_modules/agentry/schemas/config.schema.json",
    "version":   1,
    "mode":   "semi",

    "risk": { "dailySpendLimitUsd": 25, "confidenceThreshold": 0.8 },
    "logging": {
        "level": "debug"
    }
}
`;

const configOf = (p: Project): string => readFileSync(join(p.dir, 'agentry.config.json'), 'utf8');

describe('agentry mode', () => {
  const projects: { remove(): void }[] = [];
  const project = (config?: string): Project => {
    const p = tempProject();
    projects.push(p);
    if (config !== undefined) writeFileSync(join(p.dir, 'agentry.config.json'), config);
    return p;
  };
  afterEach(() => {
    for (const p of projects.splice(0)) p.remove();
  });
  it('sets the mode in place: the diff of a hand-formatted file is the one changed line', async () => {
    const p = project(HAND_FORMATTED);
    const r = await p.run(['mode', 'full']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`mode set to full (was semi) in ${join(p.dir, 'agentry.config.json')}; agentry is not running: it applies at the next \`agentry start\`\n`);
    const before = HAND_FORMATTED.split('\n');
    const after = configOf(p).split('\n');
    expect(after).toHaveLength(before.length);
    const changed = before.flatMap((line, i) => (line === after[i] ? [] : [[line, after[i]]]));
    expect(changed).toEqual([['    "mode":   "semi",', '    "mode":   "full",']]);
  });

  it('adds a missing mode as one new line after version, in the file\'s own indentation', async () => {
    const p = project('{\n\t"version": 1,\n\t"logging": { "level": "debug" }\n}\n');
    expect((await p.run(['mode', 'manual'])).code).toBe(0);
    expect(configOf(p)).toBe('{\n\t"version": 1,\n\t"mode": "manual",\n\t"logging": { "level": "debug" }\n}\n');
  });

  it('refuses a file that is not JSON with its line and column, and leaves it untouched', async () => {
    const broken = '{\n  "version": 1,\n  "mode": "semi",\n}\n';
    const p = project(broken);
    const r = await p.run(['mode', 'full']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`agentry: ${join(p.dir, 'agentry.config.json')}:4:1: not valid JSON: a property name in double quotes expected (a trailing comma?) (fix it by hand first)`);
    expect(configOf(p)).toBe(broken);
  });

  it('refuses an unknown mode with exit 2 and leaves the file byte for byte', async () => {
    const p = project(ORIGINAL);
    const r = await p.run(['mode', 'turbo']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('agentry: the mode must be one of manual, semi, full, got "turbo"');
    expect(configOf(p)).toBe(ORIGINAL);
  });

  it('refuses to write when the result would be an invalid config (exit 2, file untouched)', async () => {
    const broken = '{ "version": 1, "mode": "semi", "colour": "blue" }\n';
    const p = project(broken);
    const r = await p.run(['mode', 'manual']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('colour');
    expect(configOf(p)).toBe(broken);
  });

  it('creates a minimal config when there is none, version first', async () => {
    const p = project();
    const r = await p.run(['mode', 'manual', '--json']);
    expect(r.code).toBe(0);
    expect(parseJson(r.stdout)).toEqual({ mode: 'manual', previous: null, changed: true, file: join(p.dir, 'agentry.config.json'), running: false });
    expect(configOf(p)).toBe('{\n  "version": 1,\n  "mode": "manual"\n}\n');
  });

  it('says so, and writes nothing, when the mode is already set', async () => {
    const p = project(ORIGINAL);
    const r = await p.run(['mode', 'semi']);
    expect(r.stdout).toBe(`mode is already semi in ${join(p.dir, 'agentry.config.json')}\n`);
    expect(configOf(p)).toBe(ORIGINAL);
  });

  it('without an argument and no supervisor, reads the mode from the config file', async () => {
    const p = project(ORIGINAL);
    const r = await p.run(['mode', '--json']);
    expect(parseJson(r.stdout)).toEqual({ mode: 'semi', source: 'config' });
  });

  it('with a running supervisor, shows its mode and says it applies a change itself', async () => {
    const p = await runningProject();
    try {
      expect((await p.run(['mode'])).stdout).toBe('mode: semi (the running supervisor)\n');
      const r = await p.run(['mode', 'full']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('the running supervisor applies it on its own (it watches the file)');
    } finally {
      await p.close();
    }
  });
});
