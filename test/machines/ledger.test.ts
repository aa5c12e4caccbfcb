import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { BudgetLedger } from '../../machines/ledger.js';
import type { LedgerEvent, LedgerLimits, ReserveRequest } from '../../machines/ledger.js';
import { resolveConfig } from '../../config/load.js';
import { SystemError } from '../../core/errors.js';
import type { Clock } from '../../core/clock.js';

const HOUR = 3_600_000;
const DAY1 = Date.UTC(2025, 5, 1, 20, 0); // 2025-06-01 20:00Z

function setup(limits: LedgerLimits = { dailySpendLimitUsd: 10, perTaskCapUsd: 3 }) {
  const clock = new SimulatedClock();
  clock.set(DAY1);
  const events: LedgerEvent[] = [];
  const ledger = new BudgetLedger({ clock, limits, onEvent: (e) => events.push(e) });
  return { clock, ledger, events };
}

let seq = 0;
function req(taskId: string, estimateUsd: number, reservationId = `r${++seq}`): ReserveRequest {
  return { reservationId, taskId, agent: 'marketing', estimateUsd };
}

const percents = (events: LedgerEvent[]): number[] => events.flatMap((e) => (e.type === 'budget.threshold' ? [e.percent] : []));

describe('BudgetLedger: reserve, settle, release', () => {
  it('holds an estimate, then charges the actual cost and frees the hold', () => {
    const { ledger } = setup();
    expect(ledger.reserve(req('t1', 0.4, 'a'))).toEqual({ ok: true });
    expect(ledger.view()).toMatchObject({ day: '2025-06-01', spentUsd: 0, reservedUsd: 0.4, limitUsd: 10 });
    expect(ledger.settle('a', 0.25)).toEqual({ overrunUsd: 0, duplicate: false });
    expect(ledger.view()).toMatchObject({ spentUsd: 0.25, reservedUsd: 0, overruns: { count: 0, usd: 0 } });
  });

  it('releases a call that never started with no spend', () => {
    const { ledger } = setup();
    ledger.reserve(req('t1', 0.4, 'a'));
    expect(ledger.release('a')).toBe(true);
    expect(ledger.release('a')).toBe(false);
    expect(ledger.release('never-held')).toBe(false);
    expect(ledger.view()).toMatchObject({ spentUsd: 0, reservedUsd: 0 });
  });

  it('sums many small costs exactly (micro-dollars inside)', () => {
    const { ledger } = setup();
    for (let i = 0; i < 10; i++) {
      ledger.reserve(req('t1', 0.1, `c${i}`));
      ledger.settle(`c${i}`, 0.1);
    }
    expect(ledger.view().spentUsd).toBe(1); // 0.1 added ten times in floats is 0.9999999999999999
  });
});

describe('BudgetLedger: limits', () => {
  it('refuses a call that could push the day over the limit, with the numbers, and emits budget.blocked', () => {
    const { ledger, events } = setup({ dailySpendLimitUsd: 1, perTaskCapUsd: 1 });
    ledger.reserve(req('t1', 0.5, 'a'));
    ledger.settle('a', 0.5);
    ledger.reserve(req('t2', 0.3, 'b'));
    expect(ledger.reserve(req('t3', 0.2, 'c'))).toEqual({ ok: true }); // exactly at the limit
    const refused = ledger.reserve({ reservationId: 'd', taskId: 't4', agent: 'healer', estimateUsd: 0.000001 });
    expect(refused).toEqual({
      ok: false,
      limit: 'daily',
      reason: 'daily spend limit: $0.50 spent + $0.50 reserved + $0.000001 estimated = $1.000001 is over $1.00',
    });
    expect(events.filter((e) => e.type === 'budget.blocked')).toEqual([
      { type: 'budget.blocked', at: '2025-06-01T20:00:00.000Z', taskId: 't4', agent: 'healer', estimateUsd: 0.000001, limit: 'daily' },
    ]);
    expect(ledger.view().reservedUsd).toBe(0.5); // the refused one holds nothing
  });

  it('enforces the per-task cap over settled and reserved spend, without affecting other tasks', () => {
    const { ledger, events } = setup({ dailySpendLimitUsd: 10, perTaskCapUsd: 1 });
    ledger.reserve(req('t1', 0.6, 'a'));
    ledger.settle('a', 0.6);
    ledger.reserve(req('t1', 0.3, 'b'));
    expect(ledger.reserve(req('t1', 0.2, 'c'))).toEqual({
      ok: false,
      limit: 'task',
      reason: 'per-task cap of task "t1": $0.60 spent + $0.30 reserved + $0.20 estimated = $1.10 is over $1.00',
    });
    expect(ledger.reserve(req('t1', 0.1, 'd'))).toEqual({ ok: true }); // exactly the cap
    expect(ledger.reserve(req('t2', 1, 'e'))).toEqual({ ok: true });
    expect(events).toEqual([expect.objectContaining({ type: 'budget.blocked', taskId: 't1', limit: 'task', estimateUsd: 0.2 })]);
  });

  it('reports the daily limit when both limits would be broken', () => {
    const { ledger } = setup({ dailySpendLimitUsd: 1, perTaskCapUsd: 0.5 });
    expect(ledger.reserve(req('t1', 2))).toMatchObject({ ok: false, limit: 'daily' });
  });

  it('applies a live limit change at once', () => {
    const { ledger } = setup({ dailySpendLimitUsd: 1, perTaskCapUsd: 1 });
    ledger.reserve(req('t1', 0.8, 'a'));
    expect(ledger.reserve(req('t2', 0.5, 'b'))).toMatchObject({ ok: false, limit: 'daily' });
    ledger.setLimits({ dailySpendLimitUsd: 2, perTaskCapUsd: 1 });
    expect(ledger.reserve(req('t2', 0.5, 'b'))).toEqual({ ok: true });
    expect(ledger.view()).toMatchObject({ limitUsd: 2, perTaskCapUsd: 1 });
    ledger.setLimits({ dailySpendLimitUsd: 2, perTaskCapUsd: 0.4 });
    expect(ledger.reserve(req('t3', 0.5, 'c'))).toMatchObject({ ok: false, limit: 'task' });
    // Lowering below what is held keeps the holds and refuses everything new.
    ledger.setLimits({ dailySpendLimitUsd: 1, perTaskCapUsd: 1 });
    expect(ledger.view().reservedUsd).toBe(1.3);
    expect(ledger.reserve(req('t4', 0))).toMatchObject({ ok: false, limit: 'daily' });
    ledger.settle('a', 0.8);
    ledger.settle('b', 0.1);
    expect(ledger.reserve(req('t4', 0.1))).toEqual({ ok: true });
  });

  it('takes the resolved config risk controls as they are', () => {
    const risk = resolveConfig({ version: 1 }).risk;
    const ledger = new BudgetLedger({ clock: new SimulatedClock(), limits: risk });
    expect(ledger.view()).toMatchObject({ limitUsd: 10, perTaskCapUsd: 1 });
  });
});

describe('BudgetLedger: idempotency and misuse', () => {
  it('reserving the same id twice holds once', () => {
    const { ledger } = setup();
    expect(ledger.reserve(req('t1', 0.4, 'a'))).toEqual({ ok: true });
    expect(ledger.reserve(req('t1', 0.4, 'a'))).toEqual({ ok: true });
    expect(ledger.view().reservedUsd).toBe(0.4);
  });

  it('a repeated reserve is ok even when a fresh one would not fit', () => {
    const { ledger } = setup({ dailySpendLimitUsd: 1, perTaskCapUsd: 1 });
    ledger.reserve(req('t1', 1, 'a'));
    expect(ledger.reserve(req('t1', 1, 'a'))).toEqual({ ok: true });
  });

  it('a second settle of the same id charges nothing', () => {
    const { ledger } = setup();
    ledger.reserve(req('t1', 0.4, 'a'));
    ledger.settle('a', 0.3);
    expect(ledger.settle('a', 0.3)).toEqual({ overrunUsd: 0, duplicate: true });
    expect(ledger.view().spentUsd).toBe(0.3);
  });

  it.each<[string, (l: BudgetLedger) => unknown]>([
    ['the same id with other terms', (l) => (l.reserve(req('t1', 0.4, 'x')), l.reserve(req('t1', 0.5, 'x')))],
    ['reserving an id already settled', (l) => (l.reserve(req('t1', 0.4, 'x')), l.settle('x', 0.1), l.reserve(req('t1', 0.4, 'x')))],
    ['settling an id never reserved', (l) => l.settle('nope', 0.1)],
    ['a NaN estimate', (l) => l.reserve(req('t1', Number.NaN))],
    ['a negative estimate', (l) => l.reserve(req('t1', -0.1))],
    ['an infinite actual cost', (l) => (l.reserve(req('t1', 0.1, 'y')), l.settle('y', Number.POSITIVE_INFINITY))],
    ['a NaN limit', (l) => l.setLimits({ dailySpendLimitUsd: Number.NaN, perTaskCapUsd: 1 })],
  ])('throws SystemError(INTERNAL) on %s', (_name, misuse) => {
    expect(() => misuse(setup().ledger)).toThrowError(SystemError);
    expect(() => misuse(setup().ledger)).toThrowError(expect.objectContaining({ code: 'INTERNAL' }) as Error);
  });
});

describe('BudgetLedger: overruns and re-runs', () => {
  it('charges the actual cost of an overrun and records it apart', () => {
    const { ledger } = setup({ dailySpendLimitUsd: 1, perTaskCapUsd: 1 });
    ledger.reserve(req('t1', 0.1, 'a'));
    expect(ledger.settle('a', 0.35)).toEqual({ overrunUsd: 0.25, duplicate: false });
    ledger.reserve(req('t1', 0.5, 'b'));
    ledger.settle('b', 0.6); // spend now 0.95; the overrun is recorded, not refused
    expect(ledger.view()).toMatchObject({ spentUsd: 0.95, overruns: { count: 2, usd: 0.35 } });
    ledger.reserve(req('t2', 0.05, 'c'));
    ledger.settle('c', 0.2); // over the limit: allowed (the API billed it), and nothing new fits
    expect(ledger.view().spentUsd).toBe(1.15);
    expect(ledger.reserve(req('t2', 0))).toMatchObject({ ok: false, limit: 'daily' });
  });

  it('counts re-runs apart (count and cost) while charging them as spend', () => {
    const { ledger } = setup();
    ledger.reserve(req('t1', 0.4, 'a'));
    ledger.settle('a', 0.3);
    ledger.reserve(req('t1', 0.4, 'b'));
    ledger.settle('b', 0.2, { rerun: true });
    expect(ledger.view()).toMatchObject({ spentUsd: 0.5, reruns: { count: 1, usd: 0.2 } });
  });
});

describe('BudgetLedger: thresholds', () => {
  it('announces 50, 80 and 100 % once each per day, and again the next day', () => {
    const { ledger, events, clock } = setup({ dailySpendLimitUsd: 10, perTaskCapUsd: 10 });
    const spend = (usd: number): void => {
      const id = `s${++seq}`;
      ledger.reserve(req('t1', usd, id));
      ledger.settle(id, usd);
    };
    spend(4.99);
    expect(percents(events)).toEqual([]);
    spend(0.01);
    expect(events).toEqual([
      { type: 'budget.threshold', at: '2025-06-01T20:00:00.000Z', day: '2025-06-01', percent: 50, spentUsd: 5, limitUsd: 10 },
    ]);
    spend(1);
    spend(2);
    spend(1);
    spend(1);
    spend(0);
    expect(percents(events)).toEqual([50, 80, 100]);
    expect(ledger.view().thresholds).toEqual([50, 80, 100]);

    clock.increment(4 * HOUR); // 2025-06-02 00:00Z
    expect(ledger.view()).toMatchObject({ day: '2025-06-02', spentUsd: 0, thresholds: [] });
    ledger.forgetTask('t1'); // the per-task cap is over a task's life; this one is done
    spend(9);
    spend(1);
    expect(percents(events)).toEqual([50, 80, 100, 50, 80, 100]);
    const last = events.at(-1);
    expect(last).toMatchObject({ day: '2025-06-02', percent: 100, spentUsd: 10 });
  });

  it('announces thresholds reached by lowering the limit', () => {
    const { ledger, events } = setup();
    ledger.reserve(req('t1', 2, 'a'));
    ledger.settle('a', 2);
    ledger.setLimits({ dailySpendLimitUsd: 2.5, perTaskCapUsd: 3 });
    expect(percents(events)).toEqual([50, 80]);
    ledger.setLimits({ dailySpendLimitUsd: 2.5, perTaskCapUsd: 3 });
    expect(percents(events)).toEqual([50, 80]);
  });

  it('announces nothing while nothing is spent, even against a zero limit', () => {
    const { ledger, events } = setup({ dailySpendLimitUsd: 0, perTaskCapUsd: 0 });
    ledger.reserve(req('t1', 0, 'a'));
    ledger.settle('a', 0);
    expect(percents(events)).toEqual([]);
  });
});

describe('BudgetLedger: days', () => {
  it('resets spend at the UTC day change and carries reservations over', () => {
    const { ledger, clock } = setup({ dailySpendLimitUsd: 1, perTaskCapUsd: 1 });
    ledger.reserve(req('t1', 0.5, 'a'));
    ledger.settle('a', 0.5, { rerun: true });
    ledger.reserve(req('t2', 0.4, 'b'));
    clock.increment(4 * HOUR - 1); // 23:59:59.999 — still day 1
    expect(ledger.view()).toMatchObject({ day: '2025-06-01', spentUsd: 0.5, reservedUsd: 0.4 });
    clock.increment(1);
    expect(ledger.view()).toMatchObject({ day: '2025-06-02', spentUsd: 0, reservedUsd: 0.4, reruns: { count: 0, usd: 0 } });
    // The carried hold still counts: 0.4 held + 0.7 > 1.
    expect(ledger.reserve(req('t3', 0.7))).toMatchObject({ ok: false, limit: 'daily' });
    ledger.settle('b', 0.3);
    expect(ledger.view()).toMatchObject({ spentUsd: 0.3, reservedUsd: 0 });
  });

  it('does not hand out yesterday\'s budget again when the clock steps back', () => {
    // SimulatedClock refuses to go back in time; a system clock can (NTP step).
    let now = DAY1 + 4 * HOUR; // day 2
    const clock: Clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => {} };
    const ledger = new BudgetLedger({ clock, limits: { dailySpendLimitUsd: 1, perTaskCapUsd: 1 } });
    ledger.reserve(req('t1', 0.9, 'a'));
    ledger.settle('a', 0.9);
    now = DAY1;
    expect(ledger.view()).toMatchObject({ day: '2025-06-02', spentUsd: 0.9 });
    expect(ledger.reserve(req('t2', 0.2))).toMatchObject({ ok: false, limit: 'daily' });
  });
});

describe('BudgetLedger: restart', () => {
  it('restores settled spend from the journal; the resumed run can spend only what remains', () => {
    const { ledger, events } = setup({ dailySpendLimitUsd: 1, perTaskCapUsd: 0.5 });
    ledger.restoreSpent('2025-06-01', 0.9, { t1: 0.45 });
    expect(ledger.view()).toMatchObject({ spentUsd: 0.9, thresholds: [50, 80] });
    expect(ledger.reserve(req('t2', 0.2))).toMatchObject({ ok: false, limit: 'daily' });
    expect(ledger.reserve(req('t1', 0.06))).toMatchObject({ ok: false, limit: 'task' });
    ledger.reserve(req('t2', 0.1, 'a'));
    ledger.settle('a', 0.1);
    // 50 and 80 were announced before the restart; only 100 is new.
    expect(percents(events)).toEqual([100]);
  });

  it('never lowers restored spend, and ignores another day\'s total but keeps task spend', () => {
    const { ledger } = setup({ dailySpendLimitUsd: 10, perTaskCapUsd: 1 });
    ledger.restoreSpent('2025-06-01', 4, { t1: 0.5 });
    ledger.restoreSpent('2025-06-01', 1, { t1: 0.1 });
    expect(ledger.view().spentUsd).toBe(4);
    ledger.restoreSpent('2025-05-31', 7, { t2: 0.9 });
    expect(ledger.view().spentUsd).toBe(4);
    expect(ledger.reserve(req('t1', 0.6))).toMatchObject({ ok: false, limit: 'task' });
    expect(ledger.reserve(req('t2', 0.2))).toMatchObject({ ok: false, limit: 'task' });
  });
});
