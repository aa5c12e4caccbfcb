// Two supervisors starting at once over a stale lock (its pid is dead): exactly one takes it
// over, the other is refused "locked by pid N". Real child processes, since the lock holds pids.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertBuilt, REPO } from '../support/daemon.js';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs acquireLock from dist/ in a child, holds the lock briefly, reports ok or the error code. */
function starter(stateDir: string): Promise<string> {
  const lockModule = join(REPO, 'dist', 'memory', 'lock.js');
  const script = `import { acquireLock } from ${JSON.stringify(lockModule)};
    try { const l = await acquireLock(${JSON.stringify(stateDir)}); await new Promise((r) => setTimeout(r, 150)); console.log('ok'); await l.release(); }
    catch (e) { console.log(e.code ?? e.message); }`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', () => resolve(out.trim()));
  });
}

describe('stale lock takeover race', () => {
  it('lets exactly one of two simultaneous starters take over a dead pid’s lock', async () => {
    assertBuilt();
    dir = await mkdtemp(join(tmpdir(), 'agentry-lockrace-'));
    for (let round = 0; round < 8; round++) {
      await writeFile(join(dir, 'agentry.lock'), '999999999\n', { mode: 0o600 }); // no such pid
      const results = await Promise.all([starter(dir), starter(dir)]);
      expect(results.sort()).toEqual(['STORE_LOCKED', 'ok']);
      await expect(readFile(join(dir, 'agentry.lock'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    }
  });
});
