// Recovery: time from `Supervisor.start` to a served `status()` on a state folder holding 10k
// active tasks in a 100k-record journal (the rest is finished tasks' records), against reading
// and parsing that journal alone with `openJournal`. Each measurement runs in a fresh process on
// a fresh copy of the folder (a start re-runs the open steps and writes to it); median of 3.
// The active tasks are cut off in their author step (intent and call journaled, no result), as
// after a crash with work in flight; on start each re-runs, against a model that never answers.
// Run: npm run build && node dist/bench/recovery.js [--active=10000] [--records=100000]
import { execFile } from 'node:child_process';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openJournal } from '../memory/journal.js';
import type { JournalRecord } from '../machines/supervisor/durable/records.js';
import { Supervisor } from '../machines/supervisor/supervisor.js';
import { fmt, isMain, printResult, times, withTempDir } from './harness.js';
import { benchConfig } from './orchestration.js';
import { createSilentModel } from './stub-model.js';
import { Cloner, captureTemplate, writeJournal } from './templates.js';
import type { TaskTemplate } from './templates.js';

const GOAL_MS = 2000;
const RUNS = 3;
const run = promisify(execFile);

interface Measured {
  ms: number;
  records: number;
  active?: number;
}

function* journalRecords(active: TaskTemplate, done: TaskTemplate, activeCount: number, total: number): Generator<JournalRecord> {
  const finishedCount = Math.max(0, Math.ceil((total - activeCount * active.records.length) / done.records.length));
  const finished = new Cloner(done, 'f');
  for (let i = 0; i < finishedCount; i++) yield* finished.clone();
  const open = new Cloner(active, 'a', { firstSeq: finished.nextSeq });
  for (let i = 0; i < activeCount; i++) yield* open.clone();
}

// ---- the two measurements, each in its own process -------------------------------------------------

async function measureRead(dir: string): Promise<Measured> {
  const t0 = performance.now();
  const opened = await openJournal(dir);
  const ms = performance.now() - t0;
  await opened.journal.close();
  return { ms, records: opened.records.length };
}

async function measureStart(dir: string): Promise<Measured> {
  const config = benchConfig('full');
  const model = createSilentModel();
  const t0 = performance.now();
  const sup = await Supervisor.start({ stateDir: dir, config, model });
  const status = sup.status();
  const ms = performance.now() - t0;
  const active = Object.values(status.queue).reduce((a, b) => a + b, 0);
  return { ms, records: sup.journalStats.appends, active };
}

async function inChild(what: 'read' | 'start', source: string, scratch: string, i: number): Promise<Measured> {
  const dir = join(scratch, `${what}-${i}`);
  await cp(source, dir, { recursive: true });
  const { stdout } = await run(process.execPath, [fileURLToPath(import.meta.url), `--measure=${what}`, `--dir=${dir}`], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Measured;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

function parseArgs(argv: readonly string[]): { active: number; records: number; measure?: string; dir?: string } {
  const out: { active: number; records: number; measure?: string; dir?: string } = { active: 10_000, records: 100_000 };
  for (const arg of argv) {
    const [, name, value] = /^--(active|records|measure|dir)=(.+)$/.exec(arg) ?? [];
    if (value === undefined) continue;
    if (name === 'active' || name === 'records') out[name] = Number(value);
    if (name === 'measure' || name === 'dir') out[name] = value;
  }
  return out;
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const args = parseArgs(argv);
  if (args.measure !== undefined && args.dir !== undefined) {
    const m = args.measure === 'read' ? await measureRead(args.dir) : await measureStart(args.dir);
    console.log(JSON.stringify(m));
    process.exit(0); // the measured supervisor is abandoned, as by a crash: its folder is a copy
  }
  const [active, done] = [await captureTemplate('active'), await captureTemplate('completed')];
  await withTempDir('recovery', async (scratch) => {
    const source = join(scratch, 'source');
    const t0 = performance.now();
    const records = await writeJournal(source, journalRecords(active, done, args.active, args.records));
    console.log(`recovery: ${fmt(records)}-record journal with ${fmt(args.active)} active tasks (${active.records.length} records each), built in ${fmt(performance.now() - t0)} ms`);
    const reads: Measured[] = [];
    const starts: Measured[] = [];
    for (let i = 0; i < RUNS; i++) {
      reads.push(await inChild('read', source, scratch, i));
      starts.push(await inChild('start', source, scratch, i));
    }
    const readMs = median(reads.map((m) => m.ms));
    const startMs = median(starts.map((m) => m.ms));
    const served = starts[0]?.active ?? 0;
    console.log(`  openJournal read+parse: ${reads.map((m) => fmt(m.ms)).join(' / ')} ms; Supervisor.start → status(): ${starts.map((m) => fmt(m.ms)).join(' / ')} ms; ${fmt(served)} active tasks served`);
    printResult({
      bench: 'recovery',
      rows: [
        { metric: `start to serving, ${fmt(args.active)} active, ${fmt(records)} records`, baseline: `${fmt(readMs)} ms`, figure: `${fmt(startMs)} ms`, ratio: times(startMs / readMs), goal: `< ${fmt(GOAL_MS)} ms`, met: startMs < GOAL_MS },
        { metric: 'active tasks after start', baseline: '', figure: fmt(served), ratio: '', goal: fmt(args.active), met: served === args.active },
      ],
      data: { records, active: args.active, reads, starts, readMs, startMs },
    });
  });
}

if (isMain(import.meta.url)) await main();
