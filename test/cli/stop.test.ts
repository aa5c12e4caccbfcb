import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseJson, tempProject } from './harness.js';
import type { Project } from './harness.js';

function sleeper(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
}

describe('agentry stop', () => {
  let p: Project;
  let pidFile: string;
  beforeEach(() => {
    p = tempProject();
    mkdirSync(join(p.dir, '.agentry'), { mode: 0o700 });
    pidFile = join(p.dir, '.agentry', 'agentry.pid');
  });
  afterEach(() => p.remove());

  it('sends SIGTERM to the pid in the pid file and waits until the process is gone', async () => {
    const child = sleeper();
    const exited = once(child, 'exit');
    writeFileSync(pidFile, `${child.pid}\n`);
    const r = await p.run(['stop']);
    expect(r).toEqual({ code: 0, stdout: `agentry stopped (pid ${child.pid})\n`, stderr: '' });
    const [code, signal] = (await exited) as [number | null, string | null];
    expect([code, signal]).toEqual([null, 'SIGTERM']);
  });

  it('is idempotent: nothing running is exit 0 with a one-line message', async () => {
    const r = await p.run(['stop']);
    expect(r).toEqual({ code: 0, stdout: 'agentry is not running (no pid file)\n', stderr: '' });
    const json = await p.run(['stop', '--json']);
    expect(parseJson(json.stdout)).toEqual({ running: false, stopped: false, reason: 'no pid file' });
  });

  it('treats a pid file whose process is gone as stale and signals nothing', async () => {
    const child = sleeper();
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    writeFileSync(pidFile, JSON.stringify({ pid: child.pid }));
    const r = await p.run(['stop']);
    expect(r).toEqual({ code: 0, stdout: `agentry is not running (stale pid file: process ${child.pid} is gone)\n`, stderr: '' });
  });
});
