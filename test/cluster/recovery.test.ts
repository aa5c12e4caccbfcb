// Recovery across real processes on one real Postgres: a supervisor (cluster-worker.ts, run
// compiled from dist/) is killed with SIGKILL while a model call is out; its task is resumed by a
// restart with the same executor id, or adopted by a live peer. Either way the task completes, its
// action runs once, and the one model call that went out twice is labelled a re-run. The test
// itself is only a DBOS client; it waits on the workers' lines and on DBOS results, never on time.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DBOSClient } from '@dbos-inc/dbos-sdk';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ModelCallJournal } from '../../machines/cluster/model-calls.js';
import { taskWorkflowId } from '../../machines/cluster/task-workflow.js';
import type { Settled, TaskResult } from '../../machines/cluster/drive.js';
import type { StepView } from '../../machines/contract.js';
import type { AgentStepOutput } from '../../machines/task/activities.js';
import { migrate, openPgStore } from '../../memory/postgres/index.js';
import { REPO } from '../support/daemon.js';
import { startPostgres } from '../support/postgres.js';
import type { TestPostgres } from '../support/postgres.js';

const WORKER = join(REPO, 'dist', 'test', 'cluster', 'cluster-worker.js');

let server: TestPostgres;
let url: string;
let db: pg.Pool;
let client: DBOSClient;
const workers: ChildProcess[] = [];

interface Worker {
  child: ChildProcess;
  /** Resolves with the first stdout line that starts with `prefix`. */
  line(prefix: string): Promise<string>;
  exited: Promise<number | null>;
}

function worker(env: Record<string, string>): Worker {
  const child = spawn(process.execPath, [WORKER], { env: { ...process.env, AGENTRY_CLUSTER_URL: url, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  workers.push(child);
  const lines: string[] = [];
  const waiting: Array<{ prefix: string; resolve: (l: string) => void }> = [];
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (l) => {
    lines.push(l);
    for (const w of waiting.filter((x) => l.startsWith(x.prefix))) w.resolve(l);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    line: (prefix) =>
      new Promise((resolve, reject) => {
        const seen = lines.find((l) => l.startsWith(prefix));
        if (seen) return resolve(seen);
        waiting.push({ prefix, resolve });
        void exited.then((code) => reject(new Error(`worker exited (${code}) before "${prefix}": ${stderr}`)));
      }),
  };
}

async function kill9(w: Worker): Promise<void> {
  w.child.kill('SIGKILL');
  await w.exited;
}

async function stop(w: Worker): Promise<void> {
  w.child.kill('SIGTERM');
  await w.exited;
}

const result = (taskId: string): Promise<TaskResult> => client.retrieveWorkflow<TaskResult>(taskWorkflowId(taskId)).getResult({ pollingIntervalMs: 20 });

/** The timeline line of one agent step, from its model-call workflow's result. */
async function timelineOf(key: string): Promise<StepView | undefined> {
  const settled = await client.retrieveWorkflow<Settled<AgentStepOutput>>(`model:${key}`).getResult({ pollingIntervalMs: 20 });
  return settled.ok ? settled.output.timeline : undefined;
}

async function executions(taskId: string): Promise<string[]> {
  const { rows } = await db.query<{ executor: string }>('SELECT executor FROM test_executions WHERE task_id = $1', [taskId]);
  return rows.map((r) => r.executor);
}

beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase('cluster_recovery');
  db = new pg.Pool({ connectionString: url, max: 2 });
  const store = await openPgStore(url);
  await migrate(store);
  await store.close();
  await db.query('CREATE TABLE test_executions (task_id text NOT NULL, executor text NOT NULL)');
  // the first launch creates DBOS's schema: one worker does it alone, before the tests race
  const first = worker({ AGENTRY_CLUSTER_EXECUTOR: 'migrator' });
  await first.line('ready');
  await stop(first);
  client = await DBOSClient.create({ systemDatabaseUrl: url });
}, 120_000);

afterEach(() => {
  for (const c of workers.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

afterAll(async () => {
  await client?.destroy();
  await db?.end();
  await server?.stop();
});

describe('a supervisor killed with a model call out', () => {
  it('is resumed by its restart with the same executor id: the task completes, the re-sent call labelled', { timeout: 90_000 }, async () => {
    const first = worker({ AGENTRY_CLUSTER_EXECUTOR: 'a', AGENTRY_CLUSTER_HANG: 'cultural', AGENTRY_CLUSTER_START: 'r1' });
    expect(await first.line('hung ')).toBe('hung r1:r1:reviewing:cultural:a0');
    await kill9(first);

    const again = worker({ AGENTRY_CLUSTER_EXECUTOR: 'a' });
    expect(await result('r1')).toEqual({ outcome: 'completed' });
    await stop(again);

    expect(await executions('r1')).toEqual(['a']);
    const calls = await new ModelCallJournal(db).list('model:r1:');
    expect(calls.find((c) => c.stepKey === 'r1:r1:reviewing:cultural:a0')).toMatchObject({ sends: 2, rerun: true, done: true });
    expect(calls.find((c) => c.stepKey === 'r1:r1:authoring:draft:a0')).toMatchObject({ sends: 1, rerun: false, done: true });
    // every call ended; none went out twice without the label
    expect(calls.every((c) => c.done && (c.sends === 1 || c.rerun === true))).toBe(true);
    // the step's timeline line, as the task saw it, says so too
    expect(await timelineOf('r1:r1:reviewing:cultural:a0')).toMatchObject({ step: 'cultural', agent: 'reviewer', rerun: true });
    expect(await timelineOf('r1:r1:authoring:draft:a0')).toMatchObject({ step: 'draft', rerun: false });
  });

  it('is adopted by a live peer through DBOS recovery: the task completes there, once', { timeout: 90_000 }, async () => {
    const dead = worker({ AGENTRY_CLUSTER_EXECUTOR: 'b', AGENTRY_CLUSTER_HANG: 'cultural', AGENTRY_CLUSTER_START: 'r2' });
    expect(await dead.line('hung ')).toBe('hung r2:r1:reviewing:cultural:a0');
    await kill9(dead);

    const peer = worker({ AGENTRY_CLUSTER_EXECUTOR: 'c', AGENTRY_CLUSTER_ADOPT: 'b' });
    const adopted = await peer.line('adopted ');
    expect(Number(adopted.split(' ')[1])).toBeGreaterThanOrEqual(2); // the task and its hung model call
    expect(await result('r2')).toEqual({ outcome: 'completed' });
    await stop(peer);

    expect(await executions('r2')).toEqual(['c']);
    const status = await client.getWorkflow(taskWorkflowId('r2'));
    expect(status?.executorId).toBe('c');
    const calls = await new ModelCallJournal(db).list('model:r2:');
    expect(calls.find((c) => c.stepKey === 'r2:r1:reviewing:cultural:a0')).toMatchObject({ sends: 2, rerun: true, done: true });
    expect(calls.every((c) => c.done && (c.sends === 1 || c.rerun === true))).toBe(true);
    expect(await timelineOf('r2:r1:reviewing:cultural:a0')).toMatchObject({ rerun: true });
  });
});
