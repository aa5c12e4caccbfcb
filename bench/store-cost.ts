// Store cost as history grows: time per acknowledged event after a restart with 1k, 10k and
// 100k finished tasks in the journal. History is preloaded fast: each finished task is the
// `task` and `final` records a real run wrote (templates.ts), the state right after a restart
// and before the next compaction, when all of them are in memory. Measured per size:
// emitEvent of an event type no rule routes (acknowledged = its id journaled), sequentially and
// 50 in flight, and createTask (acknowledged = the task record journaled; the model never
// answers, so the new tasks stay queued and do not add work).
// Run: npm run build && node dist/bench/store-cost.js [--sizes=1000,10000,100000]
import { Supervisor } from '../machines/supervisor/supervisor.js';
import { fmt, isMain, pool, printResult, times, withTempDir } from './harness.js';
import type { BenchRow } from './harness.js';
import { BRIEF, benchConfig } from './orchestration.js';
import { createSilentModel } from './stub-model.js';
import { Cloner, captureTemplate, writeJournal } from './templates.js';
import type { TaskTemplate } from './templates.js';
import type { JournalRecord } from '../machines/supervisor/durable/records.js';

const GOAL_RATIO = 1.5;
const EVENTS = 2000;
const CONCURRENT_EVENTS = 10_000;
const TASKS = 500;
const IN_FLIGHT = 50;

export interface SizeFigures {
  finished: number;
  records: number;
  startMs: number;
  /** Microseconds per acknowledged emitEvent, one at a time. */
  eventSeqUs: number;
  /** Microseconds per acknowledged emitEvent, 50 in flight (wall time / events). */
  eventConUs: number;
  /** Microseconds per acknowledged createTask, one at a time. */
  createUs: number;
}

function* history(template: TaskTemplate, finished: number): Generator<JournalRecord> {
  const cloner = new Cloner(template, 'h', { pick: (r) => r.t === 'task' || r.t === 'final' });
  for (let i = 0; i < finished; i++) yield* cloner.clone();
}

async function measureSize(template: TaskTemplate, finished: number, run: number): Promise<SizeFigures> {
  return withTempDir(`store-${finished}`, async (stateDir) => {
    const records = await writeJournal(stateDir, history(template, finished));
    const config = benchConfig('full');
    const t0 = performance.now();
    const sup = await Supervisor.start({ stateDir, config, model: createSilentModel() });
    const startMs = performance.now() - t0;
    try {
      let n = 0;
      const emit = async (): Promise<void> => {
        await sup.emitEvent({ id: `bench-${run}-${n++}`, type: 'bench.tick', data: { n } });
      };
      await pool(500, IN_FLIGHT, emit); // warm-up
      const seqMs = await pool(EVENTS, 1, emit);
      const conMs = await pool(CONCURRENT_EVENTS, IN_FLIGHT, emit);
      const createMs = await pool(TASKS, 1, () => sup.createTask({ workflow: 'content', input: { ...BRIEF } }, 'cli'));
      return {
        finished,
        records,
        startMs,
        eventSeqUs: (seqMs / EVENTS) * 1000,
        eventConUs: (conMs / CONCURRENT_EVENTS) * 1000,
        createUs: (createMs / TASKS) * 1000,
      };
    } finally {
      await sup.stop();
    }
  });
}

function row(metric: string, first: SizeFigures, last: SizeFigures, pick: (s: SizeFigures) => number): BenchRow {
  const ratio = pick(last) / pick(first);
  return {
    metric: `${metric}, ${fmt(last.finished)} vs ${fmt(first.finished)} finished`,
    baseline: `${fmt(pick(first))} µs`,
    figure: `${fmt(pick(last))} µs`,
    ratio: times(ratio),
    goal: `<= ${GOAL_RATIO}×`,
    met: ratio <= GOAL_RATIO,
  };
}

function parseSizes(argv: readonly string[]): number[] {
  const arg = argv.find((a) => a.startsWith('--sizes='));
  return arg ? arg.slice('--sizes='.length).split(',').map(Number) : [1000, 10_000, 100_000];
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const sizes = parseSizes(argv);
  const template = await captureTemplate('completed');
  console.log(`store-cost: per acknowledged event after a restart with ${sizes.map((s) => fmt(s)).join(' / ')} finished tasks in the journal`);
  await measureSize(template, sizes[0] ?? 1000, -1); // warm the JIT on the smallest size, not reported
  const figures: SizeFigures[] = [];
  for (const [i, size] of sizes.entries()) {
    const f = await measureSize(template, size, i);
    figures.push(f);
    console.log(
      `  ${fmt(size).padStart(7)} finished (${fmt(f.records)} records, start ${fmt(f.startMs)} ms): emitEvent ${fmt(f.eventSeqUs)} µs sequential, ` +
        `${fmt(f.eventConUs, 1)} µs with ${IN_FLIGHT} in flight; createTask ${fmt(f.createUs)} µs`,
    );
  }
  const first = figures[0];
  const last = figures.at(-1);
  if (!first || !last) throw new Error('store-cost: no sizes');
  printResult({
    bench: 'store-cost',
    rows: [
      row('emitEvent ack, sequential', first, last, (s) => s.eventSeqUs),
      row(`emitEvent ack, ${IN_FLIGHT} in flight`, first, last, (s) => s.eventConUs),
      row('createTask ack, sequential', first, last, (s) => s.createUs),
    ],
    data: { sizes: figures },
  });
}

if (isMain(import.meta.url)) await main();
