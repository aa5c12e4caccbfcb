// The config watcher: reload() applies a valid file with the paths that changed, refuses an
// invalid one with its issues, and never applies half of anything. One test proves fs.watch
// calls reload on its own, within a generous bound (file notifications are real I/O).
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../config/load.js';
import type { ResolvedConfig } from '../../config/load.js';
import { changedPaths, watchConfig } from '../../config/watch.js';
import type { ConfigWatcher } from '../../config/watch.js';

let dir = '';
let file = '';
let watcher: ConfigWatcher | undefined;
let seen: { valid: { mode: string; paths: string[] }[]; invalid: string[][] };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agentry-watch-'));
  file = join(dir, 'agentry.config.json');
  seen = { valid: [], invalid: [] };
});
afterEach(async () => {
  watcher?.close();
  watcher = undefined;
  await rm(dir, { recursive: true, force: true });
});

const write = (raw: unknown): Promise<void> => writeFile(file, typeof raw === 'string' ? raw : JSON.stringify(raw));

/** Without `current`, the base is the file as first read: `await w.reload()` once to settle it. */
function start(opts: { current?: () => ResolvedConfig; onValid?: () => void } = {}): ConfigWatcher {
  watcher = watchConfig(file, {
    onValid: (config, paths) => {
      seen.valid.push({ mode: config.mode, paths });
      opts.onValid?.();
    },
    onInvalid: (issues) => seen.invalid.push(issues),
    debounceMs: opts.onValid ? 20 : 60_000,
    ...(opts.current ? { current: opts.current } : {}),
  });
  return watcher;
}

describe('watchConfig reload', () => {
  it('hands a valid change over with the nested paths that changed', async () => {
    await write({ version: 1, mode: 'semi' });
    const w = start({ current: () => resolveConfig({ version: 1, mode: 'semi' }) });

    await write({ version: 1, mode: 'full', risk: { confidenceThreshold: 0.6 }, limits: { globalInFlight: 2 } });
    await w.reload();

    expect(seen.valid).toEqual([{ mode: 'full', paths: ['limits.globalInFlight', 'mode', 'risk.confidenceThreshold'] }]);
    expect(seen.invalid).toEqual([]);
  });

  it('refuses an invalid file with every issue, then diffs the next valid one against the last applied', async () => {
    await write({ version: 1, mode: 'semi' });
    const w = start();
    await w.reload();

    await write({ version: 1, mode: 'turbo', risk: { randomReviewPercent: 101 } });
    await w.reload();
    await write({ version: 1, mode: 'semi', approvals: { fallback: 'reject' } });
    await w.reload();

    expect(seen.invalid).toHaveLength(1);
    expect(seen.invalid[0]).toEqual(expect.arrayContaining([expect.stringContaining('mode'), expect.stringContaining('randomReviewPercent')]));
    expect(seen.valid).toEqual([{ mode: 'semi', paths: ['approvals.fallback'] }]);
  });

  it('refuses a file that is not JSON, and one whose cross-checks fail', async () => {
    await write({ version: 1 });
    const w = start();
    await w.reload();

    await write('{"version": 1,');
    await w.reload();
    await write({ version: 1, schedules: [{ id: 'x', cron: '* * *', workflow: 'nope' }] });
    await w.reload();

    expect(seen.invalid[0]).toEqual([expect.stringContaining('not valid JSON')]);
    expect(seen.invalid[1]).toEqual([expect.stringMatching(/^schedules\[0\]\.workflow \(line 1, column 52\): /), expect.stringMatching(/^schedules\[0\]\.cron \(line 1, column 37\): /)]);
    expect(seen.valid).toEqual([]);
  });

  it('says nothing when the file is unchanged or gone', async () => {
    await write({ version: 1, mode: 'manual' });
    const w = start();

    await w.reload();
    await rm(file);
    await w.reload();

    expect(seen).toEqual({ valid: [], invalid: [] });
  });

  it('does nothing after close', async () => {
    await write({ version: 1 });
    const w = start();
    w.close();

    await write({ version: 1, mode: 'full' });
    await w.reload();

    expect(seen).toEqual({ valid: [], invalid: [] });
  });
});

describe('watchConfig file notifications', () => {
  it('reloads by itself when the file is replaced (write temp, rename), within 5 s', async () => {
    await write({ version: 1, mode: 'semi' });
    const done = new Promise<void>((resolve) => {
      start({ current: () => resolveConfig({ version: 1, mode: 'semi' }), onValid: resolve });
    });

    await writeFile(join(dir, 'agentry.config.json.tmp'), JSON.stringify({ version: 1, mode: 'full' }));
    await rename(join(dir, 'agentry.config.json.tmp'), file);
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no reload within 5 s of the change')), 5_000);
    });
    await Promise.race([done, bound]).finally(() => clearTimeout(timer));

    expect(seen.valid).toEqual([{ mode: 'full', paths: ['mode'] }]);
  });
});

describe('changedPaths', () => {
  it('lists leaves by dotted path; arrays compare whole', () => {
    const before = { mode: 'semi', risk: { a: 1, domains: { x: true } }, list: [1, 2] };
    const after = { mode: 'semi', risk: { a: 2, domains: { x: true, y: false } }, list: [1, 2, 3], added: 0 };

    expect(changedPaths(before, after)).toEqual(['added', 'list', 'risk.a', 'risk.domains.y']);
    expect(changedPaths(before, structuredClone(before))).toEqual([]);
  });
});
