import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, runningProject, tempProject } from './harness.js';
import type { Project } from './harness.js';

describe('argument parsing, help and usage errors', () => {
  let p: Project;
  beforeAll(() => {
    p = tempProject();
  });
  afterAll(() => p.remove());

  it('an unknown command exits 2 with a usage line', async () => {
    const r = await p.run(['frobnicate']);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: 'agentry: unknown command "frobnicate"\nusage: agentry <command> [flags] (agentry --help lists them)\n',
    });
  });

  it('an unknown flag exits 2 and names the flag and the command usage', async () => {
    const r = await p.run(['tasks', '--colour']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('agentry: unknown flag --colour\nusage: agentry tasks [--status S] [--workflow W] [--since DATE] [--search TEXT] [--parent ID] [--limit N] [--after CURSOR]\n');
  });

  it('a bad flag value says which flag and why in one line, exit 2 (a dash value too: --limit -1)', async () => {
    const cases: [string[], string][] = [
      [['events', '--limit', '-1'], 'agentry: --limit must be an integer ≥ 1, got "-1"'],
      [['events', '--after', '-5'], 'agentry: --after must be an integer ≥ 0, got "-5"'],
      [['tasks', '--limit', '0'], 'agentry: --limit must be an integer ≥ 1, got "0"'],
      [['tasks', '--limit'], 'agentry: --limit needs a value'],
      [['events', '--follow=yes'], 'agentry: --follow takes no value'],
      [['repair', '--truncate-at', 'x'], 'agentry: --truncate-at must be an integer ≥ 1, got "x"'],
      [['mode', 'turbo'], 'agentry: the mode must be one of manual, semi, full, got "turbo"'],
    ];
    for (const [argv, line] of cases) {
      const r = await p.run(argv);
      expect({ argv, code: r.code, first: r.stderr.split('\n')[0] }).toEqual({ argv, code: 2, first: line });
    }
  });

  it('a flag value the server refuses is named as the flag, in one line (exit 2)', async () => {
    const running = await runningProject();
    try {
      const r = await running.run(['tasks', '--status', 'bogus']);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(/^agentry: --status: expected one of pending, .*, got "bogus"$/);
    } finally {
      await running.close();
    }
  });

  it('--help --json is one JSON document: every command with its usage, summary and flags', async () => {
    const top = await p.run(['--help', '--json']);
    expect(top.code).toBe(0);
    const doc = parseJson(top.stdout) as { commands: { usage: string; flags: string[] }[]; exitCodes: Record<string, string> };
    expect(doc.commands.find((c) => c.usage.startsWith('agentry learn'))?.flags).toEqual(['--all', '--verbose', '--json', '--help']);
    expect(Object.keys(doc.exitCodes)).toEqual(['0', '1', '2']);
    const one = parseJson((await p.run(['events', '--help', '--json'])).stdout) as { commands: { usage: string }[] };
    expect(one.commands.map((c) => c.usage)).toEqual(['agentry events [--follow] [--after SEQ] [--limit N] [--task ID]']);
    const group = parseJson((await p.run(['--json', 'hooks', '--help'])).stdout) as { commands: unknown[] };
    expect(group.commands).toHaveLength(2);
  });

  it('an extra positional argument exits 2', async () => {
    const r = await p.run(['status', 'now']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('agentry: unexpected argument "now"');
  });

  it('no command at all exits 2', async () => {
    const r = await p.run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^agentry: no command given\n/);
  });

  it('a group without its subcommand lists the subcommands (exit 2)', async () => {
    const r = await p.run(['hooks']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'agentry: `hooks` needs a subcommand\nusage: agentry hooks install [--scope project|local|user] [--transport command|http]\n       agentry hooks uninstall [--scope project|local|user]\n',
    );
  });

  it('--help works at every level and exits 0', async () => {
    const top = await p.run(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^usage: agentry <command> \[flags\]\n/);
    for (const usage of ['status', 'task show ID', 'event emit TYPE --data JSON [--id ID]', 'config validate [--file F]', 'doctor', 'demo']) {
      expect(top.stdout).toContain(`  ${usage}`);
    }
    const group = await p.run(['task', '--help']);
    expect(group.code).toBe(0);
    expect(group.stdout).toMatch(/^usage: agentry task <subcommand> \[flags\]\n\n {2}task create --workflow W/);
    const one = await p.run(['reject', '--help']);
    expect(one).toEqual({ code: 0, stdout: expect.stringMatching(/^usage: agentry reject ID --note TEXT \[--json\]\n/), stderr: '' });
  });

  it('usage errors with --json are one JSON document on stdout, exit 2', async () => {
    const r = await p.run(['tasks', '--limit', 'many', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    expect(parseJson(r.stdout)).toEqual({ error: { code: 'USAGE', message: '--limit must be an integer ≥ 1, got "many"' } });
  });

  it('an unknown command with a leading --json still answers in JSON', async () => {
    const r = await p.run(['--json', 'nope']);
    expect(r.code).toBe(2);
    expect(parseJson(r.stdout)).toEqual({ error: { code: 'USAGE', message: 'unknown command "nope"' } });
  });
});

describe('a leading --json', () => {
  it('applies to the command after it', async () => {
    const p = tempProject();
    try {
      const r = await p.run(['--json', 'config', 'validate']);
      expect(r.code).toBe(0);
      expect(parseJson(r.stdout)).toEqual({ valid: true, file: null, defaults: true });
    } finally {
      p.remove();
    }
  });
});
