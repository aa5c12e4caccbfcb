// Routed events on the cluster (issue 14): two `agentry start` processes on one real Postgres,
// the offline model, event rules in the config. An event id is routed once for the whole cluster
// (sent to both supervisors, even at once); under its threshold it is recorded and ignored; a
// reserved type or a missing template field is refused and records nothing; P3 events that
// arrive at either supervisor in one batch window start together when it ends; an event routed to
// a flow runs the flow and its children; a GitHub delivery
// redelivered to the other supervisor is a duplicate there.
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmitEventRequest, EmitEventResult, TaskView } from '../../server/contract.js';
import { assertBuilt, startDaemon } from '../support/daemon.js';
import type { Daemon } from '../support/daemon.js';
import { startPostgres } from '../support/postgres.js';
import type { TestPostgres } from '../support/postgres.js';
import { until } from '../support/until.js';
import { raw } from '../server/harness.js';
import { cli, eventually } from './processes.js';

const WINDOW_SECONDS = 4;
const WINDOW_MS = WINDOW_SECONDS * 1000;
const SECRET = 'cluster-webhook-secret-0123456789';
const brief = (goal: string) => ({ goal, channel: 'blog', contentType: 'rank-response' });
const EVENTS = {
  batchWindowSeconds: WINDOW_SECONDS,
  rules: [
    { event: 'competitor.rank_drop', field: 'magnitude', threshold: 50, workflow: 'content', priority: 'P1', input: brief('Win back the rank for {{data.keyword}}') },
    { event: 'keyword.spike', field: 'magnitude', threshold: 50, workflow: 'content', priority: 'P3', input: brief('Ride the spike for {{data.keyword}}') },
    { event: 'github.push', workflow: 'content', priority: 'P1', input: brief('Announce what was pushed to {{data.repository}}') },
    { event: 'product.launched', workflow: 'campaign', priority: 'P1', input: { goal: 'Launch {{data.product}}' } },
    { event: 'product.teased', workflow: 'campaign', priority: 'P3', input: { goal: 'Tease {{data.product}}' } },
  ],
};

let server: TestPostgres;
let db: pg.Pool;
let a: Daemon;
let b: Daemon;
const dirs: string[] = [];

beforeAll(async () => {
  assertBuilt();
  server = await startPostgres();
  const url = await server.createDatabase('cluster_events');
  const projects = ['a', 'b'].map((who) => {
    const dir = mkdtempSync(join(tmpdir(), `agentry-events-${who}-`));
    dirs.push(dir);
    const config = {
      version: 1,
      mode: 'full',
      store: { kind: 'postgres', url, executorId: `events-${who}`, heartbeatMs: 100, peerTimeoutMs: 1500, pollMs: 20 },
      learning: { enabled: false },
      logging: { level: 'warn' },
      events: EVENTS,
    };
    writeFileSync(join(dir, 'agentry.config.json'), `${JSON.stringify(config, null, 2)}\n`);
    return dir;
  });
  const init = await cli(projects[0] as string, ['db', 'init', '--json']);
  if (init.code !== 0) throw new Error(`agentry db init failed:\n${init.stdout}${init.stderr}`);
  db = new pg.Pool({ connectionString: url, max: 2 });
  // Started together: their DBOS launches take turns.
  [a, b] = await Promise.all([start(projects[0] as string), start(projects[1] as string)]);
}, 240_000);

afterAll(async () => {
  await Promise.all([a, b].map((d) => d?.stop()));
  await db?.end();
  await server?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const start = (dir: string): Promise<Daemon> => startDaemon({ projectDir: dir, args: ['--offline'], env: { AGENTRY_GITHUB_SECRET: SECRET }, readyTimeoutMs: 60_000 });
const emit = (d: Daemon, req: EmitEventRequest): Promise<EmitEventResult> => d.client.post<EmitEventResult>('/v1/events', req);

/** The events of one outside event id, by type, oldest first. */
async function eventsOf(eventId: string): Promise<{ type: string; at: number; event: Record<string, unknown> }[]> {
  const r = await db.query<{ type: string; at: string; event: Record<string, unknown> }>("SELECT type, at, event FROM agentry_events WHERE event->>'eventId' = $1 ORDER BY seq", [eventId]);
  return r.rows.map((row) => ({ type: row.type, at: Number(row.at), event: row.event }));
}

/** Tasks made from events carrying `keyword` (their input's eventData), with their creation time. */
async function tasksFor(field: string, value: string): Promise<{ id: string; status: string; createdAt: number }[]> {
  const r = await db.query<{ id: string; status: string; created_at: string }>("SELECT id, status, created_at FROM agentry_tasks WHERE view->'input'->'eventData'->>$1 = $2 ORDER BY id", [field, value]);
  return r.rows.map((row) => ({ id: row.id, status: row.status, createdAt: Number(row.created_at) }));
}

async function eventWorkflows(eventId: string): Promise<string[]> {
  const r = await db.query<{ id: string }>("SELECT workflow_uuid AS id FROM dbos.workflow_status WHERE workflow_uuid LIKE $1 ORDER BY 1", [`event:${eventId}%`]);
  return r.rows.map((row) => row.id);
}

const completed = (field: string, value: string, n: number) =>
  eventually(async () => {
    const tasks = await tasksFor(field, value);
    return tasks.length === n && tasks.every((t) => t.status === 'completed') ? tasks : undefined;
  }, `${n} completed task(s) for ${field} ${value}`);

describe('routed events on two supervisors', () => {
  it('starts a P1 task once through one supervisor; the same id through the other is a duplicate', async () => {
    const once = await emit(a, { id: 'rank-1', type: 'competitor.rank_drop', data: { magnitude: 80, keyword: 'dashboards' } });

    expect(once).toMatchObject({ eventId: 'rank-1', duplicate: false, outcome: 'started' });
    expect(once.taskIds).toHaveLength(1);
    // Acknowledged once recorded: the other supervisor shows the task already.
    expect(await b.client.get<TaskView>(`/v1/tasks/${once.taskIds[0] ?? ''}`)).toMatchObject({ id: once.taskIds[0], priority: 'P1', contentType: 'rank-response' });

    const again = await emit(b, { id: 'rank-1', type: 'competitor.rank_drop', data: { magnitude: 80, keyword: 'dashboards' } });

    expect(again).toEqual({ eventId: 'rank-1', duplicate: true, outcome: 'recorded', taskIds: [] });
    const tasks = await completed('keyword', 'dashboards', 1);
    expect(tasks.map((t) => t.id)).toEqual(once.taskIds);
    expect((await eventsOf('rank-1')).map((e) => e.type)).toEqual(['event.received']);
    const created = await db.query("SELECT 1 FROM agentry_events WHERE type = 'task.created' AND event->>'taskId' = $1", [once.taskIds[0]]);
    expect(created.rowCount).toBe(1);
    expect(await eventWorkflows('rank-1')).toEqual(['event:rank-1']);
  }, 240_000);

  it('routes an id sent to both supervisors at once exactly once', async () => {
    const req: EmitEventRequest = { id: 'rank-race', type: 'competitor.rank_drop', data: { magnitude: 90, keyword: 'racing' } };

    const answers = await Promise.all([emit(a, req), emit(b, req)]);

    expect(answers.filter((r) => r.duplicate)).toHaveLength(1);
    const first = answers.find((r) => !r.duplicate);
    const tasks = await completed('keyword', 'racing', 1);
    expect(tasks.map((t) => t.id)).toEqual(first?.taskIds);
    expect((await eventsOf('rank-race')).map((e) => e.type)).toEqual(['event.received']);
  }, 240_000);

  it('records an event under its threshold and ignores it, saying why', async () => {
    const result = await emit(b, { id: 'rank-low', type: 'competitor.rank_drop', data: { magnitude: 10, keyword: 'quiet' } });

    expect(result).toEqual({ eventId: 'rank-low', duplicate: false, outcome: 'ignored', taskIds: [] });
    expect(await eventsOf('rank-low')).toMatchObject([
      { type: 'event.received', event: { event: 'competitor.rank_drop', data: { magnitude: 10, keyword: 'quiet' } } },
      { type: 'event.ignored', event: { reason: 'magnitude 10 is under the threshold 50' } },
    ]);
    expect(await tasksFor('keyword', 'quiet')).toEqual([]);
  });

  it('refuses a reserved type and a missing template field, naming them, and records nothing', async () => {
    await expect(emit(a, { id: 'reserved-1', type: 'task.created', data: {} })).rejects.toMatchObject({ status: 400, code: 'INVALID_INPUT', message: expect.stringContaining('type: "task.created" is reserved') });
    await expect(emit(a, { id: 'rank-holes', type: 'competitor.rank_drop', data: { magnitude: 80 } })).rejects.toMatchObject({
      status: 400,
      code: 'INVALID_INPUT',
      message: expect.stringContaining('data.keyword: expected a string or number'),
    });

    for (const id of ['reserved-1', 'rank-holes']) {
      expect(await eventsOf(id)).toEqual([]);
      expect(await eventWorkflows(id)).toEqual([]);
    }
    // Nothing was accepted, so the id is not taken: the event with its field routes.
    const fixed = await emit(b, { id: 'rank-holes', type: 'competitor.rank_drop', data: { magnitude: 80, keyword: 'holes' } });
    expect(fixed).toMatchObject({ duplicate: false, outcome: 'started' });
    await completed('keyword', 'holes', 1);
  }, 240_000);

  it('starts the P3 tasks of one window together when it ends, whichever supervisor took each event', async () => {
    // Early in a window, so both events fall in it however slowly the two answers come.
    await until(() => Date.now() % WINDOW_MS < WINDOW_MS / 4, 'the start of a batch window', 2 * WINDOW_MS);

    const first = await emit(a, { id: 'spike-1', type: 'keyword.spike', data: { magnitude: 90, keyword: 'lens' } });
    const second = await emit(b, { id: 'spike-2', type: 'keyword.spike', data: { magnitude: 70, keyword: 'tripod' } });

    expect([first, second]).toEqual([
      { eventId: 'spike-1', duplicate: false, outcome: 'batched', taskIds: [] },
      { eventId: 'spike-2', duplicate: false, outcome: 'batched', taskIds: [] },
    ]);
    const [lens, tripod] = [await completed('keyword', 'lens', 1), await completed('keyword', 'tripod', 1)];
    const received = [...(await eventsOf('spike-1')), ...(await eventsOf('spike-2'))];
    expect(received.map((e) => e.type)).toEqual(['event.received', 'event.received']);
    const windowEnd = (Math.floor((received[0]?.at ?? 0) / WINDOW_MS) + 1) * WINDOW_MS;
    expect(Math.floor((received[1]?.at ?? 0) / WINDOW_MS)).toBe(Math.floor((received[0]?.at ?? 0) / WINDOW_MS));
    // Neither was made before the window ended, and both were made as it ended, not a window later.
    for (const t of [...lens, ...tripod]) {
      expect(t.createdAt).toBeGreaterThanOrEqual(windowEnd);
      expect(t.createdAt).toBeLessThan(windowEnd + WINDOW_MS);
    }
    expect(await eventWorkflows('spike-1')).toEqual(['event:spike-1', 'event:spike-1:batch']);
  }, 240_000);

  it('routes an event to a flow of tasks: the flow and its children run, at once (P1) or when the window ends (P3)', async () => {
    await until(() => Date.now() % WINDOW_MS < WINDOW_MS / 4, 'the start of a batch window', 2 * WINDOW_MS);

    const launched = await emit(a, { id: 'launch-1', type: 'product.launched', data: { product: 'Atlas' } });
    const teased = await emit(b, { id: 'launch-2', type: 'product.teased', data: { product: 'Borealis' } });

    expect(launched).toMatchObject({ eventId: 'launch-1', duplicate: false, outcome: 'started', taskIds: [expect.any(String)] });
    expect(teased).toEqual({ eventId: 'launch-2', duplicate: false, outcome: 'batched', taskIds: [] });
    // Acknowledged with the flow shown on the other supervisor, its children named.
    const flow = await b.client.get<TaskView>(`/v1/tasks/${launched.taskIds[0] ?? ''}`);
    expect(flow).toMatchObject({ workflow: 'campaign', children: [expect.any(String), expect.any(String), expect.any(String)] });
    // The flow and its three children each carry the event's data, and each completes once.
    const atlas = await completed('product', 'Atlas', 4);
    expect(atlas.map((t) => t.id).sort()).toEqual([flow.id, ...(flow.children ?? [])].sort());
    const borealis = await completed('product', 'Borealis', 4);
    const windowEnd = (Math.floor(((await eventsOf('launch-2'))[0]?.at ?? 0) / WINDOW_MS) + 1) * WINDOW_MS;
    for (const t of borealis) expect(t.createdAt).toBeGreaterThanOrEqual(windowEnd);
    const once = await db.query("SELECT event->>'taskId' AS task FROM agentry_events WHERE type = 'task.completed' AND event->>'taskId' = ANY($1) GROUP BY 1 HAVING count(*) = 1", [[...atlas, ...borealis].map((t) => t.id)]);
    expect(once.rowCount).toBe(8);
  }, 240_000);

  it('takes a GitHub delivery on one supervisor and answers its redelivery to the other as a duplicate', async () => {
    const body = JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'acme/site' }, pusher: { name: 'dana' }, commits: [{ id: 'c1' }] });
    const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const deliver = (d: Daemon) =>
      raw({ socketPath: d.client.where, method: 'POST', path: '/v1/webhooks/github', headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'gh-7', 'x-hub-signature-256': signature }, body });

    const taken = await deliver(a);
    const redelivered = await deliver(b);

    expect(taken.status).toBe(202);
    expect(taken.json()).toMatchObject({ eventId: 'github:gh-7', duplicate: false, outcome: 'started' });
    expect(redelivered.status).toBe(200);
    expect(redelivered.json()).toEqual({ duplicate: true, delivery: 'gh-7' });
    const tasks = await completed('repository', 'acme/site', 1);
    expect(tasks.map((t) => t.id)).toEqual((taken.json() as EmitEventResult).taskIds);
    expect((await eventsOf('github:gh-7')).map((e) => e.type)).toEqual(['event.received']);
  }, 240_000);

  // Last: it kills a.
  it("starts the batch of a supervisor killed (-9) inside the window on its peer, when the window ends", async () => {
    await until(() => Date.now() % WINDOW_MS < WINDOW_MS / 4, 'the start of a batch window', 2 * WINDOW_MS);
    const batched = await emit(a, { id: 'spike-orphan', type: 'keyword.spike', data: { magnitude: 99, keyword: 'orphan' } });
    expect(batched.outcome).toBe('batched');

    await a.kill9();

    const [task] = await completed('keyword', 'orphan', 1);
    const [received] = await eventsOf('spike-orphan');
    const windowEnd = (Math.floor((received?.at ?? 0) / WINDOW_MS) + 1) * WINDOW_MS;
    expect(task?.createdAt).toBeGreaterThanOrEqual(windowEnd);
    // Adopted onto the timers' queue (it waits; it holds no task's place) and run by b.
    const wf = await db.query<{ queue: string | null; by: string }>("SELECT queue_name AS queue, executor_id AS by FROM dbos.workflow_status WHERE workflow_uuid = 'event:spike-orphan:batch'");
    expect(wf.rows).toEqual([{ queue: 'agentry_timers', by: 'events-b' }]);
  }, 240_000);
});
