// The daily budget across two supervisor processes on one Postgres: every model call reserves its
// worst case in pgstore's ledger (one row a day, locked per reserve and settle) before it is sent.
// Two workers run 8 tasks each (4 calls a task) against a cap with room for exactly 8 calls at
// their fixed cost: exactly 8 calls are charged, summed over both, and the calls past the cap are
// refused (BUDGET_EXCEEDED), never sent.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DBOSClient } from '@dbos-inc/dbos-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskResult } from '../../machines/cluster/drive.js';
import { ModelCallJournal } from '../../machines/cluster/model-calls.js';
import { taskWorkflowId } from '../../machines/cluster/task-workflow.js';
import { toMicros } from '../../machines/ledger/money.js';
import { migrate, openPgStore, PgLedger } from '../../memory/postgres/index.js';
import type { PgStore } from '../../memory/postgres/index.js';
import { REPO } from '../support/daemon.js';
import { startPostgres } from '../support/postgres.js';
import type { TestPostgres } from '../support/postgres.js';

const WORKER = join(REPO, 'dist', 'test', 'cluster', 'cluster-worker.js');
const CALL_USD = 0.01;
const CAP_CALLS = 8;

let server: TestPostgres;
let url: string;
let store: PgStore;
let client: DBOSClient;
const children: ChildProcess[] = [];
const TASKS_EACH = 8;
const ids = (prefix: string): string[] => Array.from({ length: TASKS_EACH }, (_, i) => `${prefix}${i}`);

function worker(env: Record<string, string>): { ready: Promise<void>; exited: Promise<unknown>; child: ChildProcess } {
  const child = spawn(process.execPath, [WORKER], { env: { ...process.env, AGENTRY_CLUSTER_URL: url, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (l) => l === 'ready' && resolve());
    void exited.then(() => reject(new Error(`worker exited before ready: ${stderr}`)));
  });
  return { ready, exited, child };
}

beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase('cluster_budget');
  store = await openPgStore(url);
  await migrate(store);
  await store.pool.query('CREATE TABLE test_executions (task_id text NOT NULL, executor text NOT NULL)');
  const first = worker({ AGENTRY_CLUSTER_EXECUTOR: 'migrator' });
  await first.ready;
  first.child.kill('SIGTERM');
  await first.exited;
  client = await DBOSClient.create({ systemDatabaseUrl: url });
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await client?.destroy();
  await store?.close();
  await server?.stop();
});

describe('one daily budget for two supervisors', () => {
  it('a binding cap is never exceeded, summed across both processes', { timeout: 120_000 }, async () => {
    const budget = { AGENTRY_CLUSTER_DAILY_USD: String(CALL_USD * CAP_CALLS + CALL_USD / 2), AGENTRY_CLUSTER_CALL_USD: String(CALL_USD) };
    const one = worker({ AGENTRY_CLUSTER_EXECUTOR: 'p1', AGENTRY_CLUSTER_START: ids('p1t').join(','), ...budget });
    const two = worker({ AGENTRY_CLUSTER_EXECUTOR: 'p2', AGENTRY_CLUSTER_START: ids('p2t').join(','), ...budget });
    await Promise.all([one.ready, two.ready]);

    const results = await Promise.all([...ids('p1t'), ...ids('p2t')].map((id) => client.retrieveWorkflow<TaskResult>(taskWorkflowId(id)).getResult({ pollingIntervalMs: 20 })));
    for (const w of [one, two]) w.child.kill('SIGTERM');
    await Promise.all([one.exited, two.exited]);

    const day = await new PgLedger(store).view();
    expect(day.spentMicros).toBe(toMicros(CALL_USD) * CAP_CALLS);
    expect(day.reservedMicros).toBe(0);
    const calls = await new ModelCallJournal(store.pool).list();
    const charged = calls.filter((c) => (c.costUsd ?? 0) > 0);
    expect(charged).toHaveLength(CAP_CALLS);
    // a refused call was never sent
    expect(calls.filter((c) => c.sends > 0)).toHaveLength(CAP_CALLS);
    const failed = results.filter((r) => r.outcome === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((r) => r.code === 'BUDGET_EXCEEDED')).toBe(true);
    // both processes ran their tasks
    const statuses = await client.listWorkflows({ workflowName: 'agentry.task' });
    expect(new Set(statuses.map((s) => s.executorId))).toEqual(new Set(['p1', 'p2']));
  });
});
