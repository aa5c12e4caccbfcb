// Mode switch via config (DESIGN §4): the watcher on agentry.config.json wired to the supervisor
// the way the daemon wires it. A valid change applies at once (mode, thresholds, limits) and is
// an event; an invalid one is refused with its issues and the old config stays.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchConfig } from '../../../../config/watch.js';
import type { FakeReply } from '../../../support/fake-anthropic.js';
import { deferred, merge, scenarios } from '../harness.js';
import type { HarnessOptions } from '../harness.js';
import { brief, draft, review } from '../replies.js';

const start = scenarios();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const undo of cleanup.splice(0).toReversed()) await undo();
});

const BASE = { version: 1, mode: 'semi', risk: { confidenceThreshold: 0.8, randomReviewPercent: 0, dailySpendLimitUsd: 10 }, limits: { globalInFlight: 5 } };

/** A supervisor started from agentry.config.json, and the watcher wired as the daemon wires it. */
async function watched(opts: Omit<HarnessOptions, 'config'> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'agentry-config-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'agentry.config.json');
  await writeFile(file, JSON.stringify(BASE));
  const h = await start({ ...opts, config: BASE });
  const sup = h.sup;
  const watcher = watchConfig(file, {
    onValid: (next, paths) => sup.applyConfig(next, paths),
    onInvalid: (issues, path) => sup.rejectConfig(issues, path),
    current: () => sup.config,
    debounceMs: 60_000, // the test reloads by hand; a file notification must not race it
  });
  cleanup.push(() => Promise.resolve(watcher.close()));
  const write = (raw: unknown): Promise<void> => writeFile(file, typeof raw === 'string' ? raw : JSON.stringify(raw));
  return { h, watcher, write, file };
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

  it.each([
    { limit: 'the global in-flight limit', change: { limits: { globalInFlight: 1 } }, paths: ['limits.globalInFlight', 'mode'] },
    { limit: "the reviewer's concurrency", change: { agents: { reviewer: { concurrency: 1 } } }, paths: ['agents.reviewer.concurrency', 'mode'] },
  ])('applies $limit to calls not yet started', async ({ change, paths }) => {
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
    await write(merge(BASE, { mode: 'full', ...change }));
    await watcher.reload();

    const task = await h.sup.createTask({ workflow: 'content', input: brief() }, 'cli');
    const reviewer = () => h.sup.status().agents.find((a) => a.kind === 'reviewer');
    const both = await h.settle(() => {
      const view = reviewer();
      return view && view.inFlight + view.queued === 2 ? view : undefined;
    }, 'both reviews at the reviewer');
    await h.settle(() => held.length === 1, 'the first review request');

    expect(both).toMatchObject({ inFlight: 1, queued: 1 });
    held[0]?.(review('approve'));
    await h.settle(() => held.length === 2, 'the second review request, after the first');
    held[1]?.(review('approve'));
    expect((await h.final(task.id)).status).toBe('completed');
    expect(h.events('config.changed')).toMatchObject([{ paths }]);
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

  it('status shows a refused file (what, where, since when) until a valid one applies; the fix is an event', async () => {
    const { h, watcher, write, file } = await watched();

    await write('{\n  "version": 1,\n  "mode": "mdoe"\n}\n');
    await watcher.reload();
    const refused = h.sup.status().config?.rejected;
    expect(refused).toEqual({ at: expect.any(String), file, issues: [expect.stringMatching(/^mode \(line 3, column 3\): expected one of/)] });
    expect(h.events('config.rejected')).toMatchObject([{ file }]);

    // Fixed back to exactly the config in force: nothing changes, but the fix is recorded.
    await write(BASE);
    await watcher.reload();
    expect(h.sup.status().config?.rejected).toBeNull();
    expect(h.events('config.changed')).toMatchObject([{ paths: [], fixes: refused?.at }]);
  });

  it('a setting read only at start says it needs a restart instead of being "applied"', async () => {
    const { h, watcher, write } = await watched();

    await write(merge(BASE, { server: { tcp: { enabled: true } }, mode: 'full' }));
    await watcher.reload();
    expect(h.sup.config.mode).toBe('full');
    expect(h.events('config.changed')).toMatchObject([{ paths: ['mode', 'server.tcp.enabled'], restartNeeded: ['server.tcp.enabled'] }]);
    expect(h.sup.status().config?.restartPending).toEqual(['server.tcp.enabled']);
  });
});
