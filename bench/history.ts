// History reads as the archive grows (issue 11): with 1k and 100k finished tasks archived, the
// time of `task show` of a finished task (findTask of a random archived id), of a filtered page
// of 50 (by status and workflow; by text; the next page through the cursor), and of a start
// (Supervisor.start until the history index answers). The archive is written the way compaction
// writes it, from one real finished task view cloned under fresh ids, days and statuses.
// Run: npm run build && node dist/bench/history.js [--sizes=1000,100000]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Supervisor } from '../machines/supervisor/supervisor.js';
import { ARCHIVE_DIR } from '../memory/archive.js';
import type { TaskView } from '../server/contract.js';
import { fmt, isMain, OutcomeWaiter, printResult, withTempDir } from './harness.js';
import type { BenchRow } from './harness.js';
import { BRIEF, benchConfig } from './orchestration.js';
import { createStubModel } from './stub-model.js';

const SHOW_GOAL_MS = 5;
const PAGE_GOAL_MS = 50;
const START_GOAL_MS = 2000;
const SHOWS = 500;
const PAGES = 40;
const PER_DAY = 5000;
const STATUSES = ['completed', 'completed', 'completed', 'rejected', 'failed'] as const;
const WORKFLOWS = ['content', 'content', 'lead', 'incident'] as const;

interface Figures {
  size: number;
  startMs: number;
  showMedianMs: number;
  showP95Ms: number;
  pageMedianMs: number;
  searchMedianMs: number;
  nextPageMedianMs: number;
}

async function finishedView(): Promise<TaskView> {
  return withTempDir('history-template', async (stateDir) => {
    const sup = await Supervisor.start({ stateDir, config: benchConfig('full'), model: createStubModel() });
    const waiter = new OutcomeWaiter(sup);
    try {
      const view = await sup.createTask({ workflow: 'content', input: { ...BRIEF } }, 'cli');
      await waiter.wait(view.id);
      const found = await sup.findTask(view.id);
      if (!found) throw new Error('history bench: the template task vanished');
      return found;
    } finally {
      waiter.close();
      await sup.stop();
    }
  });
}

/** `size` archived views, PER_DAY to a day file, oldest day first. Returns their ids. */
async function writeArchive(stateDir: string, template: TaskView, size: number): Promise<string[]> {
  const dir = join(stateDir, ARCHIVE_DIR);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const ids: string[] = [];
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  for (let day = 0; day * PER_DAY < size; day++) {
    const lines: string[] = [];
    for (let i = day * PER_DAY; i < Math.min(size, (day + 1) * PER_DAY); i++) {
      const id = `t_h${i.toString(36).padStart(6, '0')}`;
      const at = new Date(t0 + i * 17_000).toISOString();
      const view: TaskView = { ...template, id, status: STATUSES[i % STATUSES.length] ?? 'completed', workflow: WORKFLOWS[i % WORKFLOWS.length] ?? 'content', input: { ...BRIEF, goal: `Bench goal number ${i}` }, createdAt: at, updatedAt: at };
      lines.push(`{"n":"${at.slice(0, 10)}","r":${JSON.stringify(view)}}\n`);
      ids.push(id);
    }
    await writeFile(join(dir, `${new Date(t0 + day * 86_400_000).toISOString().slice(0, 10)}.ndjson`), lines.join(''), { mode: 0o600 });
  }
  return ids;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length * 0.95)] ?? Number.NaN;
}

async function timed(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

async function measure(template: TaskView, size: number): Promise<Figures> {
  return withTempDir(`history-${size}`, async (stateDir) => {
    const ids = await writeArchive(stateDir, template, size);
    // The first start builds the index from the archive (what a missing index costs); the
    // second is the ordinary start, with the index in place.
    const t0 = performance.now();
    const first = await Supervisor.start({ stateDir, config: benchConfig('full'), model: createStubModel() });
    await first.queryTasks({ limit: 1 });
    const rebuildMs = performance.now() - t0;
    await first.stop();
    const t1 = performance.now();
    const sup = await Supervisor.start({ stateDir, config: benchConfig('full'), model: createStubModel() });
    await sup.queryTasks({ limit: 1 });
    const startMs = performance.now() - t1;
    try {
      const pick = (i: number): string => ids[(i * 7919) % ids.length] ?? '';
      const shows = await timed(SHOWS, (i) => sup.findTask(pick(i)));
      const pages = await timed(PAGES, () => sup.queryTasks({ status: 'rejected', workflow: 'content', limit: 50 }));
      const searches = await timed(PAGES, (i) => sup.queryTasks({ search: `goal number ${(i * 31) % size}`, limit: 50 }));
      const cursor = (await sup.queryTasks({ status: 'completed', limit: 50 })).nextCursor ?? undefined;
      const nexts = await timed(PAGES, () => sup.queryTasks({ status: 'completed', limit: 50, ...(cursor === undefined ? {} : { after: cursor }) }));
      console.log(`  ${fmt(size).padStart(7)} archived: index rebuild ${fmt(rebuildMs)} ms, start ${fmt(startMs)} ms, task show ${fmt(median(shows), 2)} ms (p95 ${fmt(p95(shows), 2)}), page of 50 ${fmt(median(pages), 2)} ms, search ${fmt(median(searches), 2)} ms, next page ${fmt(median(nexts), 2)} ms`);
      return { size, startMs, showMedianMs: median(shows), showP95Ms: p95(shows), pageMedianMs: median(pages), searchMedianMs: median(searches), nextPageMedianMs: median(nexts) };
    } finally {
      await sup.stop();
    }
  });
}

function row(metric: string, first: Figures, last: Figures, pick: (f: Figures) => number, goalMs: number): BenchRow {
  return {
    metric: `${metric}, ${fmt(last.size)} archived (1k beside)`,
    baseline: `${fmt(pick(first), 2)} ms`,
    figure: `${fmt(pick(last), 2)} ms`,
    ratio: `${(pick(last) / pick(first)).toFixed(2)}×`,
    goal: `< ${fmt(goalMs)} ms`,
    met: pick(last) < goalMs,
  };
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const arg = argv.find((a) => a.startsWith('--sizes='));
  const sizes = arg ? arg.slice('--sizes='.length).split(',').map(Number) : [1000, 100_000];
  console.log(`history: reads with ${sizes.map((s) => fmt(s)).join(' / ')} finished tasks archived`);
  const template = await finishedView();
  const figures: Figures[] = [];
  for (const size of sizes) figures.push(await measure(template, size));
  const first = figures[0];
  const last = figures.at(-1);
  if (!first || !last) throw new Error('history: no sizes');
  printResult({
    bench: 'history',
    rows: [
      row('task show of a finished task (median)', first, last, (f) => f.showMedianMs, SHOW_GOAL_MS),
      row('task show of a finished task (p95)', first, last, (f) => f.showP95Ms, SHOW_GOAL_MS),
      row('filtered page of 50 (status + workflow)', first, last, (f) => f.pageMedianMs, PAGE_GOAL_MS),
      row('page of 50 by --search', first, last, (f) => f.searchMedianMs, PAGE_GOAL_MS),
      row('next page through the cursor', first, last, (f) => f.nextPageMedianMs, PAGE_GOAL_MS),
      row('start until history answers', first, last, (f) => f.startMs, START_GOAL_MS),
    ],
    data: { sizes: figures },
  });
}

if (isMain(import.meta.url)) await main();
