// Past one machine, end to end (issue 14): two `agentry start` processes, each in its own project
// folder, on one real Postgres (store.kind "postgres"), the offline model, the CLI as child
// processes. Tasks created through both complete exactly once; a daily budget that binds holds
// summed over both; a kill -9 of one under load loses no accepted task and labels what it
// re-sends; an approval asked through one is decided through the other's CLI.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalView, StatusView, TaskView } from '../../server/contract.js';
import { assertBuilt, startDaemon } from '../support/daemon.js';
import type { Daemon } from '../support/daemon.js';
import { startPostgres } from '../support/postgres.js';
import type { TestPostgres } from '../support/postgres.js';
import { cli, eventually } from './processes.js';

const TERMINAL = ['completed', 'failed', 'rejected', 'cancelled'];

let server: TestPostgres;
const dirs: string[] = [];
const running: Daemon[] = [];
/** Each test's own connections, closed even when it fails so the server's stop kills none in use. */
const pools: pg.Pool[] = [];

beforeAll(async () => {
  assertBuilt();
  server = await startPostgres();
}, 180_000);

afterEach(async () => {
  await Promise.all(running.splice(0).map((d) => d.stop()));
  await Promise.all(pools.splice(0).map((p) => p.end()));
});

afterAll(async () => {
  await server?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Cluster {
  url: string;
  db: pg.Pool;
  projects: string[];
}

async function cluster(name: string, extra: Record<string, unknown> = {}): Promise<Cluster> {
  const url = await server.createDatabase(name);
  const projects = ['a', 'b'].map((who) => {
    const dir = mkdtempSync(join(tmpdir(), `agentry-${name}-${who}-`));
    dirs.push(dir);
    const config = {
      version: 1,
      mode: 'full',
      store: { kind: 'postgres', url, executorId: `${name}-${who}`, heartbeatMs: 100, peerTimeoutMs: 1500, pollMs: 20 },
      learning: { enabled: false },
      logging: { level: 'warn' },
      ...extra,
    };
    writeFileSync(join(dir, 'agentry.config.json'), `${JSON.stringify(config, null, 2)}\n`);
    return dir;
  });
  const init = await cli(projects[0] as string, ['db', 'init', '--json']);
  expect({ code: init.code, said: init.stdout + init.stderr }).toMatchObject({ code: 0 });
  const db = new pg.Pool({ connectionString: url, max: 2 });
  pools.push(db);
  return { url, db, projects };
}

async function start(project: string): Promise<Daemon> {
  const d = await startDaemon({ projectDir: project, args: ['--offline'], readyTimeoutMs: 60_000 });
  running.push(d);
  return d;
}

const status = (d: Daemon): Promise<StatusView> => d.client.get<StatusView>('/v1/status');
/** How many live peers `d` sees deciding by another config. */
const differing = async (d: Daemon): Promise<number> => ((await status(d)).config?.peersDiffer ?? []).length;
const create = (d: Daemon, i: number): Promise<TaskView> => d.client.post<TaskView>('/v1/tasks', { workflow: 'content', input: { goal: `spring range, part ${i}`, channel: 'blog' } });

async function statuses(db: pg.Pool): Promise<Map<string, string>> {
  const { rows } = await db.query<{ id: string; status: string }>('SELECT id, status FROM agentry_tasks');
  return new Map(rows.map((r) => [r.id, r.status]));
}

async function allFinished(db: pg.Pool, ids: readonly string[]): Promise<Map<string, string>> {
  return eventually(async () => {
    const s = await statuses(db);
    return ids.every((id) => TERMINAL.includes(s.get(id) ?? '')) ? s : undefined;
  }, `${ids.length} tasks finished`);
}

/** Files the default `files` sink delivered, over both project folders. */
function deliveredFiles(projects: readonly string[]): string[] {
  return projects.flatMap((p) => {
    const out = join(p, 'outputs');
    return existsSync(out) ? readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name) : [];
  });
}

describe('two supervisors on one Postgres', () => {
  it('runs 200 tasks created through both, each exactly once', async () => {
    const c = await cluster('two_sups');
    const [a, b] = [await start(c.projects[0] as string), await start(c.projects[1] as string)];
    const made = await Promise.all(Array.from({ length: 200 }, (_, i) => create(i % 2 === 0 ? a : b, i)));
    const ids = made.map((t) => t.id);
    expect(new Set(ids).size).toBe(200);
    const s = await allFinished(c.db, ids);
    expect(ids.filter((id) => s.get(id) !== 'completed')).toEqual([]);
    // Exactly once: one final event each, every model call sent once, one delivery each.
    const finals = await c.db.query<{ n: string }>("SELECT count(*) AS n FROM agentry_events WHERE type = 'task.completed'");
    expect(Number(finals.rows[0]?.n)).toBe(200);
    const resent = await c.db.query('SELECT step_key FROM agentry_model_calls WHERE sends <> 1');
    expect(resent.rows).toEqual([]);
    expect(deliveredFiles(c.projects)).toHaveLength(200);
    // Both did work: the task queue spreads it.
    const by = await c.db.query<{ executor_id: string; n: string }>("SELECT executor_id, count(*) AS n FROM dbos.workflow_status WHERE name = 'agentry.task' GROUP BY executor_id");
    expect(by.rows.map((r) => r.executor_id).sort()).toEqual(['two_sups-a', 'two_sups-b']);
    // Either supervisor shows any task.
    const shown = await b.client.get<TaskView>(`/v1/tasks/${ids[0] as string}`);
    expect(shown).toMatchObject({ id: ids[0], status: 'completed' });
    // Each dashboard counts the calls its supervisor sent: one author call a task, summed over both.
    const marketing = await Promise.all([a, b].map(async (d) => (await status(d)).agents.find((x) => x.kind === 'marketing')));
    expect(marketing.map((m) => m?.breaker)).toEqual(['closed', 'closed']);
    expect(marketing.reduce((sum, m) => sum + (m?.calls ?? 0), 0)).toBe(200);
  }, 400_000);

  it('holds a daily budget that binds, summed over both', async () => {
    // The offline model bills what the configured model would (about 2 cents a task here). The
    // spending is set up in turns so that which supervisor runs what does not depend on timing:
    // a alone spends, then b alone (it must see a's spending), then both are flooded together.
    const limitUsd = 0.4;
    const c = await cluster('two_budget', { risk: { dailySpendLimitUsd: limitUsd }, limits: { globalInFlight: 2 } });
    const spentUsd = async (): Promise<number> => Number((await c.db.query<{ spent: string | null }>('SELECT sum(spent_micros) AS spent FROM agentry_budget_days')).rows[0]?.spent ?? 0) / 1e6;
    const runAll = async (via: Daemon[], n: number, from: number): Promise<Map<string, string>> => {
      const made = await Promise.all(Array.from({ length: n }, (_, i) => create(via[i % via.length] as Daemon, from + i)));
      const s = await allFinished(c.db, made.map((t) => t.id));
      return new Map(made.map((t) => [t.id, s.get(t.id) ?? '']));
    };
    const a = await start(c.projects[0] as string);
    const first = await runAll([a], 4, 0);
    expect([...first.values()]).toEqual(['completed', 'completed', 'completed', 'completed']);
    const afterA = await spentUsd();
    expect(afterA).toBeGreaterThan(0);
    await a.stop();
    running.splice(running.indexOf(a), 1);

    const b = await start(c.projects[1] as string);
    const second = await runAll([b], 4, 4);
    expect([...second.values()]).toEqual(['completed', 'completed', 'completed', 'completed']);
    // b's spending went onto the same day's ledger as a's.
    expect(await spentUsd()).toBeGreaterThan(afterA);

    const again = await start(c.projects[0] as string);
    const third = await runAll([again, b], 40, 8);
    const spent = await spentUsd();
    expect(spent).toBeLessThanOrEqual(limitUsd);
    // It bound: some of the flood was refused for the budget (a model call refused, or the gate's
    // hard daily limit blocking it), and nothing else stopped a task.
    const refused = await c.db.query<{ id: string }>("SELECT id FROM agentry_tasks WHERE (status = 'failed' AND view->'error'->>'code' = 'BUDGET_EXCEEDED') OR (status = 'rejected' AND view->'gate'->>'decision' = 'blocked')");
    const refusedIds = new Set(refused.rows.map((r) => r.id));
    expect(refusedIds.size).toBeGreaterThan(0);
    expect([...third].filter(([id, v]) => v !== 'completed' && !refusedIds.has(id))).toEqual([]);
    // Every charge is a call's: the ledger and the calls' own costs agree, over both supervisors.
    const calls = await c.db.query<{ cost: string | null }>('SELECT sum(cost_usd) AS cost FROM agentry_model_calls');
    expect(Number(calls.rows[0]?.cost ?? 0)).toBeCloseTo(spent, 3);
    const charged = await c.db.query<{ executor_id: string }>('SELECT w.executor_id FROM agentry_model_calls m JOIN dbos.workflow_status w ON w.workflow_uuid = m.workflow_id WHERE m.cost_usd > 0 GROUP BY 1 ORDER BY 1');
    expect(charged.rows.map((r) => r.executor_id)).toEqual(['two_budget-a', 'two_budget-b']);
  }, 400_000);

  it('fires each schedule once across both: one task per schedule time, however many supervisors keep its timer', async () => {
    const schedules = [{ id: 'each-second', cron: '* * * * * *', workflow: 'content', input: { goal: 'the hourly digest', channel: 'blog' } }];
    const c = await cluster('two_sched', { schedules });
    // Started together: their launches take turns (two DBOS schema migrations at once deadlock).
    const [a] = await Promise.all([start(c.projects[0] as string), start(c.projects[1] as string)]);
    const firings = async (): Promise<{ id: string; by: string }[]> => (await c.db.query<{ id: string; by: string }>("SELECT workflow_uuid AS id, executor_id AS by FROM dbos.workflow_status WHERE name = 'agentry.scheduled' ORDER BY 1")).rows;
    await eventually(async () => ((await firings()).length >= 3 ? true : undefined), 'three firings of the schedule');
    // b keeps the schedule's timer too: with a stopped, the firings go on, and b runs them.
    await a.stop();
    running.splice(running.indexOf(a), 1);
    const before = (await firings()).length;
    await eventually(async () => ((await firings()).length >= before + 2 ? true : undefined), 'two firings after a stopped');
    // Under load the tasks lag their firings: stop once one has run, not at a moment that may precede it.
    const ran = "SELECT count(*)::int AS n FROM agentry_tasks t JOIN agentry_events e ON e.event->>'taskId' = t.id WHERE e.type = 'task.created' AND e.event->>'source' = 'schedule' AND t.status = 'completed'";
    await eventually(async () => (((await c.db.query<{ n: number }>(ran)).rows[0]?.n ?? 0) > 0 ? true : undefined), 'a scheduled task completed');
    await Promise.all(running.splice(0).map((d) => d.stop()));
    const all = await firings();
    expect(all.slice(before).map((f) => f.by)).toEqual(all.slice(before).map(() => 'two_sched-b'));
    // One firing a second, each by its time alone, whoever started it.
    const fired = all.map((f) => f.id);
    const times = fired.map((id) => /^schedule:each-second:(\d+)$/.exec(id)?.[1]);
    expect(times.every((t) => t !== undefined && Number(t) % 1000 === 0)).toBe(true);
    expect(new Set(times).size).toBe(fired.length);
    // One `schedule.fired` event and one task per firing, never one per supervisor.
    const events = await c.db.query<{ key: string }>("SELECT key FROM agentry_events WHERE type = 'schedule.fired' ORDER BY 1");
    expect(events.rows.map((r) => r.key)).toEqual(fired);
    const made = await c.db.query<{ id: string }>("SELECT event->>'taskId' AS id FROM agentry_events WHERE type = 'task.created' AND event->>'source' = 'schedule'");
    expect(made.rows).toHaveLength(fired.length);
    // Each task was made by its firing's workflow and ran (or, stopped meanwhile, waits to be resumed).
    const tasks = await c.db.query<{ id: string; status: string }>("SELECT id, status FROM agentry_tasks WHERE id = ANY($1)", [made.rows.map((r) => r.id)]);
    expect(tasks.rows).toHaveLength(fired.length);
    expect(tasks.rows.filter((t) => t.status === 'completed').length).toBeGreaterThan(0);
  }, 400_000);

  it('loses no accepted task when one is killed (-9) under load; what it re-sends is labelled', async () => {
    const c = await cluster('two_kill');
    const [a, b] = [await start(c.projects[0] as string), await start(c.projects[1] as string)];
    const made = await Promise.all(Array.from({ length: 80 }, (_, i) => create(i % 2 === 0 ? a : b, i)));
    const ids = made.map((t) => t.id);
    // Kill a while it has work in flight: at least one of its model calls sent and not answered.
    await eventually(async () => ((await c.db.query("SELECT 1 FROM agentry_model_calls WHERE sends > 0 AND result_at IS NULL AND workflow_id IN (SELECT workflow_uuid FROM dbos.workflow_status WHERE executor_id = 'two_kill-a')")).rowCount ?? 0) > 0 || undefined, 'a call in flight on a');
    await a.kill9();
    running.splice(running.indexOf(a), 1);
    const s = await allFinished(c.db, ids);
    expect(ids.filter((id) => s.get(id) !== 'completed')).toEqual([]);
    const adopted = await c.db.query<{ adopted_by: string | null }>("SELECT adopted_by FROM agentry_supervisors WHERE executor_id = 'two_kill-a'");
    expect(adopted.rows[0]?.adopted_by).toBe('two_kill-b');
    // A call sent more than once is labelled a re-run; none is charged twice without the label.
    const calls = await c.db.query<{ step_key: string; sends: number; rerun: boolean | null }>('SELECT step_key, sends, rerun FROM agentry_model_calls');
    expect(calls.rows.filter((r) => r.sends > 1 && r.rerun !== true)).toEqual([]);
    const finals = await c.db.query<{ n: string }>("SELECT count(*) AS n FROM agentry_events WHERE type = 'task.completed'");
    expect(Number(finals.rows[0]?.n)).toBe(80);
  }, 400_000);

  it('escalates a task past its SLA on the cluster: three tiers, the domain paused at every gate, resumed through the other', async () => {
    // A P2 task gets 1.8 s; the tiers are 0.6 s apart. In manual mode the task waits for a person.
    const c = await cluster('two_sla', { mode: 'manual', sla: { priorityHours: { P2: 0.0005 }, escalationMinutes: 0.01 } });
    const [a, b] = [await start(c.projects[0] as string), await start(c.projects[1] as string)];
    const late = await create(a, 1);
    // b shows what a's task set off: the breach at tier 3 and the paused domain.
    const seen = await eventually(async () => {
      const st = await status(b);
      return st.pausedDomains.includes('content') && st.slaBreaches.some((x) => x.taskId === late.id && x.tier === 3) ? st : undefined;
    }, "b's status showing the tier 3 breach and the pause");
    expect(seen.slaBreaches.filter((x) => x.taskId === late.id)).toEqual([{ taskId: late.id, scope: 'task', deadline: expect.any(String), tier: 3 }]);
    const events = await c.db.query<{ type: string; tier: number | null; to: string | null }>(
      "SELECT type, (event->>'tier')::int AS tier, event->>'to' AS to FROM agentry_events WHERE type IN ('sla.exceeded', 'escalation.raised', 'domain.paused') ORDER BY seq",
    );
    expect(events.rows.filter((r) => r.type === 'sla.exceeded').map((r) => r.tier)).toEqual([1, 2, 3]);
    expect(events.rows.filter((r) => r.type === 'escalation.raised').map((r) => r.to)).toEqual(['coordinator', 'person', 'pause_domain']);
    expect(events.rows.filter((r) => r.type === 'domain.paused')).toHaveLength(1);
    // Paused: a new task of the domain is held at the gate, whichever supervisor runs it.
    const held = await create(b, 2);
    expect((await allFinished(c.db, [held.id])).get(held.id)).toBe('rejected');
    const heldView = await a.client.get<TaskView>(`/v1/tasks/${held.id}`);
    expect(heldView.gate?.reasons).toContain('domain "content" is paused by escalation');
    // Resumed through b's CLI, for the whole cluster: a's next task reaches its approval.
    const resumed = await cli(c.projects[1] as string, ['domain', 'resume', 'content', '--json']);
    expect({ code: resumed.code, out: JSON.parse(resumed.stdout || '{}') as unknown }).toEqual({ code: 0, out: { domain: 'content', resumed: true } });
    expect(JSON.parse((await cli(c.projects[0] as string, ['domain', 'resume', 'content', '--json'])).stdout || '{}')).toEqual({ domain: 'content', resumed: false });
    await eventually(async () => ((await status(a)).pausedDomains.length === 0 ? true : undefined), "a's status showing the domain resumed");
    // (P1: its own SLA is days away, so nothing pauses the domain again meanwhile.)
    const next = await a.client.post<TaskView>('/v1/tasks', { workflow: 'content', priority: 'P1', input: { goal: 'after the resume', channel: 'blog' } });
    await eventually(async () => ((await a.client.get<TaskView>(`/v1/tasks/${next.id}`)).status === 'awaiting_approval' ? true : undefined), 'the next task to wait for its approval');
  }, 400_000);

  it('runs a flow and a task that waits for it across both: children after their dependencies, each once', async () => {
    const c = await cluster('two_flow');
    const [a, b] = [await start(c.projects[0] as string), await start(c.projects[1] as string)];
    const flow = await a.client.post<TaskView>('/v1/tasks', { workflow: 'campaign', input: { goal: 'Launch v2' } });
    expect(flow).toMatchObject({ status: 'running', children: [expect.any(String), expect.any(String), expect.any(String)] });
    // Created through the other supervisor, waiting for the whole flow.
    const after = await b.client.post<TaskView>('/v1/tasks', { workflow: 'content', input: { goal: 'after the launch', channel: 'blog' }, dependsOn: [flow.id] });
    expect(after.status).toBe('blocked');
    const unknown = await cli(c.projects[1] as string, ['task', 'create', '--workflow', 'content', '--input', '{"goal":"x","channel":"blog"}', '--depends-on', 't_nope', '--json']);
    expect({ code: unknown.code, said: unknown.stdout + unknown.stderr }).toMatchObject({ code: 2, said: expect.stringContaining('dependsOn: no task t_nope') });
    const [announce, social, email] = flow.children as [string, string, string];
    const done = await allFinished(c.db, [flow.id, announce, social, email, after.id]);
    expect([flow.id, announce, social, email, after.id].map((id) => done.get(id))).toEqual(['completed', 'completed', 'completed', 'completed', 'completed']);
    const { rows } = await c.db.query<{ seq: string; type: string; task: string; dep: string | null }>(
      "SELECT seq, type, event->>'taskId' AS task, event->>'dependency' AS dep FROM agentry_events WHERE type IN ('task.blocked', 'dependency.resolved', 'gate.decided', 'task.completed') ORDER BY seq",
    );
    const seqOf = (type: string, task: string): number[] => rows.filter((r) => r.type === type && r.task === task).map((r) => Number(r.seq));
    const ranAfter = (task: string, dependency: string): void => {
      expect(rows.filter((r) => r.task === task && r.type === 'dependency.resolved').map((r) => r.dep)).toEqual([dependency]);
      expect(seqOf('task.blocked', task)).toHaveLength(1);
      // Resolved once the dependency completed, and its work (the gate) only after that.
      expect(seqOf('dependency.resolved', task)[0]).toBeGreaterThan(seqOf('task.completed', dependency)[0] ?? Infinity);
      expect(seqOf('gate.decided', task)[0]).toBeGreaterThan(seqOf('dependency.resolved', task)[0] ?? Infinity);
    };
    ranAfter(social, announce);
    ranAfter(email, announce);
    ranAfter(after.id, flow.id);
    for (const id of [flow.id, announce, social, email, after.id]) expect(seqOf('task.completed', id)).toHaveLength(1);
    expect((await b.client.get<TaskView>(`/v1/tasks/${social}`)).parentId).toBe(flow.id);
    // Its calls and reviews are told as embedded tells them: each step started and completed once.
    const told = await c.db.query<{ type: string; n: number }>("SELECT type, count(*)::int AS n FROM agentry_events WHERE task_id = $1 AND (type LIKE 'step.%' OR type LIKE 'review.%') GROUP BY type ORDER BY type", [after.id]);
    expect(told.rows).toEqual([
      { type: 'review.completed', n: 3 },
      { type: 'review.requested', n: 3 },
      { type: 'step.completed', n: 4 },
      { type: 'step.started', n: 4 },
    ]);
  }, 400_000);

  it('cancels a flow through the other supervisor: its open children with it, and what waits for it fails; a child cancelled alone ends its flow cancelled', async () => {
    const c = await cluster('two_flow_cancel', { mode: 'manual' });
    const [a] = [await start(c.projects[0] as string), await start(c.projects[1] as string)];
    const flow = await a.client.post<TaskView>('/v1/tasks', { workflow: 'campaign', input: { goal: 'Launch v3' } });
    const after = await a.client.post<TaskView>('/v1/tasks', { workflow: 'content', input: { goal: 'after the launch', channel: 'blog' }, dependsOn: [flow.id] });
    const [announce, social, email] = flow.children as [string, string, string];
    await eventually(async () => ((await statuses(c.db)).get(announce) === 'awaiting_approval' ? true : undefined), 'the announcement waiting for its approval');
    const cancelled = await cli(c.projects[1] as string, ['task', 'cancel', flow.id, '--reason', 'launch moved', '--json']);
    expect({ code: cancelled.code, said: cancelled.stderr }).toMatchObject({ code: 0 });
    const done = await allFinished(c.db, [flow.id, announce, social, email, after.id]);
    expect([flow.id, announce, social, email].map((id) => done.get(id))).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    expect(done.get(after.id)).toBe('failed');
    expect((await a.client.get<TaskView>(`/v1/tasks/${after.id}`)).error?.message).toBe(`dependency ${flow.id} did not complete`);
    expect((await a.client.get<TaskView>(`/v1/tasks/${social}`)).error?.message).toBe(`its flow ${flow.id} was cancelled`);
    // Nothing of the flow ran on after its cancel: no child was delivered, no approval is left waiting.
    expect(deliveredFiles(c.projects)).toEqual([]);
    expect((await a.client.get<TaskView>(`/v1/tasks/${announce}`)).approval?.status).toBe('withdrawn');
    const approvals = await c.db.query<{ status: string }>('SELECT status FROM agentry_approvals');
    expect(approvals.rows.map((r) => r.status)).toEqual(['withdrawn']);

    // A child cancelled alone ends its flow cancelled, as embedded; the siblings that wait for it fail.
    const flow2 = await a.client.post<TaskView>('/v1/tasks', { workflow: 'campaign', input: { goal: 'Launch v4' } });
    const [announce2, social2, email2] = flow2.children as [string, string, string];
    await eventually(async () => ((await statuses(c.db)).get(announce2) === 'awaiting_approval' ? true : undefined), 'the second announcement waiting for its approval');
    const dropped = await cli(c.projects[1] as string, ['task', 'cancel', announce2, '--reason', 'announcement dropped', '--json']);
    expect({ code: dropped.code, said: dropped.stderr }).toMatchObject({ code: 0 });
    const done2 = await allFinished(c.db, [flow2.id, announce2, social2, email2]);
    expect([flow2.id, announce2, social2, email2].map((id) => done2.get(id))).toEqual(['cancelled', 'cancelled', 'failed', 'failed']);
    expect((await a.client.get<TaskView>(`/v1/tasks/${flow2.id}`)).error).toEqual({ code: 'cancelled', message: 'a child task ended cancelled' });
    const told = await c.db.query<{ reason: string }>("SELECT event->>'reason' AS reason FROM agentry_events WHERE type = 'task.cancelled' AND task_id = $1", [flow2.id]);
    expect(told.rows).toEqual([{ reason: 'a child task ended cancelled' }]);
  }, 400_000);

  it('names a peer that decides by another config, until its file agrees', async () => {
    const c = await cluster('two_policy');
    const bFile = join(c.projects[1] as string, 'agentry.config.json');
    const bConfig = JSON.parse(readFileSync(bFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(bFile, `${JSON.stringify({ ...bConfig, mode: 'manual' }, null, 2)}\n`);
    const [a] = [await start(c.projects[0] as string), await start(c.projects[1] as string)];
    const differ = await eventually(async () => {
      const d = (await status(a)).config?.peersDiffer ?? [];
      return d.length > 0 ? d : undefined;
    }, "a's status naming b");
    expect(differ).toEqual([{ executorId: 'two_policy-b', mode: 'manual', sections: ['mode'] }]);
    // b's file is fixed while it runs: the reload is published with its next beat.
    writeFileSync(bFile, `${JSON.stringify(bConfig, null, 2)}\n`);
    await eventually(async () => (((await status(a)).config?.peersDiffer ?? []).length === 0 ? true : undefined), "a's status agreeing with b again");
  }, 400_000);

  it('holds automatic approval for a person while a peer decides by another config, and approves on its own once they agree', async () => {
    const c = await cluster('two_hold');
    const bFile = join(c.projects[1] as string, 'agentry.config.json');
    const bConfig = JSON.parse(readFileSync(bFile, 'utf8')) as Record<string, unknown>;
    // Both full-auto: without the hold, either gate would approve the task on its own.
    writeFileSync(bFile, `${JSON.stringify({ ...bConfig, risk: { dailySpendLimitUsd: 40 } }, null, 2)}\n`);
    const [a, b] = [await start(c.projects[0] as string), await start(c.projects[1] as string)];
    await eventually(async () => ((await differing(a)) > 0 && (await differing(b)) > 0 ? true : undefined), 'each naming the other');
    const held = await create(a, 1);
    const view = await eventually(async () => {
      const v = await b.client.get<TaskView>(`/v1/tasks/${held.id}`);
      return v.approval?.status === 'pending' ? v : undefined;
    }, 'the task waiting for a person');
    expect(view.gate?.decision).toBe('approval');
    expect(view.gate?.reasons.join(' ')).toMatch(/two_hold-[ab] \(risk\) of the cluster decides by another config: automatic approval is held/);
    const lines = await cli(c.projects[0] as string, ['status']);
    expect(lines.stdout).toContain('automatic approval is held');
    // b's file agrees again: the held task is a person's to decide; a new one is approved on its own.
    writeFileSync(bFile, `${JSON.stringify(bConfig, null, 2)}\n`);
    await eventually(async () => ((await differing(a)) === 0 && (await differing(b)) === 0 ? true : undefined), 'both agreeing');
    const approved = await cli(c.projects[1] as string, ['approve', view.approval?.id ?? '', '--note', 'checked by hand']);
    expect({ code: approved.code, said: approved.stderr }).toMatchObject({ code: 0 });
    const free = await create(b, 2);
    const s = await allFinished(c.db, [held.id, free.id]);
    expect([s.get(held.id), s.get(free.id)]).toEqual(['completed', 'completed']);
    expect((await a.client.get<TaskView>(`/v1/tasks/${free.id}`)).approval).toBeUndefined();
  }, 400_000);

  it("decides through one supervisor's CLI an approval asked through the other", async () => {
    const c = await cluster('two_approve', { mode: 'manual' });
    const [a] = [await start(c.projects[0] as string), await start(c.projects[1] as string)];
    const task = await create(a, 1);
    const approval = await eventually(async () => {
      const r = await cli(c.projects[1] as string, ['approvals', '--json']);
      const list = JSON.parse(r.stdout || '[]') as ApprovalView[] | { items: ApprovalView[] };
      const items = Array.isArray(list) ? list : list.items;
      return items.find((x) => x.taskId === task.id && x.status === 'pending');
    }, 'the approval, listed by b');
    const approved = await cli(c.projects[1] as string, ['approve', approval.id, '--note', 'ship it']);
    expect({ code: approved.code, said: approved.stderr }).toMatchObject({ code: 0 });
    const s = await allFinished(c.db, [task.id]);
    expect(s.get(task.id)).toBe('completed');
    const shown = await a.client.get<TaskView>(`/v1/tasks/${task.id}`);
    expect(shown.approval).toMatchObject({ id: approval.id, status: 'granted', decidedBy: 'person', note: 'ship it' });
  }, 400_000);

  it('makes a task once for an idempotency key sent again through either supervisor, at once or later', async () => {
    const c = await cluster('two_keyed');
    const [a, b] = [await start(c.projects[0] as string), await start(c.projects[1] as string)];
    const body = { workflow: 'content', input: { goal: 'one launch post', channel: 'blog' }, idempotencyKey: 'launch-post-7' };
    // The same key at the same moment through both: one task; a loser is told to ask again.
    const both = await Promise.allSettled([a.client.post<TaskView>('/v1/tasks', body), b.client.post<TaskView>('/v1/tasks', body)]);
    const made = both.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : []));
    expect(made.length).toBeGreaterThan(0);
    const refusals = both.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    expect(refusals.filter((why) => !why.includes('being made by another supervisor'))).toEqual([]);
    const id = made[0] as string;
    expect(new Set(made)).toEqual(new Set([id]));
    const s = await allFinished(c.db, [id]);
    expect(s.get(id)).toBe('completed');
    // Later, through the CLI of the supervisor that may have lost: the finished task, not a new one.
    const again = await cli(c.projects[1] as string, ['task', 'create', '--workflow', 'content', '--input', JSON.stringify(body.input), '--idempotency-key', body.idempotencyKey, '--json']);
    expect({ code: again.code, said: again.stderr }).toMatchObject({ code: 0 });
    expect(JSON.parse(again.stdout) as TaskView).toMatchObject({ id, status: 'completed' });
    const other = await cli(c.projects[0] as string, ['task', 'create', '--workflow', 'content', '--input', '{"goal":"another post","channel":"blog"}', '--idempotency-key', body.idempotencyKey]);
    expect({ code: other.code, said: other.stderr }).toMatchObject({ code: 1, said: expect.stringContaining(`already made task ${id}`) });
    const rows = await c.db.query<{ n: string }>("SELECT count(*) AS n FROM dbos.workflow_status WHERE name = 'agentry.task'");
    expect(Number(rows.rows[0]?.n)).toBe(1);
    expect((await statuses(c.db)).size).toBe(1);
  }, 400_000);
});
