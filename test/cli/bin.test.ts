// The compiled binary end to end, once: `npm test` builds dist/ before vitest runs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve('dist/cli/bin.js');

describe('dist/cli/bin.js', () => {
  let cwd: string;
  beforeAll(() => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does)`);
    cwd = mkdtempSync(join(tmpdir(), 'agentry-bin-'));
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  const run = (args: string[], input = ''): { status: number | null; stdout: string; stderr: string } =>
    spawnSync(process.execPath, [BIN, ...args], { cwd, input, encoding: 'utf8', env: { PATH: process.env['PATH'], HOME: cwd } });

  it('--help exits 0 with the usage', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: agentry <command> \[flags\]\n/);
    expect(r.stderr).toBe('');
  });

  it('an unknown command exits 2; a command needing the supervisor exits 1 with the hint', () => {
    expect(run(['nope']).status).toBe(2);
    const r = run(['status']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^agentry: agentry is not running .*`agentry start`\n$/);
  });

  it('hook hands the hook client exit code through (an event agentry does not handle: 0, said on stderr)', () => {
    const r = run(['hook', 'NoSuchEvent'], '{}');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('is not an event agentry handles');
  });
});
