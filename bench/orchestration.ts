// Orchestration overhead: the 4-step content workflow (author → canon + cultural in parallel →
// coordinator, then the gate) with a zero-latency model, in agentry with its durable journal and
// every contract checked, against bare XState in memory measured in the same process. With
// `--peers=<file>` (run.ts writes it) the LangGraph.js and Mastra figures are set beside it.
// Run: npm run build && node dist/bench/orchestration.js [--warmup=200] [--tasks=2000] [--in-flight=50]
import { readFile } from 'node:fs/promises';
import { assign, createActor, fromPromise, setup, toPromise } from 'xstate';
import { resolveConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/load.js';
import { Supervisor } from '../machines/supervisor/supervisor.js';
import { OutcomeWaiter, RssSampler, fmt, isMain, pool, printResult, times, withTempDir } from './harness.js';
import type { BenchRow } from './harness.js';
import { createStubModel } from './stub-model.js';

export const BRIEF = Object.freeze({
  goal: 'Get early-access sign-ups for the v2 analytics dashboard',
  channel: 'blog',
  audience: 'Heads of marketing at mid-size SaaS companies',
  tone: 'clear, confident, no hype',
  constraints: ['no pricing'],
  brandNotes: "We say 'teams', not 'users'.",
  canonNotes: '',
  contentType: 'launch-announcement',
});

export interface Throughput {
  sequentialPerSec: number;
  concurrentPerSec: number;
}

/** With the process CPU (user + system, every thread) a task took in each phase, in ms. */
interface Measured extends Throughput {
  sequentialCpuMs: number;
  concurrentCpuMs: number;
}

export interface PeerResult extends Throughput {
  bench: string;
  peakRssMb: number;
}

interface Options {
  warmup: number;
  tasks: number;
  inFlight: number;
  peers: string | null;
}

const GOALS = { sequentialPerSec: 1000, peakRssMb: 150, vsLangGraph: 3, vsMastra: 5 } as const;

// ---- baseline: the same shape in bare XState, no store, no contracts ------------------------------

const answer = (what: string) => fromPromise(async ({ input }: { input: { brief: string } }) => ({ what, from: input.brief }));

const bareMachine = setup({
  types: { context: {} as { brief: string; draft?: unknown; canon?: unknown; cultural?: unknown; decision?: unknown }, input: {} as { brief: string } },
  actors: { author: answer('draft'), canon: answer('canon'), cultural: answer('cultural'), coordinator: answer('decision') },
}).createMachine({
  context: ({ input }) => ({ brief: input.brief }),
  initial: 'authoring',
  states: {
    authoring: { invoke: { src: 'author', input: ({ context }) => context, onDone: { target: 'reviewing', actions: assign({ draft: ({ event }) => event.output }) } } },
    reviewing: {
      type: 'parallel',
      states: {
        canon: {
          initial: 'running',
          states: { running: { invoke: { src: 'canon', input: ({ context }) => context, onDone: { target: 'done', actions: assign({ canon: ({ event }) => event.output }) } } }, done: { type: 'final' } },
        },
        cultural: {
          initial: 'running',
          states: { running: { invoke: { src: 'cultural', input: ({ context }) => context, onDone: { target: 'done', actions: assign({ cultural: ({ event }) => event.output }) } } }, done: { type: 'final' } },
        },
      },
      onDone: 'coordinating',
    },
    coordinating: { invoke: { src: 'coordinator', input: ({ context }) => context, onDone: { target: 'done', actions: assign({ decision: ({ event }) => event.output }) } } },
    done: { type: 'final' },
  },
});

async function bareTask(i: number): Promise<void> {
  await toPromise(createActor(bareMachine, { input: { brief: `brief ${i}` } }).start());
}

async function measure(opts: Options, task: (i: number) => Promise<unknown>): Promise<Measured> {
  await pool(opts.warmup, opts.inFlight, task);
  const phase = async (inFlight: number): Promise<{ perSec: number; cpuMs: number }> => {
    const cpu = process.cpuUsage();
    const ms = await pool(opts.tasks, inFlight, task);
    const used = process.cpuUsage(cpu);
    return { perSec: (opts.tasks / ms) * 1000, cpuMs: (used.user + used.system) / 1000 / opts.tasks };
  };
  const seq = await phase(1);
  const con = await phase(opts.inFlight);
  return { sequentialPerSec: seq.perSec, concurrentPerSec: con.perSec, sequentialCpuMs: seq.cpuMs, concurrentCpuMs: con.cpuMs };
}

const cpuLine = (m: Measured): string => `CPU ${m.sequentialCpuMs.toFixed(3)} ms a task sequential, ${m.concurrentCpuMs.toFixed(3)} ms in flight`;

// ---- agentry ----------------------------------------------------------------------------------------

/** Deliveries are off: the peers publish nowhere, so orchestration is compared alone. */
/** One content task created and waited for to its outcome: the job of every in-process bench. */
export function contentTask(sup: Supervisor, waiter: OutcomeWaiter): () => Promise<string> {
  return async () => {
    const view = await sup.createTask({ workflow: 'content', input: { ...BRIEF } }, 'cli');
    await waiter.wait(view.id);
    return view.id;
  };
}

export function benchConfig(mode: 'full' | 'manual' = 'full'): ResolvedConfig {
  return resolveConfig({ version: 1, mode, deliveries: { routes: [] } });
}

async function agentry(opts: Options): Promise<Measured & { outcomes: Record<string, number>; journal: { appends: number; fsyncs: number; bytes: number }; modelCalls: number }> {
  return withTempDir('orchestration', async (stateDir) => {
    const model = createStubModel();
    const sup = await Supervisor.start({ stateDir, config: benchConfig('full'), model });
    const waiter = new OutcomeWaiter(sup);
    try {
      const figures = await measure(opts, contentTask(sup, waiter));
      return { ...figures, outcomes: { ...waiter.tally }, journal: sup.journalStats, modelCalls: model.counters.calls };
    } finally {
      waiter.close();
      await sup.stop();
    }
  });
}

// ---- report -----------------------------------------------------------------------------------------

async function readPeers(path: string | null): Promise<PeerResult[]> {
  if (path === null) return [];
  try {
    return JSON.parse(await readFile(path, 'utf8')) as PeerResult[];
  } catch {
    return [];
  }
}

function peerRows(ours: Throughput, peakRssMb: number, peers: readonly PeerResult[]): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const p of peers) {
    const goal = p.bench.includes('langgraph') ? GOALS.vsLangGraph : p.bench.includes('mastra') ? GOALS.vsMastra : null;
    const conRatio = ours.concurrentPerSec / p.concurrentPerSec;
    rows.push({
      metric: `tasks/s sequential vs ${p.bench}`,
      baseline: `${fmt(p.sequentialPerSec)}/s`,
      figure: `${fmt(ours.sequentialPerSec)}/s`,
      ratio: times(ours.sequentialPerSec / p.sequentialPerSec),
      goal: '',
      met: null,
    });
    rows.push({
      metric: `tasks/s in flight vs ${p.bench}`,
      baseline: `${fmt(p.concurrentPerSec)}/s`,
      figure: `${fmt(ours.concurrentPerSec)}/s`,
      ratio: times(conRatio),
      goal: goal === null ? '' : `>= ${goal}×`,
      met: goal === null ? null : conRatio >= goal,
    });
    rows.push({ metric: `peak RSS vs ${p.bench}`, baseline: `${fmt(p.peakRssMb)} MB`, figure: `${fmt(peakRssMb)} MB`, ratio: times(peakRssMb / p.peakRssMb), goal: '', met: null });
  }
  return rows;
}

function parseArgs(argv: readonly string[]): Options {
  const opts: Options = { warmup: 200, tasks: 2000, inFlight: 50, peers: null };
  for (const arg of argv) {
    const [, name, value] = /^--(warmup|tasks|in-flight|peers)=(.+)$/.exec(arg) ?? [];
    if (name === 'peers' && value !== undefined) opts.peers = value;
    else if (name === 'in-flight') opts.inFlight = Number(value);
    else if (name === 'warmup' || name === 'tasks') opts[name] = Number(value);
  }
  return opts;
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const opts = parseArgs(argv);
  const rss = new RssSampler();
  console.log(`orchestration: ${opts.warmup} warm-up, ${opts.tasks} sequential, ${opts.tasks} with ${opts.inFlight} in flight; 4-step content workflow, zero-latency model`);
  const bare = await measure(opts, bareTask);
  console.log(`  bare XState (in memory):  ${fmt(bare.sequentialPerSec)}/s sequential, ${fmt(bare.concurrentPerSec)}/s with ${opts.inFlight} in flight; ${cpuLine(bare)}`);
  const ours = await agentry(opts);
  const peakRssMb = rss.peakMb();
  rss.stop();
  console.log(`  agentry (durable, ajv):   ${fmt(ours.sequentialPerSec)}/s sequential, ${fmt(ours.concurrentPerSec)}/s with ${opts.inFlight} in flight, peak RSS ${fmt(peakRssMb)} MB; ${cpuLine(ours)}`);
  console.log(`  outcomes ${JSON.stringify(ours.outcomes)}; model calls ${ours.modelCalls}; journal ${ours.journal.appends} records in ${ours.journal.fsyncs} fsyncs`);
  const peers = await readPeers(opts.peers);
  if (opts.peers === null) console.log('  peers: not in this run (npm run bench runs LangGraph.js and Mastra first when installed)');
  const seqRatio = ours.sequentialPerSec / bare.sequentialPerSec;
  const conRatio = ours.concurrentPerSec / bare.concurrentPerSec;
  const total = opts.warmup + 2 * opts.tasks;
  printResult({
    bench: 'orchestration',
    rows: [
      { metric: 'tasks/s sequential vs bare XState', baseline: `${fmt(bare.sequentialPerSec)}/s`, figure: `${fmt(ours.sequentialPerSec)}/s`, ratio: times(seqRatio), goal: `>= ${fmt(GOALS.sequentialPerSec)}/s`, met: ours.sequentialPerSec >= GOALS.sequentialPerSec },
      { metric: `tasks/s ${opts.inFlight} in flight vs bare XState`, baseline: `${fmt(bare.concurrentPerSec)}/s`, figure: `${fmt(ours.concurrentPerSec)}/s`, ratio: times(conRatio), goal: '', met: null },
      { metric: 'peak RSS (whole process)', baseline: '', figure: `${fmt(peakRssMb)} MB`, ratio: '', goal: `< ${GOALS.peakRssMb} MB`, met: peakRssMb < GOALS.peakRssMb },
      { metric: 'tasks completed', baseline: '', figure: `${ours.outcomes['completed'] ?? 0}/${total}`, ratio: '', goal: `${total}/${total}`, met: ours.outcomes['completed'] === total },
      ...peerRows(ours, peakRssMb, peers),
    ],
    data: { options: opts, bare, agentry: ours, peakRssMb, peers },
  });
}

if (isMain(import.meta.url)) await main();
