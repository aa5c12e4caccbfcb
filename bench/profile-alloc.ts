// Where a task's allocations come from (an allocation profile), for bench/README.md: the same
// supervisor and stub model as orchestration.ts, warmed up, then tasks run with V8's sampling
// heap profiler counting every sampled allocation, the ones later collected included. Garbage is
// what fills the heap between collections: the peak RSS of the orchestration bench is mostly that,
// not what tasks keep. Printed per task: bytes by area (our folders, each package) and by function,
// and by the nearest frame in our own code (what made XState or Node allocate).
// Run: npm run build && node dist/bench/profile-alloc.js [--warmup=300] [--tasks=2000] [--in-flight=50]
import { Session } from 'node:inspector/promises';
import { Supervisor } from '../machines/supervisor/supervisor.js';
import { countOptions, fmt, isMain, OutcomeWaiter, pool, withTempDir } from './harness.js';
import { benchConfig, contentTask } from './orchestration.js';
import { addTo, areaOf, nameOf, topRows } from './profile-cpu.js';
import { createStubModel } from './stub-model.js';

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

/** Areas that are ours: a frame there is the one that asked for what the frames above it allocated. */
const OURS = /^(machines|memory|agents|schemas|core|config|server|hooks)(\/|$)/;

function table(title: string, totals: Map<string, number>, tasks: number, top: number): string {
  return [title, ...topRows(totals, top).map(([k, bytes]) => `  ${fmt(bytes / tasks / 1024, 1).padStart(7)} KB  ${k}`)].join('\n');
}

export function summarise(head: SamplingNode, tasks: number, top = 25): string {
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  const callers = new Map<string, number>();
  let all = 0;
  const walk = (node: SamplingNode, ourCaller: string | undefined): void => {
    const area = areaOf(node.callFrame);
    const name = nameOf(node.callFrame);
    const caller = OURS.test(area) ? name : ourCaller;
    if (node.selfSize > 0) {
      all += node.selfSize;
      addTo(areas, area, node.selfSize);
      addTo(fns, name, node.selfSize);
      addTo(callers, caller ?? '(no frame of ours)', node.selfSize);
    }
    for (const child of node.children) walk(child, caller);
  };
  walk(head, undefined);
  return [
    `${fmt(all / tasks / 1024, 1)} KB allocated a task (sampled, collected objects included)`,
    table('by area', areas, tasks, top),
    table('by function', fns, tasks, top),
    table('by the nearest frame of ours', callers, tasks, top),
  ].join('\n');
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const { warmup, tasks, 'in-flight': inFlight } = countOptions(argv, { warmup: 300, tasks: 2000, 'in-flight': 50 });
  await withTempDir('profile-alloc', async (stateDir) => {
    const sup = await Supervisor.start({ stateDir, config: benchConfig('full'), model: createStubModel() });
    const waiter = new OutcomeWaiter(sup);
    const session = new Session();
    session.connect();
    try {
      const task = contentTask(sup, waiter);
      await pool(warmup, inFlight, task);
      await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      await pool(tasks, inFlight, task);
      const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: SamplingNode } };
      console.log(`profile-alloc: ${fmt(warmup)} warm-up, then ${fmt(tasks)} tasks with ${fmt(inFlight)} in flight (4-step content workflow, stub model, full mode)`);
      console.log(summarise(profile.head, tasks));
    } finally {
      session.disconnect();
      waiter.close();
      await sup.stop();
    }
  });
}

if (isMain(import.meta.url)) await main();
