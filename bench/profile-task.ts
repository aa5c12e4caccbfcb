// Where one sequential task's wall time goes (a wait profile), for bench/README.md: the same
// supervisor and stub model as orchestration.ts, warmed up, then tasks run one at a time with
// their wall time split into CPU on the main thread, fdatasync waits, and the rest (hops between
// macrotasks, timers, the thread pool); the timers and immediates a task schedules are counted by
// where they were set; and one traced task's supervisor events are listed with their offsets.
// Bench-only: it wraps the journal's file operations and global timers from the outside.
// Run: npm run build && node dist/bench/profile-task.js [--warmup=300] [--tasks=500]
// CPU profile of the same run: node --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/profile-task.js, then dist/bench/profile-cpu.js
import { nodeFsOps } from '../memory/fs-ops.js';
import type { FsOps } from '../memory/fs-ops.js';
import { Supervisor } from '../machines/supervisor/supervisor.js';
import { countOptions, fmt, isMain, OutcomeWaiter, withTempDir } from './harness.js';
import { benchConfig, contentTask } from './orchestration.js';
import { createStubModel } from './stub-model.js';

interface Waits {
  fsyncMs: number;
  fsyncs: number;
  writes: number;
  writeMs: number;
  /** Each fdatasync's duration and the bytes written since the one before. */
  syncs: { ms: number; bytes: number }[];
  bytesSinceSync: number;
  /** While set, each write and fdatasync is listed with its offset from `trace.start`. */
  trace: { start: number; lines: string[] } | null;
}

/** The journal's file operations, timed. */
function timedFs(w: Waits): FsOps {
  return {
    async open(path) {
      const file = await nodeFsOps.open(path);
      return {
        write: (data, position) => {
          const t = performance.now();
          const n = file.write(data, position);
          w.writeMs += performance.now() - t;
          w.writes += 1;
          w.bytesSinceSync += n;
          w.trace?.lines.push(`    +${(t - w.trace.start).toFixed(3).padStart(7)} ms  (journal write, ${n} bytes)`);
          return n;
        },
        sync: async () => {
          const t = performance.now();
          w.trace?.lines.push(`    +${(t - w.trace.start).toFixed(3).padStart(7)} ms  (fdatasync starts)`);
          await file.sync();
          w.trace?.lines.push(`    +${(performance.now() - w.trace.start).toFixed(3).padStart(7)} ms  (fdatasync done)`);
          const ms = performance.now() - t;
          w.fsyncMs += ms;
          w.fsyncs += 1;
          w.syncs.push({ ms, bytes: w.bytesSinceSync });
          w.bytesSinceSync = 0;
        },
        truncate: (length) => file.truncate(length),
        close: () => file.close(),
      };
    },
  };
}

/** Counts setTimeout/setImmediate calls by the first frame outside node and this file, with their delays. */
function countTimers(): { counts: Map<string, { n: number; delays: Set<number> }>; restore: () => void } {
  const counts = new Map<string, { n: number; delays: Set<number> }>();
  const origTimeout = globalThis.setTimeout;
  const origImmediate = globalThis.setImmediate;
  const note = (kind: string, delay: number): void => {
    const frames = (new Error().stack ?? '').split('\n').slice(3);
    const at = frames.find((f) => !f.includes('node:') && !f.includes('profile-task')) ?? '?';
    const where = `${kind} ${at.trim().replace(/^at /, '').replace(/file:\/\/.*?\/dist\//, '').replace(/\(file:\/\/.*?\/(dist|node_modules)\//, '(')}`;
    const c = counts.get(where) ?? { n: 0, delays: new Set<number>() };
    c.n += 1;
    c.delays.add(delay);
    counts.set(where, c);
  };
  globalThis.setTimeout = ((fn: () => void, ms?: number) => {
    note('setTimeout', ms ?? 0);
    return origTimeout(fn, ms);
  }) as typeof setTimeout;
  globalThis.setImmediate = ((fn: () => void) => {
    note('setImmediate', 0);
    return origImmediate(fn);
  }) as typeof setImmediate;
  return {
    counts,
    restore: () => {
      globalThis.setTimeout = origTimeout;
      globalThis.setImmediate = origImmediate;
    },
  };
}

const median = (xs: number[]): string => fmt([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0, 3);

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const opts = countOptions(argv, { warmup: 300, tasks: 500 });
  const waits: Waits = { fsyncMs: 0, fsyncs: 0, writes: 0, writeMs: 0, syncs: [], bytesSinceSync: 0, trace: null };
  await withTempDir('profile', async (stateDir) => {
    const model = createStubModel();
    const sup = await Supervisor.start({ stateDir, config: benchConfig('full'), model, fs: timedFs(waits) });
    const waiter = new OutcomeWaiter(sup);
    const one = contentTask(sup, waiter);
    try {
      for (let i = 0; i < opts.warmup; i++) await one();
      const before = sup.journalStats;
      Object.assign(waits, { fsyncMs: 0, fsyncs: 0, writes: 0, writeMs: 0, syncs: [] });
      const timers = countTimers();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < opts.tasks; i++) await one();
      const wallMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      timers.restore();
      const after = sup.journalStats;
      const n = opts.tasks;
      const per = (x: number): string => fmt(x / n, 3);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      console.log(`profile-task: ${opts.warmup} warm-up, then ${n} tasks one at a time (4-step content workflow, stub model, full mode)`);
      console.log(`  per task: wall ${per(wallMs)} ms = process CPU ${per(cpuMs)} ms (user ${per(cpu.user / 1000)}, system ${per(cpu.system / 1000)}) + off-CPU ${per(Math.max(0, wallMs - cpuMs))} ms`);
      console.log(`  fdatasync: ${per(waits.fsyncs)} a task, ${per(waits.fsyncMs)} ms a task waited (thread pool); writeSync: ${per(waits.writes)} a task, ${per(waits.writeMs)} ms`);
      const small = waits.syncs.filter((x) => x.bytes < 4096);
      const large = waits.syncs.filter((x) => x.bytes >= 4096);
      console.log(`  fdatasync median: ${median(small.map((x) => x.ms))} ms covering < 4 KB (${small.length}), ${median(large.map((x) => x.ms))} ms covering >= 4 KB (${large.length})`);
      console.log(`  journal: ${per(after.appends - before.appends)} records a task, ${per(after.bytes - before.bytes)} bytes a task`);
      console.log(`  => ${fmt((n / wallMs) * 1000)} tasks/s sequential`);
      console.log('  timers and immediates scheduled, per task, by caller:');
      for (const [where, c] of [...timers.counts].sort((a, b) => b[1].n - a[1].n)) {
        console.log(`    ${fmt(c.n / n, 2).padStart(6)}  delays ${[...c.delays].slice(0, 4).join(',')} ms  ${where}`);
      }
      // One traced task: each supervisor event with its offset from the call.
      const lines: string[] = [];
      const start = performance.now();
      waits.trace = { start, lines };
      const unsubscribe = sup.subscribe((_seq, event) => lines.push(`    +${(performance.now() - start).toFixed(3).padStart(7)} ms  ${event.type}`));
      await one();
      lines.push(`    +${(performance.now() - start).toFixed(3).padStart(7)} ms  (waiter resolved)`);
      unsubscribe();
      waits.trace = null;
      console.log('  one traced task: supervisor events, journal writes and fdatasyncs by offset:');
      console.log(lines.join('\n'));
    } finally {
      waiter.close();
      await sup.stop();
    }
  });
}

if (isMain(import.meta.url)) await main();
