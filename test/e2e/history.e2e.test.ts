// Work that lasts (issue 11 parts 1-3), end to end with real processes: the supervisor as a
// child process talking to the fake Messages API through the real SDK, the CLI as child
// processes. Tasks complete; one approval is granted with a note, one rejected, one times out
// into its coordinator fallback (the restart re-arms it under a 0-minute timeout: no sleeping);
// a flow runs; after stop and start, `task show` of each finished task shows the output, the
// reviews and the decision, and the lists find them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_KINDS } from '../../agents/client/types.js';
import type { AgentKind } from '../../agents/client/types.js';
import { RESPONDERS } from '../../agents/offline/responders.js';
import type { ApprovalView, Page, TaskView } from '../../server/contract.js';
import { BIN, type Daemon, assertBuilt, startDaemon } from '../support/daemon.js';
import { createFakeAnthropic } from '../support/fake-anthropic.js';
import type { FakeReply, FakeRequest, FakeServer } from '../support/fake-anthropic.js';
import { runChild, waitFor } from './hooks-harness.js';

const MODEL = 'history-fake-1';
const USAGE = { input_tokens: 300, output_tokens: 90, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

/** Every agent answers with the offline responders' schema-valid output; reviews and the coordinator approve. */
function answer(req: FakeRequest): FakeReply {
  const system = JSON.stringify(req.body['system'] ?? '');
  const agent = AGENT_KINDS.find((k) => system.includes(`JSON Schema (${k}.output)`)) as AgentKind;
  const first = (req.body['messages'] as readonly { content: unknown }[])[0]?.content;
  const input = JSON.parse(/<input>\n([\s\S]*)\n<\/input>/.exec(typeof first === 'string' ? first : '')?.[1] ?? '{}') as unknown;
  if (agent === 'coordinator') return { json: { decision: 'approve', reasons: ['on brief and on brand'], followUps: ['none'], confidence: 0.9, rationale: 'The reviews found nothing to change.' }, usage: USAGE };
  const output = (RESPONDERS[agent] as (input: unknown, confidence: number) => object)(input, 0.9);
  if (agent === 'reviewer') return { json: { ...output, verdict: 'approve', score: 8, issues: [{ severity: 'low', quote: 'plainly', fix: 'Say it in fewer words.' }] }, usage: USAGE };
  return { json: output, usage: USAGE };
}

function config(timeoutMinutes: number): Record<string, unknown> {
  return {
    version: 1,
    mode: 'manual',
    models: { default: MODEL, tiers: [MODEL], maxRetries: 0, repairAttempts: 0 },
    prices: { [MODEL]: { input: 1, output: 5, cacheWrite: 1, cacheRead: 1 } },
    approvals: { timeoutMinutes, fallback: 'coordinator' },
    reviews: { defaultTier: 2 },
    learning: { enabled: false },
    logging: { level: 'warn' },
  };
}

let dir = '';
let server: FakeServer;
let daemon: Daemon | undefined;
const fake = createFakeAnthropic();
fake.script(...Array.from({ length: 400 }, () => ({ respond: answer })));

const writeConfig = (timeoutMinutes: number): void => writeFileSync(join(dir, 'agentry.config.json'), `${JSON.stringify(config(timeoutMinutes), null, 2)}\n`);

async function start(): Promise<Daemon> {
  daemon = await startDaemon({ projectDir: dir, env: { ANTHROPIC_API_KEY: 'sk-history-dummy', ANTHROPIC_BASE_URL: server.url } });
  return daemon;
}

async function stop(): Promise<void> {
  const r = await agentry('stop');
  expect(r.code).toBe(0);
  await daemon?.stop();
  daemon = undefined;
}

function agentry(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runChild(process.execPath, [BIN, ...args], { cwd: dir });
}

async function json<T>(...args: string[]): Promise<T> {
  const r = await agentry(...args, '--json');
  if (r.code !== 0) throw new Error(`agentry ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Polls an async condition (the CLI is a child process) until it holds. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  await waitFor(what, async () => ((await check()) ? true : undefined), timeoutMs);
}

async function pendingFor(taskIds: readonly string[]): Promise<ApprovalView[]> {
  const page = await json<Page<ApprovalView>>('approvals', '--status', 'pending');
  return page.items.filter((a) => taskIds.includes(a.taskId));
}

beforeAll(async () => {
  assertBuilt();
  server = await fake.start();
  dir = mkdtempSync(join(tmpdir(), 'agentry-e2e-history-'));
});

afterAll(async () => {
  await daemon?.stop();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('history, the work in view and steering, with real processes', () => {
  const ids: Record<string, string> = {};

  it('runs tasks and a flow; a person grants one with a note and rejects one', async () => {
    writeConfig(600);
    await start();
    for (const name of ['granted', 'rejected', 'timedOut']) {
      const created = await json<TaskView>('task', 'create', '--workflow', 'content', '--input', JSON.stringify({ goal: `Announce the ${name} launch`, channel: 'blog' }));
      ids[name] = created.id;
    }
    const flow = await json<TaskView>('task', 'create', '--workflow', 'campaign', '--input', JSON.stringify({ goal: 'Launch the history view' }));
    ids['flow'] = flow.id;
    expect(flow.children).toHaveLength(3);

    await until(async () => (await pendingFor([ids['granted'] ?? '', ids['rejected'] ?? '', ids['timedOut'] ?? ''])).length === 3, 'three approvals pending', 20_000);
    const pending = await pendingFor([ids['granted'] ?? '', ids['rejected'] ?? '']);
    const of = (task: string) => pending.find((a) => a.taskId === ids[task])?.id ?? '';
    const approvals = await agentry('approvals');
    expect(approvals.stdout).toMatch(new RegExp(`${of('granted')} .*pending[^\\n]*\\n {4}title: `));
    const granted = await agentry('approve', of('granted'), '--note', 'ship it');
    expect(granted.code).toBe(0);
    expect(granted.stdout).toMatch(/^approved ap_\w+ \(publish of task t_\w+\): ship it\n\n {2}draft\n {4}title: /);
    expect((await agentry('reject', of('rejected'), '--note', 'off-message this week')).code).toBe(0);
    const twice = await agentry('approve', of('granted'));
    expect([twice.code, twice.stderr]).toEqual([1, expect.stringMatching(/^agentry: approval ap_\w+ is already granted by person at \d{4}-.*\(note: ship it\)\n$/) as unknown]);

    // The flow's children each wait for a person (manual mode): grant them as they come.
    const children = flow.children ?? [];
    await until(async () => {
      for (const a of await pendingFor(children)) await agentry('approve', a.id);
      return (await json<TaskView>('task', 'show', flow.id)).status === 'completed';
    }, 'the flow completed', 30_000);
    await until(async () => (await json<TaskView>('task', 'show', ids['rejected'] ?? '')).status === 'rejected', 'the rejection', 10_000);
    await stop();
  });

  it('after a restart under a 0-minute timeout, the waiting approval times out into the coordinator fallback', async () => {
    writeConfig(0);
    await start();
    await until(async () => (await json<TaskView>('task', 'show', ids['timedOut'] ?? '')).status === 'completed', 'the fallback decided', 20_000);
    // task create --wait follows a task to its end: a line per step, exit 0 when it completed.
    const waited = await agentry('task', 'create', '--workflow', 'content', '--input', JSON.stringify({ goal: 'Wait for me', channel: 'tweet' }), '--wait');
    expect(waited.code).toBe(0);
    expect(waited.stdout).toMatch(/draft: marketing done \(history-fake-1, \$0\.00\)/);
    expect(waited.stdout).toMatch(/the approval timed out: coordinator fallback/);
    expect(waited.stdout).toMatch(/\ntask t_\w+ completed\n$/);
    await stop();
  });

  it('after stop and start, task show, tasks and approvals read every finished task back', async () => {
    await start();
    const granted = await agentry('task', 'show', ids['granted'] ?? '');
    expect(granted.stdout).toMatch(/^ {2}status +completed$/m);
    expect(granted.stdout).toMatch(/\nOutput\n {2}draft\n {4}title: .+\n/);
    expect(granted.stdout).toMatch(/\nReviews\n {2}round 1 cultural: approve, score 8/);
    expect(granted.stdout).toMatch(/ {4}- low: "plainly"\n {6}fix: Say it in fewer words\./);
    expect(granted.stdout).toMatch(/\nGate: approval\n {2}- manual mode/);
    expect(granted.stdout).toMatch(/\nDecision\n {2}ap_\w+ publish: granted\n {4}by .*person.* at \d{4}-.*\n {4}note: ship it\n/);
    expect(granted.stdout).toMatch(/\nTimeline\n.*MODEL.*\n.*draft +marketing +history-fake-1 +300\/90/);

    const rejected = await agentry('task', 'show', ids['rejected'] ?? '');
    expect(rejected.stdout).toMatch(/ap_\w+ publish: rejected\n.*\n {4}note: off-message this week\n/);
    const timedOut = await json<TaskView>('task', 'show', ids['timedOut'] ?? '');
    expect(timedOut.approval).toMatchObject({ status: 'timed_out', fallback: 'coordinator' });
    expect(timedOut.status).toBe('completed');

    const flow = await agentry('task', 'show', ids['flow'] ?? '');
    expect(flow.stdout).toMatch(/\nChildren\n {2}├─ t_\w+ +content +completed/);

    const completed = (await json<Page<TaskView>>('tasks', '--status', 'completed', '--limit', '1000')).items.map((t) => t.id);
    for (const name of ['granted', 'timedOut', 'flow']) expect(completed).toContain(ids[name]);
    const children = (await json<Page<TaskView>>('tasks', '--parent', ids['flow'] ?? '')).items;
    expect(children.map((c) => [c.parentId, c.status])).toEqual([0, 1, 2].map(() => [ids['flow'], 'completed']));
    const grantedList = (await json<Page<ApprovalView>>('approvals', '--status', 'granted')).items.map((a) => a.taskId);
    expect(grantedList).toContain(ids['granted']);
    for (const c of children) expect(grantedList).toContain(c.id);
    expect((await json<Page<ApprovalView>>('approvals', '--status', 'rejected')).items.map((a) => [a.taskId, a.note])).toEqual([[ids['rejected'], 'off-message this week']]);
    const table = await agentry('tasks');
    expect(table.stdout.split('\n')[0]).toMatch(/PARENT/);
    const exported = (await agentry('export', '--since', '2000-01-01')).stdout.trim().split('\n');
    expect(exported.length).toBeGreaterThanOrEqual(8);
  });
});
