import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock, LOCK_FILE } from '../../memory/lock.js';
import { modeOf, tempDir } from './support.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** A second "supervisor": a real process that writes the lock with its own pid and stays alive. */
async function holdLockInChild(lockPath: string): Promise<ChildProcess & { pid: number }> {
  const script = `
    require('node:fs').writeFileSync(process.argv[1], process.pid + '\\n', { flag: 'wx', mode: 0o600 });
    process.stdout.write('ready\\n');
    setInterval(() => {}, 1 << 30);
  `;
  const child = spawn(process.execPath, ['-e', script, lockPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  if (child.stdout === null || child.pid === undefined) throw new Error('child did not start');
  await once(child.stdout, 'data');
  return child as ChildProcess & { pid: number };
}

describe('acquireLock', () => {
  it('refuses while a live process holds the lock, and takes it over once that process is SIGKILLed', async () => {
    const dir = await tempDir();
    const lockPath = join(dir, LOCK_FILE);
    const child = await holdLockInChild(lockPath);

    await expect(acquireLock(dir)).rejects.toMatchObject({
      code: 'STORE_LOCKED',
      message: expect.stringContaining(`locked by pid ${child.pid}`) as string,
      details: { pid: child.pid },
    });

    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;

    const warnings: string[] = [];
    const lock = await acquireLock(dir, { logger: { warn: (_obj, msg) => warnings.push(msg) } });
    expect(lock.tookOverFrom).toBe(child.pid);
    expect(warnings).toEqual([`${lockPath}: took over a stale lock of dead pid ${child.pid}`]);
    expect(await readFile(lockPath, 'utf8')).toBe(`${process.pid}\n`);
    expect(modeOf(await stat(lockPath))).toBe(0o600);
    await lock.release();
    await expect(stat(lockPath)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('takes a free folder, refuses a second acquire in the same process, and frees it on release', async () => {
    const dir = await tempDir();
    const lock = await acquireLock(dir);
    expect(lock.tookOverFrom).toBeNull();
    await expect(acquireLock(dir)).rejects.toMatchObject({
      code: 'STORE_LOCKED',
      message: expect.stringContaining(`locked by pid ${process.pid}`) as string,
    });
    await lock.release();
    const again = await acquireLock(dir);
    await again.release();
  });

  it('release leaves a lock that now holds another pid alone', async () => {
    const dir = await tempDir();
    const lock = await acquireLock(dir);
    await writeFile(join(dir, LOCK_FILE), '1\n');
    await lock.release();
    expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe('1\n');
  });

  it('refuses an unreadable lock file instead of guessing', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, LOCK_FILE), 'garbage');
    await expect(acquireLock(dir)).rejects.toMatchObject({
      code: 'STORE_LOCKED',
      message: expect.stringContaining('unreadable lock file') as string,
      details: { pid: null },
    });
  });
});
