// The README's first lines, read from README.md itself and run in the order written, as real
// child processes (sh -c each), in a fresh copy of this repository, without an API key.
//
// The copy is what a clone holds: every file git tracks (or would track: new files not yet
// committed count, ignored ones do not), taken from the working tree so the test checks the code
// beside it. `npm ci` is the one line not run as written: it needs the registry and a minute, so
// the copy gets this checkout's node_modules (installed by `npm ci` from the same lockfile) as a
// symlink instead. Everything else runs as a newcomer would type it, `npm start` (and its build)
// included.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../support/daemon.js';

/** The first ```sh block of the README, as commands: continued quoted lines joined, comments dropped. */
export function firstCommands(readme: string): string[] {
  const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error('README.md has no ```sh block');
  const commands: string[] = [];
  let pending = '';
  for (const line of block.split('\n')) {
    pending = pending === '' ? line : `${pending}\n${line}`;
    // Inside an open single-quoted string the command goes on on the next line.
    if ((pending.match(/'/g)?.length ?? 0) % 2 === 1) continue;
    const command = pending.replace(/\s+#.*$/, '').trim();
    pending = '';
    if (command !== '' && !command.startsWith('#')) commands.push(command);
  }
  return commands;
}

/** A copy of the repository as a clone of it holds it. */
function freshCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-readme-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(REPO, f)));
  for (const f of files) {
    const to = join(dir, f);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(REPO, f), to);
    chmodSync(to, statSync(join(REPO, f)).mode & 0o777);
  }
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** The environment of a newcomer without a key: nothing of agentry's or Anthropic's set. */
function newcomerEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(ANTHROPIC_|AGENTRY_|CLAUDE_|VITEST|npm_)/.test(k) || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return env;
}

describe('the README first lines, in order, on a fresh copy, without a key', () => {
  const dir = freshCopy();
  const env = newcomerEnv();
  afterAll(() => {
    // Whatever happened above, nothing started here keeps running.
    spawnSync('node', [join(dir, 'dist', 'cli', 'bin.js'), 'stop'], { cwd: dir, env, timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
  });

  it('each command succeeds and says what the README promises', { timeout: 240_000 }, () => {
    const commands = firstCommands(readFileSync(join(dir, 'README.md'), 'utf8'));
    expect(commands[0]).toBe('npm ci');
    const said: string[] = [];
    for (const command of commands.slice(1)) {
      const r = spawnSync('sh', ['-c', command], { cwd: dir, env, encoding: 'utf8', timeout: 180_000 });
      said.push(`$ ${command}\n${r.stdout}${r.stderr}`);
      expect({ command, status: r.status, out: r.stdout + r.stderr }).toMatchObject({ command, status: 0 });
    }
    const [start, create, status, stop] = said;
    expect(start).toMatch(/agentry started in the background · pid \d+ · OFFLINE model/);
    expect(create).toMatch(/created task t_\w+ \(content, P2, /);
    expect(status).toMatch(/model: OFFLINE/);
    expect(status).toMatch(/\nHealth {2}store ok · config ok · model offline/);
    expect(stop).toMatch(/stopped/);
    expect(said).toHaveLength(4);
  });
});
