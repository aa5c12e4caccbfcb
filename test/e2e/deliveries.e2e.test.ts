// Deliveries end to end (issue 11 part 4), with real processes: the supervisor (`agentry start`)
// talks to the fake Messages API through the real SDK, the CLI creates tasks with the minimal
// brief, and a webhook receiver on loopback checks every delivery's signature and key. The crash
// point is injected, not timed: the receiver holds its answer to a delivery — whose durable intent
// is then on disk and whose result is not — until the test has killed the supervisor with
// SIGKILL; after the restart the same delivery arrives again with the same idempotency key.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_KINDS } from '../../agents/client/types.js';
import type { AgentKind } from '../../agents/client/types.js';
import { RESPONDERS } from '../../agents/offline/responders.js';
import type { DeliveryView, StatusView, TaskView } from '../../server/contract.js';
import type { MarketingOutput } from '../../schemas/generated/types.js';
import { BIN, startDaemon } from '../support/daemon.js';
import type { Daemon } from '../support/daemon.js';
import { createFakeAnthropic } from '../support/fake-anthropic.js';
import type { FakeReply, FakeRequest, FakeServer } from '../support/fake-anthropic.js';
import { until } from '../support/until.js';
import { startReceiver } from '../support/webhook-receiver.js';
import type { Receiver, Received } from '../support/webhook-receiver.js';

const SECRET = 'e2e-delivery-secret';
const MODEL = 'fake-e2e-1';

/** Every agent answers as the offline model would, from the request's <input>. */
function answer(req: FakeRequest): FakeReply {
  const system = JSON.stringify(req.body['system'] ?? '');
  const agent = AGENT_KINDS.find((k) => system.includes(`JSON Schema (${k}.output)`)) as AgentKind;
  const first = (req.body['messages'] as { content: unknown }[])[0]?.content;
  const input = JSON.parse(/<input>\n([\s\S]*)\n<\/input>/.exec(String(first))?.[1] ?? '{}') as unknown;
  return { json: (RESPONDERS[agent] as (i: unknown, c: number) => object)(input, 0.95) };
}

function config(hookUrl: string): Record<string, unknown> {
  return {
    version: 1,
    mode: 'full',
    models: { default: MODEL, tiers: [MODEL], maxRetries: 0, repairAttempts: 0 },
    prices: { [MODEL]: { input: 1, output: 5 } },
    risk: { randomReviewPercent: 0 },
    reviews: { defaultTier: 3 },
    learning: { enabled: false },
    deliveries: { sinks: { hook: { type: 'webhook', url: hookUrl, secretEnv: 'E2E_DELIVERY_SECRET', attempts: 1 } }, routes: [{ action: 'publish', sinks: ['files', 'hook'] }] },
    logging: { level: 'warn' },
  };
}

let dir: string;
let fake: FakeServer;
let receiver: Receiver;
let daemon: Daemon | undefined;
const env = (url: string) => ({ ANTHROPIC_API_KEY: 'sk-e2e', ANTHROPIC_BASE_URL: url, E2E_DELIVERY_SECRET: SECRET });

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, AGENTRY_HOME: join(dir, '.agentry'), CLAUDE_PROJECT_DIR: dir } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

async function create(goal: string): Promise<string> {
  const run = await cli(['task', 'create', '--workflow', 'content', '--input', JSON.stringify({ goal, channel: 'tweet' }), '--json']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as TaskView).id;
}

async function settled(id: string): Promise<TaskView> {
  let view: TaskView | undefined;
  let asking = false;
  await until(
    () => {
      if (!asking) {
        asking = true;
        void daemon?.client
          .get<TaskView>(`/v1/tasks/${id}`)
          .then((v) => (view = v), () => undefined)
          .finally(() => (asking = false));
      }
      return view !== undefined && view.status === 'completed' && (view.deliveries ?? []).length === 2 && (view.deliveries ?? []).every((d) => d.status !== 'pending');
    },
    `task ${id} completed with its deliveries`,
    20_000,
  );
  return view as TaskView;
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const forTask = (id: string): Received[] => receiver.received.filter((r) => r.body['taskId'] === id);
const hookOf = (v: TaskView): DeliveryView | undefined => v.deliveries?.find((d) => d.sink === 'hook');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'agentry-deliveries-e2e-'));
  const model = createFakeAnthropic();
  model.script(...Array.from({ length: 200 }, () => ({ respond: answer })));
  fake = await model.start();
  receiver = await startReceiver();
  writeFileSync(join(dir, 'agentry.config.json'), JSON.stringify(config(receiver.url), null, 2));
  daemon = await startDaemon({ projectDir: dir, env: env(fake.url), readyTimeoutMs: 30_000 });
});

afterAll(async () => {
  await daemon?.stop();
  await receiver.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deliveries end to end', () => {
  let first: TaskView;

  it('accepts the minimal brief and delivers the approved content to a file and a signed webhook, once', async () => {
    const id = await create('Get early-access sign-ups for the v2 dashboard');
    first = await settled(id);

    const draft = first.outputs['draft'] as MarketingOutput;
    const file = first.deliveries?.find((d) => d.sink === 'files')?.target ?? '';
    expect(file.startsWith(join(dir, 'outputs', 'tweet'))).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(`task: "${id}"`);
    expect(text).toContain(`# ${draft.title}`);
    expect(text).toContain(draft.content.trim());
    const [got] = forTask(id);
    expect(forTask(id)).toHaveLength(1);
    expect(got && receiver.signedWith(got, SECRET)).toBe(true);
    expect(got?.headers['idempotency-key']).toBe(hookOf(first)?.key);
    // The same document, each sink with its own key.
    const fileKey = first.deliveries?.find((d) => d.sink === 'files')?.key ?? '';
    expect(got?.body['markdown']).toBe(text.replace(fileKey, hookOf(first)?.key ?? ''));
  });

  it('after a kill -9 between a delivery intent and its result, sends it again with the same key', async () => {
    const release: { fire?: () => void } = {};
    receiver.answerWith((req) => (req.body['taskId'] === first.id ? 200 : new Promise<number>((resolve) => (release.fire = () => resolve(200)))));
    const id = await create('Win back readers who left after the pricing change');
    await until(() => forTask(id).length === 1, 'the held delivery', 20_000);

    await daemon?.kill9();
    release.fire?.();
    receiver.answerWith(() => 200);
    daemon = await startDaemon({ projectDir: dir, env: env(fake.url), readyTimeoutMs: 30_000 });
    const view = await settled(id);

    const [before, after] = forTask(id);
    expect(forTask(id)).toHaveLength(2);
    expect(after?.headers['idempotency-key']).toBe(before?.headers['idempotency-key']);
    expect(after?.raw).toBe(before?.raw);
    expect(after && receiver.signedWith(after, SECRET)).toBe(true);
    expect(hookOf(view)).toMatchObject({ status: 'delivered', key: before?.headers['idempotency-key'] });
    expect(forTask(first.id)).toHaveLength(1);
    // One file per task, and no temp left by the killed writer.
    const files = [first, view].map((v) => basename(v.deliveries?.find((d) => d.sink === 'files')?.target ?? ''));
    expect(readdirSync(join(dir, 'outputs', 'tweet')).sort(byName)).toEqual(files.sort(byName));
  });

  it('shows a failed delivery in task show and status, and retries it with task retry --delivery', async () => {
    receiver.answerWith(() => 422);
    const id = await create('Invite teams to the live product tour');
    const failed = await settled(id);
    expect(hookOf(failed)).toMatchObject({ status: 'failed', error: expect.stringContaining('HTTP 422') });

    const show = await cli(['task', 'show', id]);
    expect(show.stdout).toMatch(/hook \(webhook\)\s+failed/);
    const status = JSON.parse((await cli(['status', '--json'])).stdout) as StatusView;
    expect(status.deliveries?.failed).toMatchObject([{ taskId: id, sink: 'hook' }]);

    receiver.answerWith(() => 200);
    const retry = await cli(['task', 'retry', id, '--delivery']);
    expect(retry.code).toBe(0);
    expect(retry.stdout).toMatch(/hook \(webhook\)\s+delivered/);
    const [, again] = forTask(id);
    expect(again?.headers['idempotency-key']).toBe(hookOf(failed)?.key);
    expect(existsSync(join(dir, 'outputs', 'tweet'))).toBe(true);
  });
});
