// Throughput past one machine (issue 14): the same content tasks through real `agentry start`
// processes (the offline model, zero latency, 50 model calls in flight), embedded, then one and
// two supervisors on one Postgres (a throwaway Debian Postgres started here). Each run creates
// every task over HTTP (50 requests at a time), split over its supervisors, and counts until all completed.
// Run: npm run build && node dist/bench/cluster.js [--tasks=200]
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { StatusView, TaskView } from '../machines/contract.js';
import { BIN, startDaemon } from '../test/support/daemon.js';
import type { Daemon } from '../test/support/daemon.js';
import { startPostgres } from '../test/support/postgres.js';
import type { TestPostgres } from '../test/support/postgres.js';
import { fmt, isMain, pool, printResult, times } from './harness.js';

const run = promisify(execFile);
const arg = (name: string, fallback: number): number => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);

interface Setup {
  name: string;
  supervisors: number;
  /** The store section of each supervisor's config (none: embedded). */
  store?: (who: string) => Record<string, unknown>;
}

async function project(root: string, who: string, store: Record<string, unknown> | undefined): Promise<string> {
  const dir = join(root, who);
  await mkdir(dir, { recursive: true });
  const config = { version: 1, mode: 'full', limits: { globalInFlight: 50 }, learning: { enabled: false }, logging: { level: 'error' }, ...(store ? { store } : {}) };
  await writeFile(join(dir, 'agentry.config.json'), `${JSON.stringify(config)}\n`);
  if (store) await run(process.execPath, [BIN, 'db', 'init'], { cwd: dir, env: { ...process.env, AGENTRY_HOME: join(dir, '.agentry'), CLAUDE_PROJECT_DIR: dir } });
  return dir;
}

async function completed(d: Daemon): Promise<number> {
  return (await d.client.get<StatusView>('/v1/status')).today.tasksCompleted;
}

/** Tasks per second from the first create to the last completion, over `setup`'s supervisors. */
async function measure(setup: Setup, tasks: number): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), `agentry-bench-cluster-${setup.name}-`));
  const daemons: Daemon[] = [];
  try {
    for (let i = 0; i < setup.supervisors; i++) {
      const who = `s${i}`;
      const dir = await project(root, who, setup.store?.(who));
      daemons.push(await startDaemon({ projectDir: dir, args: ['--offline'], readyTimeoutMs: 60_000 }));
    }
    const t0 = performance.now();
    // Created 50 at a time (the API refuses more than 256 requests in flight), split over the supervisors.
    await pool(tasks, 50, (i) => (daemons[i % daemons.length] as Daemon).client.post<TaskView>('/v1/tasks', { workflow: 'content', input: { goal: `spring range, part ${i}`, channel: 'blog' } }));
    // Each supervisor counts the day's completions; on Postgres each counts the whole cluster's.
    const done = async (): Promise<number> => (setup.store ? completed(daemons[0] as Daemon) : (await Promise.all(daemons.map(completed))).reduce((a, b) => a + b, 0));
    while ((await done()) < tasks) await new Promise((r) => setTimeout(r, 20));
    const perSec = tasks / ((performance.now() - t0) / 1000);
    console.log(`${setup.name}: ${tasks} tasks, ${fmt(perSec, 1)} tasks/s`);
    return perSec;
  } finally {
    await Promise.all(daemons.map((d) => d.stop()));
    await rm(root, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  const tasks = arg('tasks', 200);
  let pg: TestPostgres | undefined;
  try {
    pg = await startPostgres();
    const server = pg;
    const store = (db: string) => (who: string) => ({ kind: 'postgres', url: server.url(db), executorId: `${db}-${who}`, pollMs: 20 });
    await server.createDatabase('bench_one');
    await server.createDatabase('bench_two');
    const embedded = await measure({ name: 'embedded', supervisors: 1 }, tasks);
    const single = await measure({ name: 'postgres, 1 supervisor', supervisors: 1, store: store('bench_one') }, tasks);
    const pair = await measure({ name: 'postgres, 2 supervisors', supervisors: 2, store: store('bench_two') }, tasks);
    const row = (metric: string, figure: number) => ({ metric, baseline: `${fmt(embedded, 1)}/s embedded`, figure: `${fmt(figure, 1)}/s`, ratio: times(figure / embedded), goal: '', met: null });
    printResult({
      bench: 'cluster',
      rows: [row(`tasks/s, 1 supervisor on Postgres (${tasks} tasks)`, single), row(`tasks/s, 2 supervisors on Postgres (${tasks} tasks)`, pair)],
      data: { tasks, embeddedPerSec: embedded, onePerSec: single, twoPerSec: pair },
    });
  } finally {
    await pg?.stop();
  }
}

if (isMain(import.meta.url)) await main();
