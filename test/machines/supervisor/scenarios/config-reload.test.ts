// Mode switch via config (DESIGN §4): the watcher on agentry.config.json wired to the supervisor
// the way the daemon wires it. A valid change applies at once (mode, thresholds, limits) and is
// an event; an invalid one is refused with its issues and the old config stays.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchConfig } from '../../../../machines/config/watch.js';
import type { ConfigWatcher } from '../../../../machines/config/watch.js';
import type { FakeReply } from '../../../support/fake-anthropic.js';
import { Harness, deferred, merge } from '../harness.js';
import { brief, draft, review } from '../replies.js';

let h: Harness | undefined;
let watcher: ConfigWatcher | undefined;
let dir = '';
afterEach(async () => {
  watcher?.close();
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  h = undefined;
  watcher = undefined;
  dir = '';
});

const BASE = { version: 1, mode: 'semi', risk: { confidenceThreshold: 0.8, randomReviewPercent: 0, dailySpendLimitUsd: 10 }, limits: { globalInFlight: 5 } };

/** A supervisor started from agentry.config.json, and the watcher wired as the daemon wires it. */
async function watched(responders: Parameters<typeof Harness.start>[0] = {}) {
  dir = await mkdtemp(join(tmpdir(), 'agentry-config-'));
  const file = join(dir, 'agentry.config.json');
  await writeFile(file, JSON.stringify(BASE));
  h = await Harness.start({ ...responders, config: BASE });
  const sup = h.sup;
  watcher = watchConfig(file, {
    onValid: (next, paths) => sup.applyConfig(next, paths),
    onInvalid: (issues) => sup.rejectConfig(issues),
    current: () => sup.config,
    debounceMs: 60_000, // the test reloads by hand; a file notification must not race it
  });
  const write = (raw: unknown): Promise<void> => writeFile(file, typeof raw === 'string' ? raw : JSON.stringify(raw));
  return { h, watcher, write };
}

describe('config hot reload', () => {
  it('applies a valid change at once: mode, thresholds and limits, each change an event', async () => {
    const { h, watcher, write } = await watched({ responders: { marketing: () => draft({ confidence: 0.6 }) } });

    await write(merge(BASE, { mode: 'full', risk: { confidenceThreshold: 0.5, dailySpendLimitUsd: 20 }, sla: { escalationMinutes: 10 } }));
    await watcher.reload();

    expect(h.events('mode.changed')).toMatchObject([{ from: 'semi', to: 'full' }]);
    expect(h.events('config.changed')).toMatchObject([
      { mode: 'full', paths: ['mode', 'risk.confidenceThreshold', 'risk.dailySpendLimitUsd', 'sla.escalationMinutes'] },
    ]);
    expect(h.sup.config.mode).toBe('full');
    expect(h.sup.config.risk.confidenceThreshold).toBe(0.5);
    expect(h.sup.status()).toMatchObject({ mode: 'full', spend: { limitUsd: 20 } });

    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');
    expect((await h.final(task.id)).status).toBe('completed');
    expect(h.events('gate.decided', task.id)).toMatchObject([{ decision: 'auto', mode: 'full' }]);
  });

  it('applies a new confidence threshold to the next gate decision', async () => {
    const { h, watcher, write } = await watched({ responders: { marketing: () => draft({ confidence: 0.6 }) } });
    const before = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');
    await h.pendingApproval(before.id);

    await write(merge(BASE, { risk: { confidenceThreshold: 0.5 } }));
    await watcher.reload();
    const after = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');

    expect((await h.final(after.id)).status).toBe('completed');
    expect(h.events('config.changed')).toMatchObject([{ paths: ['risk.confidenceThreshold'], mode: 'semi' }]);
    expect(h.events('mode.changed')).toEqual([]);
    expect(h.events('gate.decided', before.id)).toMatchObject([{ decision: 'approval', reasons: ['confidence 0.60 is below the threshold 0.80 (config)'] }]);
    expect(h.events('gate.decided', after.id)).toMatchObject([{ decision: 'auto', reasons: [expect.stringContaining('confidence 0.60 meets the threshold 0.50') as unknown, expect.any(String) as unknown, expect.any(String) as unknown] }]);
  });

  it('applies a new global in-flight limit to calls not yet started', async () => {
    const held: ((reply: FakeReply) => void)[] = [];
    const { h, watcher, write } = await watched({
      responders: {
        reviewer: () => {
          const d = deferred<FakeReply>();
          held.push(d.resolve);
          return d.promise;
        },
      },
    });
    await write(merge(BASE, { mode: 'full', limits: { globalInFlight: 1 } }));
    await watcher.reload();

    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');
    await h.settle(() => held.length === 1, 'the first review request');
    await h.settle(() => h?.events('review.requested', task.id).length === 2, 'both reviews requested');

    expect(held).toHaveLength(1);
    held[0]?.(review('approve'));
    await h.settle(() => held.length === 2, 'the second review request, after the first');
    held[1]?.(review('approve'));
    expect((await h.final(task.id)).status).toBe('completed');
    expect(h.events('config.changed')).toMatchObject([{ paths: ['limits.globalInFlight', 'mode'] }]);
  });

  it('refuses an invalid file with its issues and keeps the old config', async () => {
    const { h, watcher, write } = await watched();

    await write(merge(BASE, { mode: 'turbo', risk: { confidenceThreshold: 2 } }));
    await watcher.reload();

    const [rejected] = h.events('config.rejected');
    expect(rejected?.issues).toEqual(expect.arrayContaining([expect.stringMatching(/^\/?mode/), expect.stringMatching(/confidenceThreshold/)]));
    expect(h.events('config.changed')).toEqual([]);
    expect(h.events('mode.changed')).toEqual([]);
    expect(h.sup.config.mode).toBe('semi');
    expect(h.sup.config.risk.confidenceThreshold).toBe(0.8);

    await write('{ "version": 1, "mode": ');
    await watcher.reload();

    expect(h.events('config.rejected').map((e) => e.issues.length)).toEqual([rejected?.issues.length, 1]);
    expect(h.events('config.rejected')[1]?.issues[0]).toMatch(/not valid JSON/);
    expect(h.sup.status().mode).toBe('semi');
  });

  it('records nothing when the file did not change what is in force', async () => {
    const { h, watcher, write } = await watched();

    await write({ ...BASE, $schema: './node_modules/agentry/schemas/config.schema.json' });
    await watcher.reload();

    expect(h.events('config.changed')).toEqual([]);
    expect(h.events('config.rejected')).toEqual([]);
  });
});
