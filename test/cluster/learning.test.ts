// Learning on the cluster (issue 14): a ClusterSupervisor in this process, on a real Postgres,
// with the offline model. Each finished task's outcome lands once in agentry_outcomes (a replay of
// its workflow writes nothing more); a supervisor started later loads them, skips a malformed row
// with a log line, and tunes from them: its gate uses the learned confidence threshold, its new
// tasks get the learned review tier and its agent steps the learned model; learn() reports each.
import { DBOS } from '@dbos-inc/dbos-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StructuredCallRequest, StructuredModel } from '../../agents/client/types.js';
import { createOfflineModel } from '../../agents/offline/index.js';
import type { Clock } from '../../core/clock.js';
import { createRootLogger } from '../../core/logger.js';
import { resolveConfig } from '../../config/load.js';
import { ClusterSupervisor } from '../../machines/cluster/cluster-supervisor.js';
import { taskWorkflowId } from '../../machines/cluster/task-workflow.js';
import type { ApprovalView, TaskView } from '../../machines/contract.js';
import type { LearnEntry } from '../../memory/learning/index.js';
import { migrate, openPgStore } from '../../memory/postgres/index.js';
import type { PgStore } from '../../memory/postgres/index.js';
import type { OutcomeRecord } from '../../schemas/generated/types.js';
import { startPostgres } from '../support/postgres.js';
import type { TestPostgres } from '../support/postgres.js';
import { until } from '../support/until.js';

/** The test's clock starts now and moves only when told: DBOS sleeps (the SLA's) on real time, so it must not start in the past. */
const T0 = Date.now();
/** Goals whose offline drafts pass their reviews and reach the gate, each with its own confidence. */
const GOALS = ['spring range', 'autumn sale', 'winter boots', 'summer hats'];

let server: TestPostgres;
let url: string;
let store: PgStore;
let offset = 0;
const clock: Clock = { now: () => T0 + offset, setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (id) => clearTimeout(id as NodeJS.Timeout) };
const running: ClusterSupervisor[] = [];
const logs: Array<Record<string, unknown>> = [];
const requests: Array<Omit<StructuredCallRequest, 'signal'>> = [];

beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase('cluster_learning');
  store = await openPgStore(url);
  await migrate(store);
}, 180_000);

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

afterAll(async () => {
  await store?.close();
  await server?.stop();
});

function configOf(who: string, mode: 'manual' | 'semi') {
  return resolveConfig({
    version: 1,
    mode,
    store: { kind: 'postgres', url, executorId: `learn-${who}`, heartbeatMs: 100, peerTimeoutMs: 60_000, pollMs: 20 },
    // config alone would send every draft to a person (0.99); three outcomes are evidence enough
    risk: { confidenceThreshold: 0.99, randomReviewPercent: 0, approvalThresholdUsd: 100 },
    learning: { minEvidence: 3 },
  });
}

/** The offline model, every request it is sent kept (which model each agent step asked for). */
function recordingModel(): StructuredModel {
  const offline = createOfflineModel();
  return {
    offline: true,
    worstCaseCost: (req) => offline.worstCaseCost(req),
    call(req) {
      requests.push(req);
      return offline.call(req);
    },
  };
}

async function start(who: string, mode: 'manual' | 'semi'): Promise<ClusterSupervisor> {
  const logger = createRootLogger({ level: 'warn', destination: { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) } });
  const sup = await ClusterSupervisor.start({ url, config: configOf(who, mode), model: recordingModel(), logger, projectDir: `/tmp/agentry-learn-${who}`, env: {}, clock, applicationVersion: 'learning-test' });
  running.push(sup);
  return sup;
}

/** Polls the task's row (real time: DBOS and Postgres) until it is in one of `statuses`. */
async function reached(sup: ClusterSupervisor, id: string, statuses = ['completed', 'rejected', 'failed']): Promise<TaskView> {
  let view: TaskView | undefined;
  for (const end = Date.now() + 60_000; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
    view = await sup.findTask(id);
    if (view && statuses.includes(view.status)) return view;
  }
  throw new Error(`task ${id} did not reach ${statuses.join(' | ')}: ${view?.status ?? 'not found'}`);
}

async function pendingApproval(sup: ClusterSupervisor, taskId: string): Promise<ApprovalView> {
  for (const end = Date.now() + 60_000; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
    const page = await sup.queryApprovals({ status: 'pending' });
    const found = page.items.find((a): a is ApprovalView => a.kind === 'action' && a.taskId === taskId);
    if (found) return found;
  }
  const view = await sup.findTask(taskId);
  throw new Error(`task ${taskId} asked for no approval: ${JSON.stringify({ status: view?.status, error: view?.error, reviews: view?.reviews.map((r) => r.verdict), gate: view?.gate })}`);
}

const content = (goal: string) => ({ workflow: 'content', input: { goal, channel: 'blog' } });
const draftConfidence = (v: TaskView): number => (v.outputs['draft'] as { confidence: number }).confidence;
const entry = (sup: ClusterSupervisor, key: string): LearnEntry | undefined => (sup.learn() as { values: LearnEntry[] }).values.find((e) => e.key === key);

async function outcomeRows(): Promise<Array<{ id: string; record: OutcomeRecord }>> {
  return (await store.pool.query<{ id: string; record: OutcomeRecord }>('SELECT id, record FROM agentry_outcomes ORDER BY at, id')).rows;
}

/** The outcome rows once there are `n` (a task's outcome is written just after its view shows it finished). */
async function outcomesOnce(n: number): Promise<Array<{ id: string; record: OutcomeRecord }>> {
  for (const end = Date.now() + 60_000; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
    const rows = await outcomeRows();
    if (rows.length >= n) return rows;
  }
  return outcomeRows();
}

describe('learning from outcomes on the cluster', () => {
  let rejected: TaskView;
  let learned: number;

  it('records each finished task once, and learns the threshold from the people who decided', async () => {
    const a = await start('a', 'manual');
    const made = await Promise.all(GOALS.map((g) => a.createTask(content(g), 'cli')));
    const asked = await Promise.all(made.map(async (t) => ({ approval: await pendingApproval(a, t.id), view: (await a.findTask(t.id)) as TaskView })));
    const byConfidence = [...asked].sort((x, y) => draftConfidence(x.view) - draftConfidence(y.view));
    const [low, ...rest] = byConfidence;
    if (!low || draftConfidence(low.view) === draftConfidence(rest[0]?.view as TaskView)) throw new Error('the fixture goals need one lowest confidence');

    // A person rejects the least confident draft first, then approves the others, later.
    await a.reject(low.approval.id, { note: 'off brand' });
    rejected = await reached(a, low.view.id);
    await outcomesOnce(1);
    offset += 60_000;
    for (const r of rest) await a.approve(r.approval.id, {});
    for (const r of rest) await reached(a, r.view.id);

    const rows = await outcomesOnce(GOALS.length);
    expect(rows.map((r) => r.id)).toEqual([low.view.id, ...rest.map((t) => t.view.id).sort()].map((id) => `${id}:outcome`));
    const first = rows[0]?.record as OutcomeRecord;
    expect(first).toMatchObject({ taskId: low.view.id, agent: 'marketing', workflow: 'content', confidence: draftConfidence(low.view), gate: 'approval', humanDecision: 'rejected', finalStatus: 'rejected', wrong: null, at: new Date(T0).toISOString() });
    expect(first.reviewVerdicts.map((v) => v.kind).sort()).toEqual(['canon', 'coordinator', 'cultural']);
    expect(first.tokens.input).toBeGreaterThan(0);
    expect(first.costUsd).toBeCloseTo(rejected.costUsd, 9);
    expect(rows.slice(1).map((r) => [r.record.humanDecision, r.record.finalStatus])).toEqual(rest.map(() => ['approved', 'completed']));

    // The lowest threshold above the rejected draft's confidence: every draft at or above it was approved.
    learned = Math.round(Math.floor(draftConfidence(low.view) * 100 + 1e-9) + 1) / 100;
    expect(entry(a, 'confidenceThreshold:marketing/content')).toMatchObject({ value: learned, source: 'learned', evidence: { n: 3, wrong: 0 } });

    // A replay of a finished task's workflow from its recorded steps (as after a crash before DBOS
    // marked it done) records nothing more.
    const wf = taskWorkflowId(low.view.id);
    const steps = (await DBOS.listWorkflowSteps(wf)) ?? [];
    offset += 60_000;
    const replay = await DBOS.rewindWorkflow<unknown>(wf, { startStep: Math.max(...steps.map((s) => s.functionID)) + 1 });
    expect(await replay.getResult()).toMatchObject({ outcome: 'rejected' });
    // it did run again: the view it rebuilt was written at the clock's new time
    expect((await a.findTask(low.view.id))?.updatedAt).toBe(new Date(T0 + offset).toISOString());
    expect((await outcomeRows()).map((r) => r.id)).toEqual(rows.map((r) => r.id));
    expect((await outcomeRows())[0]?.record.at).toBe(new Date(T0).toISOString());
    await a.stop();
    expect(entry(a, 'confidenceThreshold:marketing/content')?.evidence.n).toBe(3);
  }, 180_000);

  it('a supervisor started later tunes from them: gate, review tier and model; a bad row is skipped', async () => {
    expect(learned).toBe(0.7);
    const cfg = configOf('b', 'semi');
    const configured = cfg.models.byAgent.marketing ?? cfg.models.default;
    const cheaper = cfg.models.tiers.find((m) => m !== configured) as string;
    // Evidence for the model rule, from another workflow: the configured model mostly fails, a cheaper one does not.
    const seeded = (i: number, model: string, finalStatus: OutcomeRecord['finalStatus']): OutcomeRecord => ({
      id: `seed${i}:outcome`,
      at: new Date(T0 + i).toISOString(),
      taskId: `seed${i}`,
      agent: 'marketing',
      workflow: 'seeded',
      model,
      tokens: { input: 10, output: 10, cacheRead: 0, cacheWrite: 0 },
      costUsd: 0,
      latencyMs: 1,
      confidence: 0.9,
      reviewVerdicts: [],
      gate: 'auto',
      humanDecision: 'none',
      finalStatus,
      wrong: null,
    });
    const seeds = [seeded(1, configured, 'failed'), seeded(2, configured, 'failed'), seeded(3, configured, 'completed'), seeded(4, cheaper, 'completed'), seeded(5, cheaper, 'completed'), seeded(6, cheaper, 'completed')];
    const insert = (s: OutcomeRecord) => store.pool.query('INSERT INTO agentry_outcomes (id, at, task_id, agent, workflow, record) VALUES ($1, $2, $3, $4, $5, $6)', [s.id, Date.parse(s.at), s.taskId, s.agent, s.workflow, JSON.stringify(s)]);
    for (const s of seeds) await insert(s);
    await store.pool.query('INSERT INTO agentry_outcomes (id, at, task_id, agent, workflow, record) VALUES ($1, $2, $3, $4, $5, $6)', ['bad:outcome', T0 + 7, 'bad', 'marketing', 'content', JSON.stringify({ id: 'bad:outcome', confidence: 7 })]);

    const b = await start('b', 'semi');
    expect(logs.filter((l) => l['msg'] === 'outcome row failed its schema: skipped').map((l) => l['id'])).toEqual(['bad:outcome']);
    expect(entry(b, 'confidenceThreshold:marketing/content')).toMatchObject({ value: learned, source: 'learned', evidence: { n: 3 } });
    expect(entry(b, 'model:marketing')).toMatchObject({ value: cheaper, source: 'learned' });
    const tier = (b.learn() as { values: LearnEntry[] }).values.find((e) => e.key.startsWith('reviewTier:') && e.source === 'learned');
    expect(tier).toMatchObject({ value: 2, evidence: { approvalsInRow: 3 } });
    expect((b.learn() as { text: string }).text).toContain('confidenceThreshold:marketing/content');

    // A draft confident enough for the learned threshold (not the config's 0.99) goes out without a person.
    // (The offline draft for this goal is 0.73 confident: above the learned 0.70, below the config's 0.99.)
    const done = await reached(b, (await b.createTask(content('night lamps'), 'cli')).id, ['completed', 'rejected', 'failed', 'awaiting_approval']);
    expect(done.status).toBe('completed');
    expect(draftConfidence(done)).toBeGreaterThanOrEqual(learned);
    const gate = await store.pool.query<{ event: { decision: string; reasons: string[] } }>("SELECT event FROM agentry_events WHERE type = 'gate.decided' AND task_id = $1", [done.id]);
    expect(gate.rows.map((r) => r.event.decision)).toEqual(['auto']);
    expect(gate.rows[0]?.event.reasons).toContain(`confidence ${draftConfidence(done).toFixed(2)} meets the threshold ${learned.toFixed(2)} (learned)`);
    // Review tier 2 (cultural, then the coordinator: no canon review), the learned model for the draft.
    expect((done.steps ?? []).map((s) => s.step)).toEqual(['draft', 'cultural', 'coordinator']);
    expect(requests.filter((r) => r.stepKey.startsWith(`${done.id}:`) && r.agent === 'marketing').map((r) => r.model)).toEqual([cheaper]);

    // A row a peer writes later is followed: one more outcome for the cheaper model shows in its evidence.
    expect(entry(b, 'model:marketing')?.evidence.n).toBe(3);
    await insert({ ...seeded(8, cheaper, 'completed'), at: new Date(T0 + offset).toISOString() });
    await until(() => entry(b, 'model:marketing')?.evidence.n === 4, 'the outcome written after the start');
  }, 180_000);
});
