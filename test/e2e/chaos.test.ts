// reliability.md §9 tests 1, 9 and 18 against the real supervisor process: tasks and routed events
// flow through the fake model while a seeded schedule kill -9s the supervisor and restarts it until
// every accepted task is terminal. The seed is in every test name and every list assertion; replay
// a failure with CHAOS_SEED=<seed>. Needs `npm run build` (npm test builds first).
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../support/daemon.js';
import { UNIT_MICROS } from './chaos-model.js';
import { checkReruns, checkSpend, checkSpendRestore, checkTasks, runChaos } from './chaos-harness.js';
import type { ChaosRun } from './chaos-harness.js';

const TASKS = 200;
const SEED = Number(process.env['CHAOS_SEED'] ?? Math.floor(Math.random() * 0x7fffffff));

/** `{ seed, [what]: items }`: a failing diff names the seed and the offending items. */
const found = (what: string, items: readonly unknown[]): Record<string, unknown> => ({ seed: SEED, [what]: items });
const none = (what: string): Record<string, unknown> => ({ seed: SEED, [what]: [] });

describe(`chaos: kill -9 under load (CHAOS_SEED=${SEED})`, () => {
  let run: ChaosRun;

  beforeAll(async () => {
    assertBuilt();
    run = await runChaos({ tasks: TASKS, seed: SEED });
    const r = checkReruns(run);
    console.log(`chaos CHAOS_SEED=${SEED}: ${run.accepted} accepted (${run.acceptedEvents.length} events), ${run.kills.length} kills, ${r.reruns} re-runs of ${r.steps} model steps, ${Math.round(run.durationMs)} ms`);
  }, 480_000);

  it('kills the supervisor repeatedly; every restart finds an intact store and answers', () => {
    expect(run.kills.length).toBeGreaterThanOrEqual(3);
    expect(found('corrupt', run.kills.flatMap((k) => (k.corrupt === null ? [] : [k.corrupt])))).toEqual(none('corrupt'));
    expect(found('crashes', run.crashes)).toEqual(none('crashes'));
    expect(found('fakeUnexpected', run.fakeUnexpected)).toEqual(none('fakeUnexpected'));
    // A compaction during the run would move finished tasks' records out of the history read.
    expect(run.snapshotBeforeStop).toBe(false);
  });

  it('ends every accepted task in exactly one terminal state and loses nothing accepted', () => {
    const t = checkTasks(run);
    expect(run.accepted).toBeGreaterThanOrEqual(TASKS);
    expect(found('lostTasks', t.lostTasks)).toEqual(none('lostTasks'));
    expect(found('lostEvents', t.lostEvents)).toEqual(none('lostEvents'));
    expect(found('notOneFinal', t.notOneFinal)).toEqual(none('notOneFinal'));
    expect(found('duplicateFinals', t.duplicateFinals)).toEqual(none('duplicateFinals'));
    expect(found('duplicateTaskRecords', t.duplicateTaskRecords)).toEqual(none('duplicateTaskRecords'));
    // Orphans (tasks created by a POST whose answer a kill cut) must finish too.
    expect(found('unfinished', t.unfinished)).toEqual(none('unfinished'));
    // Each task's outcome is fixed by the seed: a replay that took another path shows here.
    expect(found('wrongOutcomes', t.wrongOutcomes)).toEqual(none('wrongOutcomes'));
    expect(found('apiMismatch', t.apiMismatch)).toEqual(none('apiMismatch'));
    expect(found('apiMissing', t.apiMissing)).toEqual(none('apiMissing'));
  });

  it('archives every finished task with its outcome on a clean stop, leaving nothing active', () => {
    expect(run.stopCode).toBe(0);
    expect(found('archiveMismatch', checkTasks(run).archiveMismatch)).toEqual(none('archiveMismatch'));
    expect(run.activeAfterStop).toBe(0);
  });

  it('re-runs a model step only after a kill cut its request: every re-run labelled, at most one per step per kill', () => {
    const r = checkReruns(run);
    expect(found('unlabelled', r.unlabelled)).toEqual(none('unlabelled'));
    expect(found('withoutKill', r.withoutKill)).toEqual(none('withoutKill'));
    expect(found('duplicateResults', r.duplicateResults)).toEqual(none('duplicateResults'));
    expect(found('unresolved', r.unresolved)).toEqual(none('unresolved'));
    expect(r.reruns).toBeLessThanOrEqual(r.bound); // kills × globalInFlight
  });

  it('records exactly what the fake billed, less only requests a kill cut, which a restart charges at their worst case', () => {
    const s = checkSpend(run);
    expect(found('billedWithoutCall', s.billedWithoutCall)).toEqual(none('billedWithoutCall'));
    expect(found('costMismatch', s.costMismatch)).toEqual(none('costMismatch'));
    expect(found('lostOutOfRange', s.lostOutOfRange)).toEqual(none('lostOutOfRange'));
    expect({ seed: SEED, billedMicros: s.recordedMicros + s.lostMicros }).toEqual({ seed: SEED, billedMicros: s.billedMicros });
    expect(s.lostMicros % UNIT_MICROS).toBe(0);
    expect(s.lostRequests).toBeLessThanOrEqual(checkReruns(run).reruns);
    // A restart charges each cut request at its worst case: never less than the fake billed.
    expect({ seed: SEED, restoredMicros: run.restoredSpendMicros }).toEqual({ seed: SEED, restoredMicros: s.recordedMicros + s.orphanMicros });
    expect(s.recordedMicros + s.orphanMicros).toBeGreaterThanOrEqual(s.billedMicros);
  });

  it('restores the spend already used after every kill and never resets it (§9 test 18)', () => {
    expect(found('spendRestore', checkSpendRestore(run))).toEqual(none('spendRestore'));
    expect(run.kills.filter((k) => k.before !== null && k.after !== null).length).toBeGreaterThanOrEqual(3);
  });
});
