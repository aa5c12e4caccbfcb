// One starter wins, and every loser says so (issue 9). Real child processes: three concurrent
// `agentry start --detach` in one project end with exactly one exit 0, the others exit 1 naming
// the winner's pid; a background start with a bad config or a journal damaged in the middle
// passes the child's real error through (file, reason, line, repair command).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openJournal } from '../../memory/journal.js';
import { assertBuilt } from '../support/daemon.js';
import { type Project, type Run, cli } from './hooks-harness.js';

let project: Project | undefined;

beforeAll(() => assertBuilt());

afterEach(async () => {
  if (project) await cli(project, ['stop']);
  if (project) rmSync(project.dir, { recursive: true, force: true });
  project = undefined;
});

function newProject(config = '{"version":1}\n'): Project {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-start-'));
  writeFileSync(join(dir, 'agentry.config.json'), config);
  const stateDir = join(dir, '.agentry');
  project = { dir, stateDir, settingsFile: join(dir, '.claude', 'settings.json'), spoolFile: join(stateDir, 'hooks.spool.ndjson'), userHook: { type: 'command', command: 'true' } };
  return project;
}

const pidOf = (run: Run): number => Number(/pid (\d+)/.exec(run.stdout)?.[1] ?? Number.NaN);

describe('agentry start --detach', () => {
  it('three at once: exactly one exits 0 and serves; the others exit 1 with the winner’s pid', async () => {
    const p = newProject();
    const runs = await Promise.all([1, 2, 3].map(() => cli(p, ['start', '--detach', '--offline'])));
    const winners = runs.filter((r) => r.code === 0);
    expect(runs.map((r) => r.code ?? -1).toSorted((a, b) => a - b)).toEqual([0, 1, 1]);
    const [winner] = winners;
    const pid = pidOf(winner ?? { code: null, stdout: '', stderr: '' });
    expect(winner?.stdout).toMatch(/^agentry started in the background · pid \d+ · OFFLINE model\n/);
    for (const loser of runs.filter((r) => r.code === 1)) {
      expect(loser.stdout).toBe('');
      expect(loser.stderr).toBe(`agentry: agentry is already running (pid ${pid}); stop it with \`agentry stop\`\n`);
    }
    const status = await cli(p, ['status', '--json']);
    expect((JSON.parse(status.stdout) as { health: { pid: number } }).health.pid).toBe(pid);
    expect(readFileSync(join(p.stateDir, 'agentry.lock'), 'utf8')).toBe(`${pid}\n`);
    // The foreground start refuses the same way.
    const again = await cli(p, ['start', '--offline']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`agentry is already running (pid ${pid})`);
  });

  it('passes a bad config through: the path and the reason, exit 2', async () => {
    const p = newProject('{"version":1,}\n');
    const run = await cli(p, ['start', '--detach', '--offline']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(join(p.dir, 'agentry.config.json'));
    expect(run.stderr).not.toContain('did not come up');
    const json = await cli(p, ['start', '--detach', '--offline', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'INVALID_CONFIG' } });
  });

  it('passes a journal damaged in the middle through: file, line, offset and the repair command', async () => {
    const p = newProject();
    const opened = await openJournal(p.stateDir);
    for (let i = 1; i <= 4; i++) await opened.journal.append({ t: 'note', n: i });
    await opened.journal.close();
    const path = join(p.stateDir, 'journal.ndjson');
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[1] = (lines[1] ?? '').replace('"n":2', '"n":7');
    writeFileSync(path, lines.join('\n'));
    const run = await cli(p, ['start', '--detach', '--offline']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`${path.replaceAll('.', '\\.')}: line 2 \\(byte offset \\d+\\) is corrupt`));
    expect(run.stderr).toContain('agentry repair --truncate-at 2');
  });
});
