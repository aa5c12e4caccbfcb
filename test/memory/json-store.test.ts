import { copyFile, readFile, readdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../core/errors.js';
import { openJsonStore } from '../../memory/json-store.js';
import type { JsonStoreOptions, Migration } from '../../memory/json-store.js';
import { modeOf, tempDir } from './support.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/memory/', import.meta.url));

interface Task {
  title: string;
  done: boolean;
}
interface TasksV1 {
  schemaVersion: number;
  tasks: Task[];
}

const v0ToV1: Migration = (old) => ({
  tasks: (old['tasks'] as string[]).map((title) => ({ title, done: false })),
});
const OPTIONS: JsonStoreOptions<TasksV1> = { version: 1, migrations: { 0: v0ToV1 } };
const DEFAULTS: TasksV1 = { schemaVersion: 1, tasks: [] };

const refuseAll = (data: unknown): TasksV1 => {
  throw new StoreError('STORE_CORRUPT', `refused ${typeof data}`);
};

/** Fixtures are read-only evidence: tests open a copy. */
async function fixture(name: string): Promise<string> {
  const path = join(await tempDir(), name);
  await copyFile(join(FIXTURES, name), path);
  return path;
}

describe('openJsonStore', () => {
  it('reads the current version as is', async () => {
    const db = await openJsonStore(await fixture('v1.json'), DEFAULTS, OPTIONS);
    expect(db.data).toEqual({
      schemaVersion: 1,
      tasks: [
        { title: 'write launch tweet', done: true },
        { title: 'review landing page', done: false },
      ],
    });
  });

  it('migrates an older version through the explicit migration and writes the new version back', async () => {
    const path = await fixture('v0.json');
    const db = await openJsonStore(path, DEFAULTS, OPTIONS);
    const migrated = {
      schemaVersion: 1,
      tasks: [
        { title: 'write launch tweet', done: false },
        { title: 'review landing page', done: false },
      ],
    };
    expect(db.data).toEqual(migrated);
    await db.write();
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(migrated);
    expect(modeOf(await stat(path))).toBe(0o600);
  });

  it('refuses a newer version, naming the file and both versions', async () => {
    const path = await fixture('future.json');
    const err = await openJsonStore(path, DEFAULTS, OPTIONS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: 'STORE_VERSION', details: { file: path, found: 99, supported: 1 } });
    expect((err as StoreError).message).toBe(
      `${path} has schemaVersion 99, newer than this agentry understands; upgrade agentry (this agentry supports version 1)`,
    );
    expect(await readFile(path, 'utf8')).toBe(await readFile(join(FIXTURES, 'future.json'), 'utf8'));
  });

  it('refuses an older version with no migration path', async () => {
    const path = await fixture('v0.json');
    await expect(openJsonStore(path, DEFAULTS, { version: 1 })).rejects.toMatchObject({
      code: 'STORE_VERSION',
      message: expect.stringContaining('no migration from version 0 to 1') as string,
    });
  });

  it('reports a file that is not JSON as STORE_CORRUPT naming the file', async () => {
    const path = await fixture('corrupt.json');
    await expect(openJsonStore(path, DEFAULTS, OPTIONS)).rejects.toMatchObject({
      code: 'STORE_CORRUPT',
      message: expect.stringMatching(new RegExp(`^${path.replaceAll('.', '\\.')} is not valid JSON \\(.+\\); restore it from a backup$`)) as string,
    });
  });

  it('starts from the defaults when the file is missing, and really writes it (no NODE_ENV=test memory switch)', async () => {
    const path = join(await tempDir(), 'new.json');
    const db = await openJsonStore(path, DEFAULTS, OPTIONS);
    expect(db.data).toEqual(DEFAULTS);
    db.data.tasks.push({ title: 'a', done: false });
    await db.write();
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ schemaVersion: 1, tasks: [{ title: 'a', done: false }] });
  });

  it('lands overlapping writes in call order and leaves no temp files', async () => {
    const dir = await tempDir();
    const path = join(dir, 'db.json');
    const db = await openJsonStore(path, DEFAULTS, OPTIONS);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      db.data = { schemaVersion: 1, tasks: [{ title: `t${i}`, done: false }] };
      writes.push(db.write());
    }
    await Promise.all(writes);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ tasks: [{ title: 't19' }] });
    expect(await readdir(dir)).toEqual(['db.json']);
  });

  it('runs the caller validator on what it read', async () => {
    const path = await fixture('v1.json');
    await expect(openJsonStore(path, DEFAULTS, { ...OPTIONS, validate: refuseAll })).rejects.toMatchObject({ code: 'STORE_CORRUPT', message: 'refused object' });
  });
});
