// What every bench shares: the result line run.ts collects, a peak-RSS sampler, temp state
// folders, and a waiter for task outcomes on the supervisor's event stream.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SupervisorEvent } from '../machines/events.js';
import type { Supervisor } from '../machines/supervisor/supervisor.js';

/** One line of the summary table. `met` is null when the row has no goal. */
export interface BenchRow {
  metric: string;
  baseline: string;
  figure: string;
  ratio: string;
  goal: string;
  met: boolean | null;
}

export interface BenchResult {
  bench: string;
  rows: BenchRow[];
  /** Raw figures, for whoever wants to chart them. */
  data: Record<string, unknown>;
}

/** run.ts picks the result out of a bench's stdout by this prefix. */
export const RESULT_PREFIX = 'BENCH_RESULT ';

export function printResult(result: BenchResult): void {
  console.log(`${RESULT_PREFIX}${JSON.stringify(result)}`);
}

export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && url === pathToFileURL(process.argv[1]).href;
}

export const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
export const fmt = (x: number, digits = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const times = (x: number): string => `${x.toFixed(2)}×`;

/** Samples RSS every 50 ms; `peakMb` also reads the kernel's max RSS for the whole process. */
export class RssSampler {
  private peak = process.memoryUsage().rss;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 50) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): number {
    const rss = process.memoryUsage().rss;
    if (rss > this.peak) this.peak = rss;
    return rss;
  }

  /** The larger of the sampled peak and getrusage maxRSS (kilobytes on Linux). */
  peakMb(): number {
    this.sample();
    return mb(Math.max(this.peak, process.resourceUsage().maxRSS * 1024));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `agentry-bench-${prefix}-`));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export type Outcome = 'completed' | 'rejected' | 'failed' | 'awaiting_approval';

const FINAL: Partial<Record<SupervisorEvent['type'], Outcome>> = {
  'task.completed': 'completed',
  'task.rejected': 'rejected',
  'task.failed': 'failed',
  'approval.requested': 'awaiting_approval',
};

/** Resolves `wait(id)` on the first final (or approval-requested) event of that task. */
export class OutcomeWaiter {
  private readonly waiting = new Map<string, (o: Outcome) => void>();
  private readonly early = new Map<string, Outcome>();
  readonly tally: Record<Outcome, number> = { completed: 0, rejected: 0, failed: 0, awaiting_approval: 0 };
  private readonly unsubscribe: () => void;

  constructor(sup: Supervisor) {
    this.unsubscribe = sup.subscribe((_seq, event) => {
      const outcome = FINAL[event.type];
      if (outcome === undefined || !('taskId' in event) || typeof event.taskId !== 'string') return;
      const resolve = this.waiting.get(event.taskId);
      if (resolve) {
        this.waiting.delete(event.taskId);
        resolve(outcome);
      } else {
        this.early.set(event.taskId, outcome);
      }
    });
  }

  wait(taskId: string): Promise<Outcome> {
    const early = this.early.get(taskId);
    if (early !== undefined) {
      this.early.delete(taskId);
      this.tally[early] += 1;
      return Promise.resolve(early);
    }
    return new Promise((resolve) =>
      this.waiting.set(taskId, (o) => {
        this.tally[o] += 1;
        resolve(o);
      }),
    );
  }

  close(): void {
    this.unsubscribe();
  }
}

/** `--name=<digits>` options over their defaults; anything else in `argv` is left alone. */
export function countOptions<K extends string>(argv: readonly string[], defaults: Record<K, number>): Record<K, number> {
  const opts = { ...defaults };
  for (const arg of argv) {
    const [, name, value] = /^--([a-z-]+)=(\d+)$/.exec(arg) ?? [];
    if (name !== undefined && Object.hasOwn(opts, name)) opts[name as K] = Number(value);
  }
  return opts;
}

/** Runs `count` jobs with at most `inFlight` at once; resolves with the wall time in ms. */
export async function pool(count: number, inFlight: number, job: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return performance.now() - started;
}

/** Lets the event loop drain pending I/O callbacks and timers. */
export function tick(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
