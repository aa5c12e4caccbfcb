// Memory: RSS of a supervisor holding 10k active tasks, against the same supervisor empty,
// measured in the same process after a full GC (run with --expose-gc; run.ts does). The tasks
// run in manual mode with the zero-latency stub model: author, both reviews and coordinator
// done, each ends awaiting a person's approval with its outputs, reviews and approval held.
// Run: npm run build && node --expose-gc dist/bench/memory.js [--active=10000]
import { Supervisor } from '../machines/supervisor/supervisor.js';
import { OutcomeWaiter, RssSampler, fmt, isMain, mb, pool, printResult, tick, times, withTempDir } from './harness.js';
import { benchConfig, contentTask } from './orchestration.js';
import { createStubModel } from './stub-model.js';

const GOAL_MB = 300;
const IN_FLIGHT = 50;

interface Footprint {
  rssMb: number;
  heapMb: number;
  heapTotalMb: number;
  externalMb: number;
}

async function settledRss(): Promise<Footprint> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await tick(20);
  }
  const m = process.memoryUsage();
  return { rssMb: mb(m.rss), heapMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), externalMb: mb(m.external) };
}

const show = (f: Footprint): string => `${fmt(f.rssMb)} MB RSS (heap used ${fmt(f.heapMb)} of ${fmt(f.heapTotalMb)} MB, external ${fmt(f.externalMb)} MB)`;

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const active = Number(argv.find((a) => a.startsWith('--active='))?.slice('--active='.length) ?? 10_000);
  const hasGc = typeof (globalThis as { gc?: unknown }).gc === 'function';
  await withTempDir('memory', async (stateDir) => {
    const rss = new RssSampler();
    const sup = await Supervisor.start({ stateDir, config: benchConfig('manual'), model: createStubModel() });
    const waiter = new OutcomeWaiter(sup);
    const empty = await settledRss();
    const t0 = performance.now();
    await pool(active, IN_FLIGHT, contentTask(sup, waiter));
    const fillMs = performance.now() - t0;
    const full = await settledRss();
    const status = sup.status();
    const pending = status.approvals.length;
    const peakMb = rss.peakMb();
    rss.stop();
    console.log(`memory: ${fmt(active)} tasks awaiting approval (manual mode), filled in ${fmt(fillMs / 1000, 1)} s (${fmt((active / fillMs) * 1000)} tasks/s)${hasGc ? '' : ' — no --expose-gc: figures include garbage'}`);
    console.log(`  empty supervisor: ${show(empty)}`);
    console.log(`  ${fmt(pending)} pending approvals: ${show(full)}; peak RSS ${fmt(peakMb)} MB`);
    console.log(`  ${fmt(((full.rssMb - empty.rssMb) * 1024) / active, 1)} KB RSS and ${fmt(((full.heapMb - empty.heapMb) * 1024) / active, 1)} KB heap per active task`);
    printResult({
      bench: 'memory',
      rows: [
        { metric: `RSS with ${fmt(active)} active tasks vs empty`, baseline: `${fmt(empty.rssMb)} MB`, figure: `${fmt(full.rssMb)} MB`, ratio: times(full.rssMb / empty.rssMb), goal: `< ${GOAL_MB} MB`, met: full.rssMb < GOAL_MB },
        { metric: 'tasks awaiting approval', baseline: '', figure: fmt(pending), ratio: '', goal: fmt(active), met: pending === active },
      ],
      data: { active, empty, full, peakMb, fillMs, pending, gc: hasGc, journal: sup.journalStats },
    });
    waiter.close();
    // No stop(): draining 10k actors is not what is measured; the temp folder is removed.
  });
  process.exit(0);
}

if (isMain(import.meta.url)) await main();
