// The cluster engine in one process against a real Postgres: tasks run as DBOS workflows whose
// activities are recorded steps, model calls go through the model queue and its journal, and an
// approval is a DBOS message sent from another DBOS client. Nothing waits for real time but DBOS's
// own polling (set to 20 ms here).
import { DBOS, DBOSClient } from '@dbos-inc/dbos-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import type { StructuredModel } from '../../agents/client/types.js';
import { createOfflineModel } from '../../agents/offline/index.js';
import { ModelCallError, StoreError } from '../../core/errors.js';
import { resolveConfig } from '../../config/load.js';
import { ClusterAgents } from '../../machines/cluster/agent-calls.js';
import type { SlaBreach } from '../../machines/supervisor/policy/sla.js';
import { until } from '../support/until.js';
import type { ResolvedConfig } from '../../config/load.js';
import { launchCluster } from '../../machines/cluster/executor.js';
import type { Cluster } from '../../machines/cluster/executor.js';
import { queueLimits } from '../../machines/cluster/queues.js';
import { decideApproval, taskWorkflowId } from '../../machines/cluster/task-workflow.js';
import type { ApprovalRequest } from '../../machines/cluster/steps.js';
import { migrate, openPgStore, PgLedger } from '../../memory/postgres/index.js';
import type { PgStore } from '../../memory/postgres/index.js';
import { startPostgres } from '../support/postgres.js';
import type { TestPostgres } from '../support/postgres.js';
import { contentTask, testServices } from './fixtures.js';

let pg: TestPostgres;
let url: string;
let cluster: Cluster;
let config: ResolvedConfig = resolveConfig({ version: 1 });
const approvalWaiters = new Map<string, (r: ApprovalRequest) => void>();
let store: PgStore;
let services: ReturnType<typeof testServices>;
/** The step key of every call that reached the model. */
const sent: string[] = [];
let releaseSlow = (): void => undefined;
const slow = new Promise<void>((resolve) => {
  releaseSlow = resolve;
});

/** Resolves when the task asks for an approval. */
function approvalOf(taskId: string): Promise<ApprovalRequest> {
  const seen = services.watched.approvals.find((a) => a.taskId === taskId);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve) => approvalWaiters.set(taskId, resolve));
}

beforeAll(async () => {
  pg = await startPostgres();
  url = await pg.createDatabase('cluster_engine');
  store = await openPgStore(url);
  await migrate(store);
  const offline = createOfflineModel({ simulateCost: false });
  // The API fails every call of a task whose id has `apifail` in it.
  const model: StructuredModel = {
    ...offline,
    call(request) {
      sent.push(request.stepKey ?? '');
      if (request.stepKey?.includes('apifail')) return Promise.reject(new ModelCallError('MODEL_OVERLOADED', 'the model API answered 529 after every retry', { retryable: true }));
      // The canon review of a task whose id has `slowreview` in it answers once the test lets it.
      if (request.stepKey?.includes('slowreview') && request.stepKey.includes(':canon:')) return slow.then(() => offline.call(request));
      return offline.call(request);
    },
  };
  services = testServices({ ledger: new PgLedger(store), model, config: () => config, onApproval: (r) => approvalWaiters.get(r.taskId)?.(r) });
  cluster = await launchCluster({ url, executorId: 'solo', applicationVersion: 'test', limits: queueLimits(config, { pollingIntervalMs: 20 }), logLevel: 'error' }, services);
}, 120_000);

afterAll(async () => {
  await cluster?.shutdown();
  await store?.close();
  await pg?.stop();
});

/** What the Postgres store throws while its server cannot be reached. */
const outage = (): StoreError => new StoreError('STORE_UNAVAILABLE', 'postgres 127.0.0.1/x: cannot append an event: connect ECONNREFUSED', { details: { outage: true } });

describe('a task as a DBOS workflow', () => {
  it('completes: author, both reviews, the coordinator, the gate and the action, each call journaled once', async () => {
    await cluster.submit({ record: contentTask('c1') });

    expect(await cluster.result('c1')).toEqual({ outcome: 'completed' });
    expect(services.watched.executed.filter((e) => e.taskId === 'c1')).toMatchObject([{ key: 'c1:r1:executing:publish:a0', action: 'publish', by: 'auto' }]);
    const calls = await cluster.modelCalls('model:c1:');
    // in intent order; the two parallel reviews race for theirs
    const byKey = [...calls].sort((a, b) => a.stepKey.localeCompare(b.stepKey));
    expect(byKey.map((c) => [c.stepKey, c.agent, c.sends, c.rerun, c.done])).toEqual([
      ['c1:r1:authoring:draft:a0', 'marketing', 1, false, true],
      ['c1:r1:reviewing:canon:a0', 'reviewer', 1, false, true],
      ['c1:r1:reviewing:coordinator:a0', 'coordinator', 1, false, true],
      ['c1:r1:reviewing:cultural:a0', 'reviewer', 1, false, true],
    ]);
    expect(calls[0]?.stepKey).toBe('c1:r1:authoring:draft:a0');
    expect(calls[3]?.stepKey).toBe('c1:r1:reviewing:coordinator:a0');
    // The task's own steps, as DBOS recorded them: each batch of reviews asked for (then awaited
    // until its deadline, a durable sleep each), gated, executed, its SLA told it ended; the model
    // calls and the SLA are child workflows.
    const steps = (await DBOS.listWorkflowSteps(taskWorkflowId('c1'))) ?? [];
    expect(steps.filter((s) => s.childWorkflowID === null).map((s) => s.name)).toEqual(['reviews.requested', 'DBOS.sleep', 'DBOS.sleep', 'reviews.requested', 'DBOS.sleep', 'gate', 'execute', 'DBOS.send']);
    expect(steps.flatMap((s) => (s.childWorkflowID ? [s.childWorkflowID] : []))).toEqual(expect.arrayContaining(['sla:c1', 'model:c1:r1:authoring:draft:a0', 'model:c1:r1:reviewing:canon:a0']));
    await DBOS.retrieveWorkflow('sla:c1').getResult();
    expect(await DBOS.getWorkflowStatus('sla:c1')).toMatchObject({ status: 'SUCCESS' });
  });

  it('a task submitted twice runs once', async () => {
    const [a, b] = await Promise.all([cluster.submit({ record: contentTask('twice') }), cluster.submit({ record: contentTask('twice') })]);

    expect(a).toBe(b);
    expect(await cluster.result('twice')).toEqual({ outcome: 'completed' });
    expect(services.watched.executed.filter((e) => e.taskId === 'twice')).toHaveLength(1);
  });

  it('an approval awaited with recv is decided by DBOS.send from another DBOS client', async () => {
    await cluster.submit({ record: contentTask('ask1') });
    const request = await approvalOf('ask1');
    expect(request).toMatchObject({ taskId: 'ask1', workflowId: taskWorkflowId('ask1'), action: 'publish', reasons: ['a person decides'], fallback: 'coordinator', escalated: false });
    expect(request.deadline - request.requestedAt).toBe(240 * 60_000);

    const client = await DBOSClient.create({ systemDatabaseUrl: url });
    try {
      await decideApproval(client, 'ask1', request.id, { status: 'granted', note: 'fine by me' });
      // a second decision is not a second message: the first one sent counts
      await decideApproval(client, 'ask1', request.id, { status: 'rejected' });
    } finally {
      await client.destroy();
    }

    expect(await cluster.result('ask1')).toEqual({ outcome: 'completed' });
    expect(services.watched.executed.find((e) => e.taskId === 'ask1')).toMatchObject({ by: 'person' });
  });

  it('a rejection sent through the cluster rejects the task', async () => {
    await cluster.submit({ record: contentTask('ask2') });
    const request = await approvalOf('ask2');
    await cluster.decide('ask2', request.id, { status: 'rejected', note: 'off brand' });

    expect(await cluster.result('ask2')).toEqual({ outcome: 'rejected', reason: 'a person rejected it' });
  });

  it('an approval past its deadline follows the fallback: reject, then the task is rejected', async () => {
    config = resolveConfig({ version: 1, approvals: { timeoutMinutes: 0, fallback: 'reject' } });
    try {
      await cluster.submit({ record: contentTask('ask3') });
      expect(await cluster.result('ask3')).toEqual({ outcome: 'rejected', reason: 'the approval timed out' });
      expect((await approvalOf('ask3')).fallback).toBe('reject');
    } finally {
      config = resolveConfig({ version: 1 });
    }
  });

  it('a failing activity goes to the healer; the healer gives up and the task fails with the code', async () => {
    await cluster.submit({ record: contentTask('gatefail1') });

    expect(await cluster.result('gatefail1')).toEqual({ outcome: 'failed', reason: 'healer: cannot fix STORE_UNAVAILABLE', code: 'STORE_UNAVAILABLE' });
    expect(services.watched.heals.find((h) => h.taskId === 'gatefail1')).toMatchObject({ phase: 'gating', error: { code: 'STORE_UNAVAILABLE' } });
  });

  it('a firing whose acceptance meets a store blip is retried, not left failed with its task never made', async () => {
    let failures = 0;
    services.scheduled = () => (++failures <= 2 ? Promise.reject(Object.assign(new Error('connection terminated'), { code: 'STORE_UNAVAILABLE' })) : Promise.resolve());
    try {
      await cluster.schedule({ record: contentTask('fired1') }, 'nightly', 1);
      expect(await cluster.result('fired1')).toEqual({ outcome: 'completed' });
      expect(failures).toBe(3);
    } finally {
      delete services.scheduled;
    }
  });

  it("an event's routing that meets a store outage longer than the retries waits it out and is routed, its id not left taken by a failed workflow", async () => {
    let failures = 0;
    // Eight failures: more than the six tries any other failure of the step gets.
    services.eventRouted = () => (++failures <= 8 ? Promise.reject(outage()) : Promise.resolve([]));
    try {
      const routed = await cluster.route({ eventId: 'outage-1', type: 'competitor.rank_drop', data: {}, at: 1, ignored: [], now: [{ record: contentTask('routed1') }] });
      expect(routed).toEqual([]);
      expect(failures).toBe(9);
      expect(await cluster.result('routed1')).toEqual({ outcome: 'completed' });
      expect(await cluster.route({ eventId: 'outage-1', type: 'competitor.rank_drop', data: {}, at: 2, ignored: [], now: [] })).toBeUndefined();
    } finally {
      delete services.eventRouted;
    }
  });

  it('a review past its deadline escalates in three tiers while the task awaits it, then the task goes on', async () => {
    config = resolveConfig({ version: 1, sla: { reviewMinutes: { canon: 0.001 }, escalationMinutes: 0.001 } });
    const breaches: SlaBreach[] = [];
    // (The test tasks were made at time 0, so their whole-task SLAs are long past: not watched here.)
    services.slaBreached = (b) => {
      if (b.scope !== 'task') breaches.push(b);
      return Promise.resolve();
    };
    try {
      await cluster.submit({ record: contentTask('slowreview1') });
      await until(() => breaches.length >= 3, 'three breaches of the canon review');
      releaseSlow();
      expect(await cluster.result('slowreview1')).toEqual({ outcome: 'completed' });
      const key = 'slowreview1:r1:reviewing:canon:a0';
      expect(breaches.map((b) => [b.scope, b.tier, b.key])).toEqual([
        ['canon', 1, key],
        ['canon', 2, key],
        ['canon', 3, key],
      ]);
      // Every tier reports the review's own deadline (as embedded, and as a task's SLA does).
      expect(new Set(breaches.map((b) => b.deadline)).size).toBe(1);
    } finally {
      delete services.slaBreached;
      config = resolveConfig({ version: 1 });
    }
  });

  it("an agent's breaker opens on the API's failures and refuses the next calls before they reach the API; a probe after the cooldown closes it", async () => {
    const clock = new SimulatedClock();
    const told: string[] = [];
    config = resolveConfig({ version: 1, agents: { marketing: { breaker: { failureThreshold: 1, cooldownMs: 60_000 } } } });
    services.agents = new ClusterAgents(() => config, clock, (e) => told.push(e.type === 'agent.breaker' ? `${e.agent} ${e.state}` : e.type));
    try {
      await cluster.submit({ record: contentTask('apifail1') });
      expect(await cluster.result('apifail1')).toMatchObject({ outcome: 'failed', code: 'MODEL_OVERLOADED' });
      expect(told).toEqual(['marketing open']);

      await cluster.submit({ record: contentTask('refused1') });
      expect(await cluster.result('refused1')).toMatchObject({ outcome: 'failed', code: 'BREAKER_OPEN' });
      expect(sent.filter((k) => k.startsWith('refused1:'))).toEqual([]);
      // Its hold was freed, not charged.
      const held = await store.pool.query('SELECT state FROM agentry_budget_reservations WHERE id LIKE $1', ['refused1:%']);
      expect(held.rows).toEqual([{ state: 'released' }]);

      clock.increment(60_000);
      await cluster.submit({ record: contentTask('probe1') });
      expect(await cluster.result('probe1')).toEqual({ outcome: 'completed' });
      expect(told).toEqual(['marketing open', 'marketing half_open', 'marketing closed']);
    } finally {
      delete services.agents;
      config = resolveConfig({ version: 1 });
    }
  });
});
