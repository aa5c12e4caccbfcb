// Two supervisors starting at once over a stale lock (its pid is dead): exactly one takes it
// over, the other is refused "locked by pid N". Real child processes, since the lock holds pids.
// The race is injected, not hoped for: each starter stops at acquireLock's beforeTakeover seam
// (it has read the dead pid and is about to replace it) and says so; only when both are there
// does the test let both go, and each holds what it got until the test has both answers.
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { assertBuilt, REPO } from '../support/daemon.js';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Starter {
  child: ChildProcessByStdio<Writable, Readable, null>;
  /** The next line the child prints. */
  next(): Promise<string>;
  /** Sends one line to the child. */
  send(line: string): void;
  exited: Promise<number | null>;
}

/** acquireLock from dist/ in a child: prints `at-takeover`, waits for `go`, prints ok or the code, waits for `release`. */
function starter(stateDir: string): Starter {
  const lockModule = join(REPO, 'dist', 'memory', 'lock.js');
  const script = `import { acquireLock } from ${JSON.stringify(lockModule)};
    import { createInterface } from 'node:readline';
    const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
    const expect = async (word) => { const { value } = await lines.next(); if (value !== word) throw new Error('expected ' + word + ', got ' + value); };
    let lock;
    try {
      lock = await acquireLock(${JSON.stringify(stateDir)}, { beforeTakeover: async () => { console.log('at-takeover'); await expect('go'); } });
      console.log('ok');
    } catch (e) { console.log(e.code ?? e.message); }
    await expect('release');
    await lock?.release();
    process.exit(0);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const out = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    next: async () => {
      const { value, done } = await out.next();
      if (done === true) throw new Error('the starter exited without an answer');
      return value;
    },
    send: (line) => child.stdin.write(`${line}\n`),
    exited,
  };
}

describe('stale lock takeover race', () => {
  it('lets exactly one of two starters that both saw the dead pid take over its lock', async () => {
    assertBuilt();
    dir = await mkdtemp(join(tmpdir(), 'agentry-lockrace-'));
    for (let round = 0; round < 3; round++) {
      await writeFile(join(dir, 'agentry.lock'), '999999999\n', { mode: 0o600 }); // no such pid
      const starters = [starter(dir), starter(dir)];
      // Both have read the stale pid and stand right before the takeover.
      expect(await Promise.all(starters.map((s) => s.next()))).toEqual(['at-takeover', 'at-takeover']);
      for (const s of starters) s.send('go');
      const results = await Promise.all(starters.map((s) => s.next()));
      expect(results.toSorted()).toEqual(['STORE_LOCKED', 'ok']);
      const winner = starters[results.indexOf('ok')];
      expect(await readFile(join(dir, 'agentry.lock'), 'utf8')).toBe(`${winner?.child.pid ?? '?'}\n`);
      for (const s of starters) s.send('release');
      expect(await Promise.all(starters.map((s) => s.exited))).toEqual([0, 0]);
      await expect(readFile(join(dir, 'agentry.lock'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    }
  });
});
