import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseJson, tempProject } from './harness.js';
import type { Project } from './harness.js';

describe('agentry config validate', () => {
  let p: Project;
  beforeEach(() => {
    p = tempProject();
  });
  afterEach(() => p.remove());
  const write = (name: string, text: string): string => {
    const path = join(p.dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('says a valid file is valid (exit 0)', async () => {
    const path = write('agentry.config.json', '{ "version": 1, "mode": "full" }');
    const r = await p.run(['config', 'validate']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`✓ ${path} is valid (mode full; workflows content, lead, campaign, incident)\n`);
  });

  it('prints every issue of an invalid file, one per line, and exits 2', async () => {
    const path = write('other.json', '{ "version": 1, "mode": "turbo", "colour": "blue" }');
    const r = await p.run(['config', 'validate', '--file', 'other.json']);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`agentry: ${path} is invalid:`);
    expect(lines.slice(1)).toEqual(['  colour (line 1, column 34): expected no such property, got "blue"', '  mode (line 1, column 17): expected one of "manual", "semi", "full", got "turbo"']);
  });

  it('--json on an invalid file gives the issues in the error document', async () => {
    write('agentry.config.json', '{ "version": 2 }');
    const r = await p.run(['config', 'validate', '--json']);
    expect(r.code).toBe(2);
    expect(parseJson(r.stdout)).toEqual({ error: { code: 'INVALID_CONFIG', message: expect.stringContaining('is invalid'), issues: [expect.stringMatching(/^version \(line 1, column 3\): /)] } });
  });

  it('a file that is not JSON is invalid input with one line', async () => {
    write('agentry.config.json', '{ version: 1 ');
    const r = await p.run(['config', 'validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^agentry: .*agentry\.config\.json:1:3: not valid JSON: an unexpected character\n$/);
  });

  it('no file means the defaults apply (exit 0); a missing --file is a failure (exit 1)', async () => {
    expect((await p.run(['config', 'validate'])).stdout).toBe(`no agentry.config.json in ${p.dir}: the defaults apply\n`);
    const missing = await p.run(['config', 'validate', '--file', 'nope.json']);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: `agentry: no file at ${join(p.dir, 'nope.json')}\n` });
  });
});
