// The learning file as the supervisor opens it (LearningService.open: json-store with the
// learning migrations and parseLearningState), on copies of the read-only fixtures.
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../core/errors.js';
import { resolveConfig } from '../../../config/load.js';
import { LearningService } from '../../../machines/supervisor/learning.js';
import { LearningStore, emptyLearningState, learnReport, parseLearningState } from '../../../memory/learning/index.js';
import { tempDir } from '../support.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/memory/learning/', import.meta.url));
const config = resolveConfig({ version: 1 });

/** A state folder whose learning.json is a copy of fixture `name`. */
async function stateDirWith(name: string): Promise<string> {
  const dir = await tempDir();
  await copyFile(join(FIXTURES, name), join(dir, 'learning.json'));
  return dir;
}

const readJson = async (path: string): Promise<unknown> => JSON.parse(await readFile(path, 'utf8')) as unknown;

/** Marks the service dirty without changing its state (an unknown session ends as a no-op), then writes. */
async function rewrite(service: LearningService): Promise<void> {
  service.endSession('no-such-session', true);
  await service.flush();
}

describe('learning.json opened by the supervisor', () => {
  it('migrates a version 1 file on open and writes it back as exactly v2.json', async () => {
    const dir = await stateDirWith('v1.json');
    const service = await LearningService.open(dir, () => config);
    const v2 = await readJson(join(FIXTURES, 'v2.json'));
    expect(service.report().values).toEqual(learnReport(parseLearningState(v2), config));
    expect(await readFile(join(dir, 'learning.json'), 'utf8')).toBe(await readFile(join(FIXTURES, 'v1.json'), 'utf8'));
    await rewrite(service);
    expect(await readJson(join(dir, 'learning.json'))).toEqual(v2);
  });

  it('loads a version 2 file as is', async () => {
    const dir = await stateDirWith('v2.json');
    const service = await LearningService.open(dir, () => config);
    await rewrite(service);
    expect(await readJson(join(dir, 'learning.json'))).toEqual(await readJson(join(FIXTURES, 'v2.json')));
  });

  it('refuses a newer version with STORE_VERSION naming the file, and leaves it untouched', async () => {
    const dir = await stateDirWith('future.json');
    const path = join(dir, 'learning.json');
    const err = await LearningService.open(dir, () => config).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({
      code: 'STORE_VERSION',
      message: `${path} has schemaVersion 99, newer than this agentry understands; upgrade agentry (this agentry supports version 2)`,
      details: { file: path, found: 99, supported: 2 },
    });
    expect(await readFile(path, 'utf8')).toBe(await readFile(join(FIXTURES, 'future.json'), 'utf8'));
  });
});

describe('a damaged learning.json', () => {
  it('is moved aside, logged with the file and its first error, and rebuilt from its valid outcome records', async () => {
    const dir = await tempDir();
    const path = join(dir, 'learning.json');
    const good = (await readJson(join(FIXTURES, 'v2.json'))) as { window: Record<string, unknown>[]; sessions: { open: unknown[] } };
    const broken = { ...good, window: [...good.window, { id: 'bad' }], sessions: { ...good.sessions, open: [{ sessionId: '', sequence: [], failedRuns: 0 }] } };
    await writeFile(path, JSON.stringify(broken));
    const warnings: Record<string, unknown>[] = [];
    const at = Date.parse('2026-12-02T05:06:07.000Z');
    const service = await LearningService.open(dir, () => config, { logger: { warn: (obj) => warnings.push(obj) }, now: () => at });
    const movedTo = `${path}.damaged-2026-12-02T05-06-07.000Z`;
    expect(service.damaged).toEqual({ file: path, movedTo, error: expect.stringMatching(/^learning-state: window\[\d+\]/) as unknown, at: '2026-12-02T05:06:07.000Z' });
    expect(warnings).toEqual([expect.objectContaining({ file: path, movedTo, rebuiltOutcomes: good.window.length })]);
    expect(await readFile(movedTo, 'utf8')).toBe(JSON.stringify(broken));
    const rebuilt = (await readJson(path)) as { window: unknown[]; sessions: { open: unknown[] } };
    expect(parseLearningState(rebuilt).window).toEqual(good.window);
    expect(rebuilt.sessions.open).toEqual([]);
  });

  it('that is not JSON at all is moved aside and the state starts empty', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'learning.json'), '{"schemaVersion": 2, ');
    const service = await LearningService.open(dir, () => config);
    expect(service.damaged?.error).toContain('is not valid JSON');
    expect(service.report().values).toEqual(learnReport(emptyLearningState(), config));
  });
});

describe('subagent runs without a usable session id', () => {
  it('join no session: the state stays valid', () => {
    const store = new LearningStore({ window: 10 });
    store.recordSubagentRun('', 'Explore', true);
    store.endSession('', true);
    store.recordSubagentRun('x'.repeat(201), 'Explore', true);
    store.recordSubagentRun('S-1', '', true);
    expect(store.toJSON().sessions.open).toEqual([{ sessionId: 'S-1', sequence: ['unknown'], failedRuns: 0 }]);
    expect(parseLearningState(store.toJSON())).toBeDefined();
  });
});
