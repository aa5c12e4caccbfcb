// The kill -9 chaos run of test/e2e/chaos.test.ts at bench size (reliability.md §9 test 1: 1,000
// tasks), printing its figures and every invariant that failed (exit 1 if any did).
// Run: npm run build && node dist/bench/chaos.js [--tasks N] [--seed S]
import { checkReruns, checkSpend, checkSpendRestore, checkTasks, runChaos } from '../test/e2e/chaos-harness.js';
import type { ChaosRun } from '../test/e2e/chaos-harness.js';
import { fmt, isMain, printResult } from './harness.js';

function arg(name: string, fallback: number): number {
  const argv = process.argv.slice(2);
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  const raw = argv[i]?.includes('=') ? argv[i]?.split('=')[1] : argv[i + 1];
  const value = i === -1 ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name}: expected a whole number, got ${String(raw)}`);
  return value;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** Every invariant that does not hold, as `name: first items`. */
export function violations(run: ChaosRun): string[] {
  // The API keeps views of the 1,000 most recent finished tasks: past that, 404 is by design.
  const { apiMissing, ...t } = checkTasks(run);
  const r = checkReruns(run);
  const s = checkSpend(run);
  const lists: Record<string, readonly string[]> = {
    ...t,
    apiMissing: run.records.filter((x) => x.t === 'task').length <= 1000 ? apiMissing : [],
    unlabelledReruns: r.unlabelled,
    rerunsWithoutKill: r.withoutKill,
    duplicateResults: r.duplicateResults,
    unresolvedCalls: r.unresolved,
    billedWithoutCall: s.billedWithoutCall,
    costMismatch: s.costMismatch,
    lostOutOfRange: s.lostOutOfRange,
    spendRestore: checkSpendRestore(run),
    crashes: run.crashes,
    corruptAfterKill: run.kills.flatMap((k) => (k.corrupt === null ? [] : [k.corrupt])),
    fakeUnexpected: run.fakeUnexpected,
  };
  const out = Object.entries(lists)
    .filter(([, items]) => items.length > 0)
    .map(([name, items]) => `${name} (${items.length}): ${items.slice(0, 3).join('; ')}`);
  if (r.reruns > r.bound) out.push(`reruns ${r.reruns} > bound ${r.bound}`);
  if (s.recordedMicros + s.lostMicros !== s.billedMicros) out.push(`spend: recorded ${s.recordedMicros} + lost ${s.lostMicros} ≠ billed ${s.billedMicros} µ$`);
  if (run.restoredSpendMicros !== s.recordedMicros) out.push(`restored spend ${run.restoredSpendMicros} ≠ recorded ${s.recordedMicros} µ$`);
  if (run.stopCode !== 0) out.push(`clean stop exited ${String(run.stopCode)}`);
  if (run.activeAfterStop !== 0) out.push(`${run.activeAfterStop} task records left in the snapshot`);
  if (run.snapshotBeforeStop) out.push('a compaction ran during the run: the history checks are incomplete');
  return out;
}

export async function main(): Promise<void> {
  const tasks = arg('tasks', 1000);
  const seed = arg('seed', Math.floor(Math.random() * 0x7fffffff));
  console.log(`chaos: ${tasks} tasks, seed ${seed}`);
  // Hooks at 20 events/s, as in reliability.md §9 test 1.
  const run = await runChaos({ tasks, seed, perSecond: 20, deadlineMs: Math.max(240_000, tasks * 1_000), maxKills: Math.max(40, tasks / 5), log: (line) => console.log(`  ${line}`) });
  const r = checkReruns(run);
  const s = checkSpend(run);
  const recovery = run.kills.map((k) => k.recoveryMs).sort((a, b) => a - b);
  const steps = r.steps;
  const figures = {
    seed,
    tasks: run.accepted,
    events: run.acceptedEvents.length,
    kills: run.kills.length,
    reruns: r.reruns,
    modelSteps: steps,
    rerunPercent: steps === 0 ? 0 : (100 * r.reruns) / steps,
    lostRequests: s.lostRequests,
    billedUsd: s.billedMicros / 1e6,
    recordedUsd: s.recordedMicros / 1e6,
    recoveryMs: { p50: quantile(recovery, 0.5), p95: quantile(recovery, 0.95), max: recovery.at(-1) ?? 0 },
    tornTails: run.kills.filter((k) => k.torn).length,
    submitFailures: run.submitFailures,
    durationSec: run.durationMs / 1000,
  };
  console.log(
    [
      `tasks ${figures.tasks} (events ${figures.events}), kills ${figures.kills}, torn tails ${figures.tornTails}, refused submits ${figures.submitFailures}`,
      `model steps ${steps}, re-runs ${r.reruns} (${fmt(figures.rerunPercent, 2)} %, bound ${r.bound}), billed but unrecorded ${s.lostRequests}`,
      `spend: billed $${fmt(figures.billedUsd, 6)}, recorded $${fmt(figures.recordedUsd, 6)}`,
      `recovery ms: p50 ${fmt(figures.recoveryMs.p50)}, p95 ${fmt(figures.recoveryMs.p95)}, max ${fmt(figures.recoveryMs.max)}`,
      `duration ${fmt(figures.durationSec, 1)} s`,
    ].join('\n'),
  );
  const bad = violations(run);
  for (const line of bad) console.log(`VIOLATION ${line}`);
  printResult({
    bench: 'chaos',
    rows: [{ metric: 'invariants violated under kill -9', baseline: '-', figure: String(bad.length), ratio: '-', goal: '0', met: bad.length === 0 }],
    data: figures,
  });
  if (bad.length > 0) process.exitCode = 1;
}

if (isMain(import.meta.url)) await main();
