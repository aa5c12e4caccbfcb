// Proves the order of the durable write: fsync(temp) before rename, fsync(dir) after it.
import { basename } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { writeFileDurable } from '../../memory/durable-file.js';
import { tempDir } from './support.js';

const { calls, label } = vi.hoisted(() => ({
  calls: [] as string[],
  label: (p: unknown): string => {
    const name = String(p);
    return name.endsWith('.tmp') ? 'temp' : (name.split('/').at(-1) ?? name);
  },
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    open: async (...args: Parameters<typeof real.open>) => {
      const fh = await real.open(...args);
      const who = label(args[0]);
      const sync = fh.sync.bind(fh);
      fh.sync = async () => {
        calls.push(`fsync ${who}`);
        await sync();
      };
      return fh;
    },
    rename: async (from: string, to: string) => {
      calls.push(`rename ${label(from)} -> ${label(to)}`);
      await real.rename(from, to);
    },
  };
});

describe('writeFileDurable syscall order', () => {
  it('fsyncs the temp file, renames, then fsyncs the folder', async () => {
    const dir = await tempDir();
    calls.length = 0;
    await writeFileDurable(`${dir}/state.json`, 'x');
    expect(calls).toEqual(['fsync temp', 'rename temp -> state.json', `fsync ${basename(dir)}`]);
  });
});
