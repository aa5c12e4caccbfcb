// One writer per state folder (reliability.md §0.2: lowdb is single-process). agentry.lock holds
// the owner's pid. A lock whose pid is dead is stale and is taken over.
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlive } from '../core/alive.js';
import { StoreError } from '../core/errors.js';
import { fsyncDir, tempPathFor } from '../core/atomic-file.js';
import { FILE_MODE } from './durable-file.js';
import { errnoOf, storeUnavailable } from './errno.js';
import type { StoreLogger } from './warn.js';

export const LOCK_FILE = 'agentry.lock';

export interface StoreLock {
  readonly path: string;
  readonly pid: number;
  /** The dead pid whose stale lock we took over, or null for a fresh lock. */
  readonly tookOverFrom: number | null;
  /** Removes the lock file if it still holds our pid. */
  release(): Promise<void>;
}

export interface AcquireLockOptions {
  logger?: StoreLogger;
  /**
   * Test seam: awaited after a stale holder was read and before its takeover, so a test can hold
   * two starters at the same moment of the race instead of hoping they collide.
   */
  beforeTakeover?: (stalePid: number) => Promise<void>;
}

/**
 * Takes the folder's lock or throws STORE_LOCKED ("locked by pid N"). The pid is written to a
 * temp file first and then hard-linked to agentry.lock: link() fails with EEXIST like O_EXCL, and
 * the lock never exists half-written, so no reader mistakes a starting owner for a dead one.
 */
export async function acquireLock(dir: string, options: AcquireLockOptions = {}): Promise<StoreLock> {
  const path = join(dir, LOCK_FILE);
  const pid = process.pid;
  const tmp = tempPathFor(path);
  try {
    await writePidFile(tmp, pid);
    const tookOverFrom = await claim(path, tmp, pid, options.beforeTakeover);
    await fsyncDir(dir);
    if (tookOverFrom !== null) {
      options.logger?.warn(
        { code: 'STALE_LOCK', file: path, pid: tookOverFrom },
        `${path}: took over a stale lock of dead pid ${tookOverFrom}`,
      );
    }
    return { path, pid, tookOverFrom, release: () => releaseLock(path, pid) };
  } catch (err) {
    throw err instanceof StoreError ? err : storeUnavailable(path, 'taking the lock', err);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** Returns the stale pid taken over, or null. */
async function claim(path: string, tmp: string, pid: number, beforeTakeover: AcquireLockOptions['beforeTakeover']): Promise<number | null> {
  if (await tryLink(tmp, path)) return null;
  const holder = await readHolder(path);
  if (holder === 'missing') {
    // Released between our link and our read: one more try, then give up as locked.
    if (await tryLink(tmp, path)) return null;
    throw locked(path, await readHolder(path));
  }
  // We never write a partial lock, so an unreadable one is foreign: refuse rather than guess.
  if (holder === 'unreadable' || isAlive(holder)) throw locked(path, holder);
  await beforeTakeover?.(holder);
  return takeOver(path, tmp, pid, holder);
}

/**
 * Replaces a stale lock. Two starters may both see the same dead pid, so the replacement runs
 * under a takeover mutex (created with O_EXCL): the holder is read again under it, and only a
 * lock still held by that dead pid is replaced. A mutex left by a dead starter is removed.
 */
async function takeOver(path: string, tmp: string, pid: number, stale: number): Promise<number> {
  const mutex = `${path}.takeover`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writePidFile(mutex, pid);
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST') throw err;
      const owner = await readHolder(mutex);
      if (owner === 'missing' || (typeof owner === 'number' && !isAlive(owner))) {
        await unlink(mutex).catch(() => undefined);
        continue;
      }
      throw locked(path, await readHolder(path)); // another starter is taking it over right now
    }
    try {
      const again = await readHolder(path);
      if (again === 'missing' && (await tryLink(tmp, path))) return stale;
      if (again !== stale) throw locked(path, again);
      await rename(tmp, path);
      return stale;
    } finally {
      await unlink(mutex).catch(() => undefined);
    }
  }
  throw locked(path, await readHolder(path));
}

async function tryLink(tmp: string, path: string): Promise<boolean> {
  try {
    await link(tmp, path);
    return true;
  } catch (err) {
    if (errnoOf(err) === 'EEXIST') return false;
    throw err;
  }
}

async function writePidFile(path: string, pid: number): Promise<void> {
  const fh = await open(path, 'wx', FILE_MODE);
  try {
    await fh.writeFile(`${pid}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

type Holder = number | 'missing' | 'unreadable';

async function readHolder(path: string): Promise<Holder> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return 'missing';
    throw err;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : 'unreadable';
}

function locked(path: string, holder: Holder): StoreError {
  const who = typeof holder === 'number' ? `pid ${holder}` : `an unknown process (${holder} lock file)`;
  const hint = typeof holder === 'number' ? 'is another agentry supervisor running?' : 'delete it if no agentry runs';
  return new StoreError('STORE_LOCKED', `${path}: locked by ${who}; ${hint}`, {
    details: { file: path, pid: typeof holder === 'number' ? holder : null },
  });
}

async function releaseLock(path: string, pid: number): Promise<void> {
  try {
    if ((await readHolder(path)) === pid) await unlink(path);
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw storeUnavailable(path, 'releasing the lock', err);
  }
}
