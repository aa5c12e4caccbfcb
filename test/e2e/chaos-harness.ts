// Seeded kill -9 chaos against the real supervisor process (reliability.md §9 tests 1, 9, 18),
// shared by test/e2e/chaos.test.ts (CI size) and bench/chaos.ts (bigger runs). Tasks and routed
// events flow through the fake model while a seeded schedule SIGKILLs the supervisor and starts it
// again, until every accepted task is terminal. Then one last kill -9 freezes the full journal for
// the checks (chaos-checks.ts), a restart shows what recovery restores, and a clean stop shows
// what compaction archives. Requires `npm run build` (the supervisor runs from dist/).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, createApiClient } from '../../server/api-client.js';
import type { ApiClient } from '../../server/api-client.js';
import type { EmitEventResult, StatusView, TaskView } from '../../server/contract.js';
import { TERMINAL_STATUSES } from '../../server/contract.js';
import { startDaemon } from '../support/daemon.js';
import type { Daemon } from '../support/daemon.js';
import type { ChaosRun, KillRecord } from './chaos-checks.js';
import { between, CHAOS_MODEL, CHAOS_PRICES, createChaosModel, prng } from './chaos-model.js';
import type { ChaosModel } from './chaos-model.js';
import { journalSpendMicros, micros, openCallKeys, readArchivedViews, readStore } from './chaos-store.js';

export type { ChaosRun } from './chaos-checks.js';
export { checkReruns, checkSpend, checkSpendRestore, checkTasks } from './chaos-checks.js';

export interface ChaosOptions {
  /** Tasks and events to get accepted. */
  tasks: number;
  seed: number;
  /** Share of submissions sent as routed events (POST /v1/events) rather than POST /v1/tasks. */
  eventShare?: number;
  /** Time from a restart to the next kill; a few kills come much sooner (see EARLY_KILL_SHARE). */
  killEveryMs?: readonly [number, number];
  /** Latency of each fake model answer. */
  latencyMs?: readonly [number, number];
  /** Accepted tasks not yet finished at once. */
  maxOutstanding?: number;
  /**
   * Submissions per second (hooks and clients arrive at their own pace, not as fast as the
   * supervisor takes them): spreads the run over enough kills whatever the machine's speed.
   * What could not be submitted while the supervisor was down goes in a burst after it is back.
   */
  perSecond?: number;
  /** Bound of the whole run; past it the run fails with its seed. */
  deadlineMs?: number;
  /**
   * Kills in one run at most. On a loaded machine a restart takes longer than the time between
   * kills, so without a bound the kills outpace the work and the run never ends.
   */
  maxKills?: number;
  log?: (line: string) => void;
}

const GLOBAL_IN_FLIGHT = 8;
const EARLY_KILL_SHARE = 0.15;
const EARLY_KILL_MS = [0, 120] as const;
/** Submit-and-poll cadence: gentle on the supervisor (each poll is one GET per unfinished task). */
const POLL_MS = 100;
/** Bound of the final clean stop (drain, compaction, archive). */
const STOP_MS = 30_000;

/** A marketing brief without its goal (each task and event gets its own). */
const BRIEF = { channel: 'blog', audience: 'Heads of marketing at mid-size SaaS companies', tone: 'plain', constraints: ['no pricing'], brandNotes: '', canonNotes: '', contentType: 'chaos-post' };

function chaosConfig(): Record<string, unknown> {
  const agent = { concurrency: 4, breaker: { failureThreshold: 1000 } };
  return {
    version: 1,
    mode: 'full',
    models: { default: CHAOS_MODEL, tiers: [CHAOS_MODEL], maxRetries: 0, repairAttempts: 0, timeoutMs: 60_000 },
    prices: CHAOS_PRICES,
    limits: { globalInFlight: GLOBAL_IN_FLIGHT },
    agents: { marketing: agent, sales: agent, reviewer: agent, coordinator: agent, healer: agent },
    risk: { dailySpendLimitUsd: 100_000, perTaskCapUsd: 1_000, randomReviewPercent: 0 },
    reviews: { defaultTier: 2 },
    learning: { enabled: false, pin: { confidenceThreshold: true, reviewTiers: true, models: true, severityThreshold: true } },
    workflows: { chaos: { description: 'Chaos: a draft, cultural review, the coordinator, publish.', domain: 'content', contentType: 'chaos-post', steps: [{ id: 'draft', agent: 'marketing' }], review: 'tiered', gate: { action: 'publish' } } },
    events: { rules: [{ event: 'chaos.ping', workflow: 'chaos', priority: 'P1', input: { ...BRIEF, goal: 'Answer chaos event {{data.n}}' } }] },
    logging: { level: 'warn' },
  };
}

type Submission = { kind: 'task'; n: number } | { kind: 'event'; id: string; n: number };

/** The mutable state of one run, shared by the submitter and the killer. */
class Rig {
  daemon: Daemon | null = null;
  readonly kills: KillRecord[] = [];
  readonly crashes: string[] = [];
  readonly acceptedTasks: string[] = [];
  readonly acceptedEvents: string[] = [];
  readonly outstanding = new Set<string>();
  readonly retryEvents: Submission[] = [];
  submitted = 0;
  submitFailures = 0;
  /** Task ids that came from an event's first acknowledgement (counted as accepted events). */
  fromEvents = 0;
  stopKilling = false;
  /** Why the killer gave up (a restart that failed), for the submitter to stop at once. */
  failure: Error | null = null;

  constructor(
    readonly opts: Required<Omit<ChaosOptions, 'log'>> & Pick<ChaosOptions, 'log'>,
    readonly projectDir: string,
    readonly stateDir: string,
    readonly client: ApiClient,
    readonly env: Record<string, string>,
    readonly rand: () => number,
  ) {}

  /** Tasks posted plus events acknowledged. */
  get accepted(): number {
    return this.acceptedTasks.length - this.fromEvents + this.acceptedEvents.length;
  }

  get alive(): boolean {
    const child = this.daemon?.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  async start(): Promise<number> {
    const t0 = performance.now();
    this.daemon = await startDaemon({ projectDir: this.projectDir, env: this.env, readyTimeoutMs: 60_000 });
    return performance.now() - t0;
  }

  fail(what: string): Error {
    const tail = (this.daemon?.output() ?? '').slice(-3000);
    return new Error(`chaos seed=${this.opts.seed}: ${what} (accepted ${this.accepted}/${this.opts.tasks}, outstanding ${this.outstanding.size}, kills ${this.kills.length})\n${tail}`);
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosRun> {
  const opts = { eventShare: 0.2, killEveryMs: [300, 1500] as const, latencyMs: [5, 40] as const, maxOutstanding: 24, perSecond: 10, deadlineMs: 420_000, maxKills: 40, ...options };
  const started = performance.now();
  const model = createChaosModel({ seed: opts.seed, latencyMs: opts.latencyMs, maxRequests: opts.tasks * 16 + 200 });
  const server = await model.fake.start();
  const projectDir = await mkdtemp(join(tmpdir(), 'agentry-chaos-'));
  const stateDir = join(projectDir, '.agentry');
  await writeFile(join(projectDir, 'agentry.config.json'), `${JSON.stringify(chaosConfig(), null, 2)}\n`);
  const env = { ANTHROPIC_API_KEY: 'sk-chaos-dummy', ANTHROPIC_BASE_URL: server.url };
  const rig = new Rig(opts, projectDir, stateDir, createApiClient({ stateDir }, { timeoutMs: 10_000 }), env, prng(opts.seed));
  const deadline = Date.now() + opts.deadlineMs;
  try {
    await rig.start();
    const killer = killLoop(rig, deadline).catch((err: unknown) => {
      rig.failure = err instanceof Error ? err : new Error(String(err));
    });
    try {
      await drive(rig, deadline);
    } finally {
      rig.stopKilling = true;
      await killer;
    }
    await drive(rig, deadline); // once more with no kill pending: all done and still done
    return await finish(rig, model, started);
  } finally {
    await rig.daemon?.kill9();
    await server.close();
    await rm(projectDir, { recursive: true, force: true });
  }
}

/** Submits until enough are accepted and polls until every task the supervisor has is terminal. */
async function drive(rig: Rig, deadline: number): Promise<void> {
  const started = performance.now();
  for (;;) {
    if (rig.failure) throw rig.failure;
    if (Date.now() > deadline) throw rig.fail('the run did not finish in time');
    const due = Math.min(rig.opts.tasks, ((performance.now() - started) / 1000) * rig.opts.perSecond);
    while (rig.accepted < due && rig.outstanding.size < rig.opts.maxOutstanding) {
      if (!(await submitOne(rig))) break;
    }
    await poll(rig);
    if (rig.accepted >= rig.opts.tasks && rig.outstanding.size === 0 && rig.retryEvents.length === 0 && (await idle(rig.client))) return;
    await sleep(POLL_MS);
  }
}

async function submitOne(rig: Rig): Promise<boolean> {
  const next: Submission =
    rig.retryEvents.shift() ??
    (rig.rand() < rig.opts.eventShare ? { kind: 'event', id: `ev-${rig.opts.seed}-${rig.submitted}`, n: rig.submitted++ } : { kind: 'task', n: rig.submitted++ });
  try {
    if (next.kind === 'task') {
      const view = await rig.client.post<TaskView>('/v1/tasks', { workflow: 'chaos', input: { ...BRIEF, goal: `Chaos task ${next.n}` }, priority: 'P1' });
      rig.acceptedTasks.push(view.id);
      rig.outstanding.add(view.id);
      return true;
    }
    const res = await rig.client.post<EmitEventResult>('/v1/events', { type: 'chaos.ping', id: next.id, data: { n: next.n } });
    rig.acceptedEvents.push(next.id);
    for (const id of res.taskIds) {
      rig.acceptedTasks.push(id);
      rig.outstanding.add(id);
      rig.fromEvents += 1;
    }
    return true;
  } catch {
    // No 2xx: not accepted. A task is submitted afresh later; an event again with the same id.
    rig.submitFailures += 1;
    if (next.kind === 'event') rig.retryEvents.push(next);
    return false;
  }
}

async function poll(rig: Rig): Promise<void> {
  for (const id of rig.outstanding) {
    try {
      const view = await rig.client.get<TaskView>(`/v1/tasks/${id}`);
      if (TERMINAL_STATUSES.includes(view.status)) rig.outstanding.delete(id);
    } catch (err) {
      // An accepted task the supervisor does not know: stop waiting, the checks name it.
      if (err instanceof ApiError && err.status === 404) rig.outstanding.delete(id);
      else return; // down or restarting: poll again later
    }
  }
}

/** No task of any origin is active (orphans of POSTs a kill cut included). */
async function idle(client: ApiClient): Promise<boolean> {
  try {
    const s = await client.get<StatusView>('/v1/status');
    return Object.values(s.queue).every((n) => n === 0);
  } catch {
    return false;
  }
}

async function spendOf(client: ApiClient): Promise<{ micros: number; day: string } | null> {
  try {
    const s = await client.get<StatusView>('/v1/status');
    return { micros: micros(s.spend.spentUsd), day: s.spend.day };
  } catch {
    return null;
  }
}

async function killLoop(rig: Rig, deadline: number): Promise<void> {
  while (!rig.stopKilling && rig.kills.length < rig.opts.maxKills && Date.now() < deadline) {
    const early = rig.rand() < EARLY_KILL_SHARE;
    const until = performance.now() + between(rig.rand, early ? EARLY_KILL_MS : rig.opts.killEveryMs);
    while (performance.now() < until && !rig.stopKilling && rig.alive) await sleep(10);
    if (rig.stopKilling) return;
    if (!rig.alive) {
      rig.crashes.push(`exit ${String(rig.daemon?.child.exitCode ?? rig.daemon?.child.signalCode)}: ${(rig.daemon?.output() ?? '').slice(-2000)}`);
      await rig.start();
      continue;
    }
    await killOnce(rig);
  }
}

async function killOnce(rig: Rig): Promise<void> {
  const before = await spendOf(rig.client);
  const sentAt = Date.now();
  await rig.daemon?.kill9();
  const deadAt = Date.now();
  const store = await readStore(rig.stateDir);
  const recoveryMs = await rig.start();
  const after = await spendOf(rig.client);
  const kill: KillRecord = {
    sentAt,
    deadAt,
    before,
    journalMicros: journalSpendMicros(store.records, before?.day ?? new Date(deadAt).toISOString().slice(0, 10)),
    openKeys: openCallKeys(store.records).length,
    after,
    recoveryMs,
    corrupt: store.corrupt,
    torn: store.torn,
  };
  rig.kills.push(kill);
  rig.opts.log?.(`kill ${rig.kills.length}: accepted ${rig.accepted}, open steps ${kill.openKeys}, recovered in ${Math.round(recoveryMs)} ms`);
}

/** SIGTERM, and the exit code; null (after a kill -9) if it does not exit within `ms`. */
async function stopWithin(daemon: Daemon, ms: number): Promise<number | null> {
  const timer = sleep(ms, 'timeout' as const, { ref: false });
  const code = await Promise.race([daemon.stop(), timer]);
  if (code !== 'timeout') return code;
  await daemon.kill9();
  return null;
}

/** Last kill -9 (the journal then holds the whole history), restart and check, clean stop. */
async function finish(rig: Rig, model: ChaosModel, started: number): Promise<ChaosRun> {
  await rig.daemon?.kill9();
  const history = await readStore(rig.stateDir);
  await rig.start();
  const apiStatus = new Map<string, string>();
  for (const id of rig.acceptedTasks) {
    const view = await rig.client.get<TaskView>(`/v1/tasks/${id}`).catch(() => null);
    if (view) apiStatus.set(id, view.status);
  }
  const restored = await spendOf(rig.client);
  const stopCode = rig.daemon ? await stopWithin(rig.daemon, STOP_MS) : null;
  rig.daemon = null;
  const afterStop = await readStore(rig.stateDir);
  return {
    seed: rig.opts.seed,
    globalInFlight: GLOBAL_IN_FLIGHT,
    accepted: rig.accepted,
    acceptedTasks: [...rig.acceptedTasks],
    acceptedEvents: [...rig.acceptedEvents],
    kills: rig.kills,
    crashes: rig.crashes,
    records: history.records,
    snapshotBeforeStop: history.hasSnapshot,
    billed: new Map([...model.fake.billed.keys()].map((key) => [key, model.billedCount(key)])),
    fakeUnexpected: [...model.fake.unexpected],
    apiStatus,
    restoredSpendMicros: restored?.micros ?? -1,
    stopCode,
    archived: await readArchivedViews(rig.stateDir),
    activeAfterStop: afterStop.records.filter((r) => r.t === 'task').length,
    submitFailures: rig.submitFailures,
    durationMs: performance.now() - started,
  };
}
