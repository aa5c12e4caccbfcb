import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempPathFor } from '../../core/atomic-file.js';
import { ensureStateDir, removeTempFiles, writeFileDurable } from '../../memory/durable-file.js';
import { modeOf, tempDir } from './support.js';

describe('writeFileDurable', () => {
  it('writes the content with mode 0600 and leaves no temp file', async () => {
    const dir = await tempDir();
    const path = join(dir, 'state.json');
    await writeFileDurable(path, '{"a":1}\n');
    expect(await readFile(path, 'utf8')).toBe('{"a":1}\n');
    expect(modeOf(await stat(path))).toBe(0o600);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('replaces a world-readable file and tightens it to 0600', async () => {
    const dir = await tempDir();
    const path = join(dir, 'state.json');
    await writeFile(path, 'old');
    await chmod(path, 0o644);
    await writeFileDurable(path, new TextEncoder().encode('new'));
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(modeOf(await stat(path))).toBe(0o600);
  });

  it('fails with STORE_UNAVAILABLE and cleans up when the folder is missing', async () => {
    const dir = await tempDir();
    await expect(writeFileDurable(join(dir, 'nope', 'state.json'), 'x')).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      details: { errno: 'ENOENT' },
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it('uses a unique temp name per call, in the target folder', () => {
    const a = tempPathFor('/s/state.json');
    const b = tempPathFor('/s/state.json');
    expect(a).not.toBe(b);
    expect(a).toMatch(new RegExp(`^/s/\\.state\\.json\\.${process.pid}\\.\\d+\\.tmp$`));
  });
});

describe('ensureStateDir', () => {
  it('creates nested folders with mode 0700', async () => {
    const dir = join(await tempDir(), 'a', '.agentry');
    await ensureStateDir(dir);
    expect(modeOf(await stat(dir))).toBe(0o700);
  });

  it('tightens an existing folder with looser bits', async () => {
    const dir = join(await tempDir(), '.agentry');
    await mkdir(dir, { mode: 0o755 });
    await chmod(dir, 0o755);
    await ensureStateDir(dir);
    expect(modeOf(await stat(dir))).toBe(0o700);
  });
});

describe('removeTempFiles', () => {
  it('removes leftovers of interrupted writes and keeps everything else', async () => {
    const dir = await tempDir();
    for (const name of ['.db.json.123.4.tmp', '.journal.ndjson.9.1.tmp', 'db.json', '.agentry.lock.77.1.tmp']) {
      await writeFile(join(dir, name), 'x');
    }
    expect((await removeTempFiles(dir)).sort()).toEqual(['.db.json.123.4.tmp', '.journal.ndjson.9.1.tmp']);
    expect((await readdir(dir)).sort()).toEqual(['.agentry.lock.77.1.tmp', 'db.json']);
  });
});
