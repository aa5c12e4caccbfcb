// Deliveries (issue 11 part 4): what a gate allows reaches the sinks its route names — Markdown
// files that never overwrite another task's, signed webhooks retried on 5xx and failed on 4xx,
// commands with the content on stdin — and a failed delivery is retried with the same key.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Receiver } from '../../../support/webhook-receiver.js';
import { startReceiver } from '../../../support/webhook-receiver.js';
import { scenarios } from '../harness.js';
import type { Harness } from '../harness.js';
import { BRIEF, draft } from '../replies.js';

const start = scenarios();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'agentry-outputs-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  cleanup.push(() => r.close());
  return r;
}

const deliveredTo = (h: Harness, taskId: string) => h.settle(() => h.sup.getTask(taskId)?.deliveries?.every((d) => d.status !== 'pending') && h.sup.getTask(taskId)?.deliveries, `deliveries of ${taskId}`);

describe('deliveries', () => {
  it('writes the approved content as Markdown with front-matter, by default', async () => {
    const folder = await tempDir();
    const h = await start({ config: { deliveries: { sinks: { files: { type: 'file', folder } } } } });

    const task = await h.sup.createTask({ workflow: 'content', input: { goal: 'Get sign-ups', channel: 'blog' } });
    const done = await h.final(task.id);

    expect(done.deliveries).toMatchObject([{ sink: 'files', type: 'file', status: 'delivered', attempts: 1, target: join(folder, 'blog', '2026-03-02-lens-v2.md') }]);
    const text = await readFile(join(folder, 'blog', '2026-03-02-lens-v2.md'), 'utf8');
    expect(text).toBe(
      [
        '---',
        `task: "${task.id}"`,
        'workflow: "content"',
        'action: "publish"',
        'channel: "blog"',
        'approver: "auto"',
        'approved: "2026-03-02T09:00:00.000Z"',
        `idempotencyKey: "${done.deliveries?.[0]?.key ?? ''}"`,
        '---',
        '',
        '# Lens v2: see every campaign in one place',
        '',
        'Lens v2 shows your teams every campaign in one place. Join the early-access list today.',
        '',
        '**Call to action:** Join the early-access list',
        '',
        '**Meta description:** Lens v2 early access',
        '',
      ].join('\n'),
    );
    expect(h.eventTypes(task.id)).toEqual(expect.arrayContaining(['delivery.started', 'delivery.succeeded', 'action.executed', 'task.completed']));
    expect(h.sup.status().deliveries).toEqual({ deliveredToday: 1, failedToday: 0, pending: 0, failed: [] });
  });

  it("never overwrites another task's file: the next free name is taken", async () => {
    const folder = await tempDir();
    const h = await start({ config: { deliveries: { sinks: { files: { type: 'file', folder } } } } });

    const first = await h.sup.createTask({ workflow: 'content', input: BRIEF });
    await h.final(first.id);
    const second = await h.sup.createTask({ workflow: 'content', input: BRIEF });
    await h.final(second.id);

    expect((await readdir(join(folder, 'blog'))).sort()).toEqual(['2026-03-02-lens-v2-2.md', '2026-03-02-lens-v2.md']);
    expect(await readFile(join(folder, 'blog', '2026-03-02-lens-v2.md'), 'utf8')).toContain(`task: "${first.id}"`);
    expect(await readFile(join(folder, 'blog', '2026-03-02-lens-v2-2.md'), 'utf8')).toContain(`task: "${second.id}"`);
  });

  it('delivers a person-approved piece with who approved it and their note', async () => {
    const folder = await tempDir();
    const h = await start({ config: { mode: 'manual', deliveries: { sinks: { files: { type: 'file', folder, path: '{workflow}/{slug}.md' } } } } });

    const task = await h.sup.createTask({ workflow: 'content', input: BRIEF });
    const approval = await h.pendingApproval(task.id);
    await h.sup.approve(approval.id, { note: 'ship it' });
    await h.final(task.id);

    const text = await readFile(join(folder, 'content', 'lens-v2.md'), 'utf8');
    expect(text).toContain('approver: "person"\nnote: "ship it"\n');
  });

  it('posts a signed webhook with an idempotency key, Slack-formatted when asked', async () => {
    const r = await receiver();
    const h = await start({
      config: { deliveries: { sinks: { hook: { type: 'webhook', url: r.url, secretEnv: 'TEST_DELIVERY_SECRET' }, slack: { type: 'webhook', url: r.url, format: 'slack' } }, routes: [{ sinks: ['hook', 'slack'] }] } },
      env: { TEST_DELIVERY_SECRET: 's3cret' },
    });

    const task = await h.sup.createTask({ workflow: 'content', input: BRIEF });
    const views = await deliveredTo(h, task.id);

    expect(views.map((v) => [v.sink, v.status])).toEqual([
      ['hook', 'delivered'],
      ['slack', 'delivered'],
    ]);
    const json = r.received.find((q) => q.body['idempotencyKey'] !== undefined);
    const slack = r.received.find((q) => q.body['blocks'] !== undefined);
    expect(json && r.signedWith(json, 's3cret')).toBe(true);
    expect(json?.headers['idempotency-key']).toBe(views[0]?.key);
    expect(json?.body).toMatchObject({ idempotencyKey: views[0]?.key, taskId: task.id, title: 'Lens v2: see every campaign in one place', approver: 'auto' });
    expect(slack?.headers['x-agentry-signature']).toBeUndefined();
    expect(slack?.body['text']).toContain('Lens v2: see every campaign in one place');
    expect(views[0]?.key).not.toBe(views[1]?.key);
  });

  it('retries a 5xx after a backoff on the clock, and fails a 4xx at once; a retry keeps the key', async () => {
    const r = await receiver();
    const h = await start({ config: { deliveries: { sinks: { hook: { type: 'webhook', url: r.url, backoffMs: 60_000, attempts: 3 } }, routes: [{ sinks: ['hook'] }] } } });
    r.answerWith((_req, n) => (n === 0 ? 503 : n === 1 ? 200 : 400));

    const task = await h.sup.createTask({ workflow: 'content', input: BRIEF });
    await h.settle(() => r.received.length === 1 && h.clock.armedAt(h.clock.now() + 60_000), 'the backoff after the first attempt');
    expect(r.received).toHaveLength(1);
    await h.advance(60_000);
    const [delivered] = await deliveredTo(h, task.id);
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 2 });

    const other = await h.sup.createTask({ workflow: 'content', input: BRIEF });
    const [failed] = await deliveredTo(h, other.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, error: 'HTTP 400: status 400 (a 400 is not retried)' });
    expect((await h.final(other.id)).status).toBe('completed');
    expect(h.sup.status().deliveries?.failed).toMatchObject([{ taskId: other.id, sink: 'hook' }]);

    r.answerWith(() => 200);
    const retried = await h.sup.retryDeliveries(other.id);
    expect(retried).toMatchObject([{ status: 'delivered', attempts: 2, key: failed?.key }]);
    expect(r.received.at(-1)?.headers['idempotency-key']).toBe(failed?.key);
    await expect(h.sup.retryDeliveries(other.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(h.sup.getTask(other.id)?.deliveries?.[0]?.status).toBe('delivered');
  });

  it('runs a command with the content on stdin, and records its failure', async () => {
    const folder = await tempDir();
    const copy = `require('fs').writeFileSync(require('path').join(${JSON.stringify(folder)}, process.env.AGENTRY_TASK_ID + '.md'), require('fs').readFileSync(0))`;
    const h = await start({
      config: {
        deliveries: {
          sinks: { copy: { type: 'command', argv: [process.execPath, '-e', copy] }, broken: { type: 'command', argv: [process.execPath, '-e', "console.error('no calendar'); process.exit(3)"] } },
          routes: [{ sinks: ['copy', 'broken'] }],
        },
      },
    });

    const task = await h.sup.createTask({ workflow: 'content', input: BRIEF });
    const views = await deliveredTo(h, task.id);

    expect(views).toMatchObject([
      { sink: 'copy', status: 'delivered', target: process.execPath },
      { sink: 'broken', status: 'failed', error: 'exit 3: no calendar' },
    ]);
    expect(await readFile(join(folder, `${task.id}.md`), 'utf8')).toContain('# Lens v2: see every campaign in one place');
  });

  it('refuses a route naming an unknown sink when the config loads', async () => {
    await expect(start({ config: { deliveries: { routes: [{ action: 'publish', sinks: ['slak'] }] } } })).rejects.toThrow(/deliveries\.routes\[0\]\.sinks\[0\]: expected one of files/);
  });

  it('delivers the draft a revision produced, not the first one', async () => {
    const folder = await tempDir();
    const h = await start({ config: { deliveries: { sinks: { files: { type: 'file', folder } } } } });
    let drafts = 0;
    h.responders.marketing = () => draft(drafts++ === 0 ? {} : { title: 'Lens v2, second take', channelFields: { slug: 'lens-v2-take-2' } });
    let reviews = 0;
    h.responders.reviewer = () => ({ json: { verdict: reviews++ < 2 ? 'revise' : 'approve', score: 6, issues: [{ severity: 'high', quote: 'every campaign', fix: 'most campaigns' }], confidence: 0.9, rationale: 'r' } });

    const task = await h.sup.createTask({ workflow: 'content', input: BRIEF });
    await h.final(task.id);

    expect(await readdir(join(folder, 'blog'))).toEqual(['2026-03-02-lens-v2-take-2.md']);
  });
});
