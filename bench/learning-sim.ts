// Semi-auto learning simulation: does the learned confidence threshold cut the share of actions
// that need a person while keeping wrong auto-approvals at or under the target?
// Run: npm run build && node dist/bench/learning-sim.js [--seed=N] [--actions=N] [--concentration=K]
import { pathToFileURL } from 'node:url';
import { resolveConfig } from '../config/load.js';
import { LearningStore, confidenceThreshold, formatEvidence } from '../memory/learning/index.js';
import type { Tuned } from '../memory/learning/index.js';
import type { OutcomeRecord } from '../schemas/generated/types.js';

export interface SimOptions {
  seed: number;
  actions: number;
  /** Beta concentration of the fake agent's confidence: higher = sharper around the means. */
  concentration: number;
}

export interface PhaseResult {
  name: string;
  actions: number;
  threshold: number;
  neededPerson: number;
  wronglyAuto: number;
}

export interface SimResult {
  options: SimOptions;
  before: PhaseResult;
  after: PhaseResult;
  learned: Tuned<number>;
  targetMet: boolean;
  elapsedMs: number;
}

export const DEFAULTS: SimOptions = { seed: 20_260_101, actions: 5000, concentration: 40 };
const P_GOOD = 0.9;
const MEANS = { good: 0.85, bad: 0.55 } as const;
const WARM_UP = 500;
const AFTER = 2000;
const RETUNE_EVERY = 100;
/** Wrong auto-approvals are found (and right ones confirmed) this many actions later. */
const DISCOVERY_LAG = 50;
const TARGET = { neededPerson: 0.1, wronglyAuto: 0.02 } as const;
const AGENT = 'marketing';
const WORKFLOW = 'content';

/** mulberry32: small, fast, seeded. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Beta(a, b) for whole a, b, as a ratio of sums of exponentials. */
function beta(rnd: () => number, a: number, b: number): number {
  const gamma = (k: number): number => {
    let x = 0;
    for (let i = 0; i < k; i++) x -= Math.log(1 - rnd());
    return x;
  };
  const x = gamma(a);
  return x / (x + gamma(b));
}

function outcome(i: number, confidence: number, good: boolean, auto: boolean): OutcomeRecord {
  return {
    id: `a${i}`,
    at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    taskId: `task-${i}`,
    agent: AGENT,
    workflow: WORKFLOW,
    contentType: 'tweet',
    model: 'claude-sonnet-5-5',
    tokens: { input: 1200, output: 300, cacheRead: 0, cacheWrite: 0 },
    costUsd: 0.008,
    latencyMs: 4000,
    confidence,
    reviewVerdicts: [],
    gate: auto ? 'auto' : 'approval',
    humanDecision: auto ? 'none' : good ? 'approved' : 'rejected',
    finalStatus: auto || good ? 'completed' : 'rejected',
    wrong: auto ? !good : null,
  };
}

interface Tally {
  actions: number;
  person: number;
  wrong: number;
}

function phase(name: string, t: Tally, threshold: number): PhaseResult {
  return { name, actions: t.actions, threshold, neededPerson: t.person / t.actions, wronglyAuto: t.wrong / t.actions };
}

function count(t: Tally | null, auto: boolean, good: boolean): void {
  if (!t) return;
  t.actions += 1;
  if (!auto) t.person += 1;
  if (auto && !good) t.wrong += 1;
}

/** The fake agent: hidden quality, and a confidence drawn around the mean for that quality. */
function agent(rnd: () => number, concentration: number): () => { good: boolean; confidence: number } {
  const shape = (mean: number): [number, number] => [Math.round(mean * concentration), Math.round((1 - mean) * concentration)];
  const [ga, gb] = shape(MEANS.good);
  const [ba, bb] = shape(MEANS.bad);
  return () => {
    const good = rnd() < P_GOOD;
    return { good, confidence: good ? beta(rnd, ga, gb) : beta(rnd, ba, bb) };
  };
}

export function runLearningSim(options: Partial<SimOptions> = {}): SimResult {
  const started = performance.now();
  const opts = { ...DEFAULTS, ...options };
  const config = resolveConfig({ version: 1, risk: { randomReviewPercent: 0 } });
  const store = LearningStore.forConfig(config);
  const next = agent(prng(opts.seed), opts.concentration);
  const pending: { due: number; record: OutcomeRecord }[] = [];
  const before: Tally = { actions: 0, person: 0, wrong: 0 };
  const after: Tally = { actions: 0, person: 0, wrong: 0 };
  let threshold = config.risk.confidenceThreshold;
  const beforeThreshold = threshold;
  for (let i = 0; i < opts.actions; i++) {
    while (pending.length > 0 && (pending[0]?.due ?? Infinity) <= i) store.record((pending.shift() as (typeof pending)[number]).record);
    if (i >= WARM_UP && i % RETUNE_EVERY === 0) threshold = confidenceThreshold(store.state, config, AGENT, WORKFLOW).value;
    const { good, confidence } = next();
    const auto = confidence >= threshold;
    const record = outcome(i, confidence, good, auto);
    // A person's decision reveals quality at once; an auto-approval's only after the lag.
    if (auto) pending.push({ due: i + DISCOVERY_LAG, record });
    else store.record(record);
    count(i < WARM_UP ? before : null, auto, good);
    count(i >= opts.actions - AFTER ? after : null, auto, good);
  }
  const afterPhase = phase(`after warm-up (last ${AFTER})`, after, threshold);
  return {
    options: opts,
    before: phase(`before (first ${WARM_UP})`, before, beforeThreshold),
    after: afterPhase,
    learned: confidenceThreshold(store.state, config, AGENT, WORKFLOW),
    targetMet: afterPhase.neededPerson <= TARGET.neededPerson && afterPhase.wronglyAuto <= TARGET.wronglyAuto,
    elapsedMs: performance.now() - started,
  };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

export function formatSimResult(r: SimResult): string {
  const { seed, actions, concentration } = r.options;
  const shape = (mean: number): string => `Beta(${Math.round(mean * concentration)},${Math.round((1 - mean) * concentration)})`;
  const rows = [
    ['phase', 'actions', 'threshold', 'needed a person', 'wrongly auto-approved'],
    ...[r.before, r.after].map((p) => [p.name, String(p.actions), p.threshold.toFixed(2), pct(p.neededPerson), pct(p.wronglyAuto)]),
    ['target', '', '', `<= ${pct(TARGET.neededPerson)}`, `<= ${pct(TARGET.wronglyAuto)}`],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const table = rows.map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  return [
    `learning-sim: seed=${seed} actions=${actions} mode=semi random review 0%`,
    `  quality good with p=${P_GOOD}; confidence good ~ ${shape(MEANS.good)}, bad ~ ${shape(MEANS.bad)}; wrong auto-approvals found ${DISCOVERY_LAG} actions later`,
    `  config threshold ${r.before.threshold.toFixed(2)} for the first ${WARM_UP} actions, then re-tuned every ${RETUNE_EVERY}`,
    '',
    ...table,
    '',
    `learned threshold ${r.learned.value.toFixed(2)} (${r.learned.source}): ${formatEvidence(r.learned.evidence)}`,
    `rule: ${r.learned.rule}`,
    `target met: ${r.targetMet ? 'yes' : 'no'}  (${r.elapsedMs.toFixed(0)} ms)`,
  ].join('\n');
}

export interface SweepResult {
  seeds: number;
  met: number;
  neededPerson: { mean: number; max: number };
  wronglyAuto: { mean: number; max: number };
}

/** The same simulation over seeds 1..`seeds`: one seed is one sample, the spread is the point. */
export function sweepLearningSim(seeds: number, options: Partial<SimOptions> = {}): SweepResult {
  const runs = Array.from({ length: seeds }, (_, i) => runLearningSim({ ...options, seed: i + 1 }));
  const stat = (pick: (r: SimResult) => number): { mean: number; max: number } => ({
    mean: runs.reduce((sum, r) => sum + pick(r), 0) / runs.length,
    max: Math.max(...runs.map(pick)),
  });
  return {
    seeds,
    met: runs.filter((r) => r.targetMet).length,
    neededPerson: stat((r) => r.after.neededPerson),
    wronglyAuto: stat((r) => r.after.wronglyAuto),
  };
}

export function formatSweep(s: SweepResult): string {
  return (
    `seeds 1-${s.seeds} (after warm-up): target met in ${s.met}/${s.seeds}; ` +
    `needed a person mean ${pct(s.neededPerson.mean)} max ${pct(s.neededPerson.max)}; ` +
    `wrongly auto-approved mean ${pct(s.wronglyAuto.mean)} max ${pct(s.wronglyAuto.max)}`
  );
}

interface Args extends Partial<SimOptions> {
  sweep?: number;
}

function parseArgs(argv: readonly string[]): Args {
  const out: Args = {};
  for (const arg of argv) {
    const [, name, value] = /^--(seed|actions|concentration|sweep)=(\d+)$/.exec(arg) ?? [];
    if (name === 'seed' || name === 'actions' || name === 'concentration' || name === 'sweep') out[name] = Number(value);
  }
  return out;
}

/** Prints the run for `--seed` (default 20260101), then a sweep over `--sweep` seeds (default 10; 0 skips it). */
export function main(argv: readonly string[] = process.argv.slice(2)): { result: SimResult; sweep: SweepResult | null } {
  const { sweep: seeds = 10, ...options } = parseArgs(argv);
  const result = runLearningSim(options);
  console.log(formatSimResult(result));
  const { seed: _seed, ...shared } = options;
  const sweep = seeds > 0 ? sweepLearningSim(seeds, shared) : null;
  if (sweep) console.log(formatSweep(sweep));
  return { result, sweep };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
