// Shared helpers for the memory tests: real temp folders and a fault-injecting FsOps.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { nodeFsOps } from '../../memory/fs-ops.js';
import type { FsOps } from '../../memory/fs-ops.js';

const made: string[] = [];

afterEach(async () => {
  // Retried: a store opened by the test may still be writing in the background (the history
  // index builds itself on open), and a file made during the removal fails it with ENOTEMPTY.
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true, maxRetries: 5 });
});

/** A fresh folder under the OS temp dir, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'agentry-memory-'));
  made.push(dir);
  return dir;
}

/** Mutable: set a field to an errno to make that operation fail from now on, null to heal it. */
export interface Faults {
  write: string | null;
  sync: string | null;
  truncate: string | null;
  /** With `write`: first write half the bytes for real, then fail (a torn write). */
  partial: boolean;
  /** Resolves a pending sync only when the test calls the function it receives. */
  holdSync: ((release: () => void) => void) | null;
}

export function noFaults(): Faults {
  return { write: null, sync: null, truncate: null, partial: false, holdSync: null };
}

function errnoError(code: string): Error {
  return Object.assign(new Error(`${code}: injected by the test`), { code });
}

export function faultyFs(faults: Faults): FsOps {
  return {
    async open(path) {
      const file = await nodeFsOps.open(path);
      return {
        write(data, position) {
          if (faults.write === null) return file.write(data, position);
          if (faults.partial) file.write(data.subarray(0, Math.ceil(data.length / 2)), position);
          throw errnoError(faults.write);
        },
        async sync() {
          const hold = faults.holdSync;
          if (hold !== null) await new Promise<void>((resolve) => hold(resolve));
          if (faults.sync !== null) throw errnoError(faults.sync);
          return file.sync();
        },
        async truncate(length) {
          if (faults.truncate !== null) throw errnoError(faults.truncate);
          return file.truncate(length);
        },
        close: () => file.close(),
      };
    },
  };
}

export function modeOf(stats: { mode: number }): number {
  return stats.mode & 0o777;
}
