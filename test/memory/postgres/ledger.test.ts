// The budget ledger on a real Postgres: the same decisions as the embedded BudgetLedger for the
// same calls, and a daily cap that holds when two supervisors reserve at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import type { Clock } from '../../../core/clock.js';
import { BudgetLedger } from '../../../machines/ledger.js';
import { toMicros } from '../../../machines/ledger/money.js';
import { migrate, openPostgres, PgLedger } from '../../../memory/postgres/index.js';
import type { PostgresStores } from '../../../memory/postgres/index.js';
import { startPostgres } from '../../support/postgres.js';
import type { TestPostgres } from '../../support/postgres.js';

const DAY = Date.parse('2026-12-02T10:00:00Z');
const HOUR = 3_600_000;

let server: TestPostgres;
const opened: PostgresStores[] = [];

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  for (const s of opened) await s.store.close();
  await server.stop();
});

/** A fresh, migrated database and a clock that the test moves. */
async function ledgerOn(db: string): Promise<{ ledger: PgLedger; pg: PostgresStores; clock: { t: number } }> {
  const url = await server.createDatabase(db);
  const clock = { t: DAY };
  const pg = await openPostgres(url, { now: () => clock.t });
  opened.push(pg);
  await migrate(pg.store);
  return { ledger: pg.ledger, pg, clock };
}

function clockAt(ms: number): Clock {
  const c = new SimulatedClock();
  c.set(ms);
  return c;
}

describe('PgLedger', () => {
  it('decides as the embedded ledger does for the same sequence of calls', async () => {
    const { ledger } = await ledgerOn('ledger_mirror');
    const limits = { dailySpendLimitUsd: 1, perTaskCapUsd: 0.5 };
    const embedded = new BudgetLedger({ clock: clockAt(DAY), limits });
    const micros = { dailyMicros: toMicros(1), perTaskMicros: toMicros(0.5) };
    const steps: ({ op: 'reserve'; id: string; task: string; usd: number } | { op: 'settle'; id: string; usd: number } | { op: 'release'; id: string })[] = [
      { op: 'reserve', id: 'r1', task: 'a', usd: 0.3 },
      { op: 'reserve', id: 'r2', task: 'a', usd: 0.25 }, // over the per-task cap
      { op: 'reserve', id: 'r3', task: 'b', usd: 0.4 },
      { op: 'reserve', id: 'r4', task: 'c', usd: 0.31 }, // over the daily limit: 0.3 + 0.4 + 0.31
      { op: 'settle', id: 'r1', usd: 0.1 },
      { op: 'reserve', id: 'r5', task: 'c', usd: 0.31 }, // fits now: 0.1 + 0.4 + 0.31
      { op: 'settle', id: 'r3', usd: 0.45 }, // an overrun
      { op: 'release', id: 'r5' },
      { op: 'reserve', id: 'r6', task: 'a', usd: 0.4 }, // task a: 0.1 spent + 0.4 = 0.5, at the cap
      { op: 'reserve', id: 'r7', task: 'a', usd: 0.000001 }, // one micro over
      { op: 'settle', id: 'r6', usd: 0.4 },
      { op: 'settle', id: 'r6', usd: 0.4 }, // a duplicate settle charges nothing
    ];
    const got: unknown[] = [];
    const want: unknown[] = [];
    for (const s of steps) {
      if (s.op === 'reserve') {
        const e = embedded.reserve({ reservationId: s.id, taskId: s.task, agent: 'marketing', estimateUsd: s.usd });
        const p = await ledger.reserve({ reservationId: s.id, taskId: s.task, agent: 'marketing', estimateMicros: toMicros(s.usd) }, micros);
        want.push({ id: s.id, ok: e.ok, limit: e.ok ? undefined : e.limit });
        got.push({ id: s.id, ok: p.ok, limit: p.ok ? undefined : p.limit });
      } else if (s.op === 'settle') {
        const e = embedded.settle(s.id, s.usd);
        const p = await ledger.settle(s.id, toMicros(s.usd));
        want.push({ id: s.id, duplicate: e.duplicate, overrun: toMicros(e.overrunUsd) });
        got.push({ id: s.id, duplicate: p.duplicate, overrun: p.overrunMicros });
      } else {
        want.push({ id: s.id, released: embedded.release(s.id) });
        got.push({ id: s.id, released: await ledger.release(s.id) });
      }
    }
    expect(got).toEqual(want);
    const view = await ledger.view();
    const e = embedded.view();
    expect(view).toMatchObject({ day: e.day, spentMicros: toMicros(e.spentUsd), reservedMicros: toMicros(e.reservedUsd), overruns: { count: e.overruns.count, micros: toMicros(e.overruns.usd) } });
  });

  it('says what a refusal was decided on', async () => {
    const { ledger } = await ledgerOn('ledger_refusal');
    const limits = { dailyMicros: 1_000_000, perTaskMicros: 1_000_000 };
    expect(await ledger.reserve({ reservationId: 'a', taskId: 't1', agent: 'sales', estimateMicros: 600_000 }, limits)).toEqual({ ok: true });
    expect(await ledger.reserve({ reservationId: 'b', taskId: 't2', agent: 'sales', estimateMicros: 500_000 }, limits)).toEqual({
      ok: false,
      limit: 'daily',
      spentMicros: 0,
      reservedMicros: 600_000,
      estimateMicros: 500_000,
      limitMicros: 1_000_000,
    });
  });

  it('is idempotent per reservation id, and refuses a settled id, other terms and an unknown settle as bugs', async () => {
    const { ledger } = await ledgerOn('ledger_ids');
    const limits = { dailyMicros: 10_000_000, perTaskMicros: 10_000_000 };
    const req = { reservationId: 'x', taskId: 't', agent: 'sales', estimateMicros: 100 };
    expect(await ledger.reserve(req, limits)).toEqual({ ok: true });
    expect(await ledger.reserve(req, limits)).toEqual({ ok: true });
    expect((await ledger.view()).reservedMicros).toBe(100);
    await expect(ledger.reserve({ ...req, estimateMicros: 101 }, limits)).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('other terms') });
    expect(await ledger.settle('x', 80, { rerun: true })).toEqual({ overrunMicros: 0, duplicate: false, spentMicros: 80 });
    await expect(ledger.reserve(req, limits)).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('already settled') });
    await expect(ledger.settle('never', 1)).rejects.toMatchObject({ code: 'INTERNAL' });
    await expect(ledger.reserve({ ...req, reservationId: 'y', estimateMicros: 0.5 }, limits)).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(await ledger.release('x')).toBe(false);
    expect((await ledger.view()).reruns).toEqual({ count: 1, micros: 80 });
  });

  it('starts a new UTC day at zero spend, carries open reservations over, and never goes back a day', async () => {
    const { ledger, clock } = await ledgerOn('ledger_days');
    const limits = { dailyMicros: 1_000, perTaskMicros: 10_000 };
    await ledger.reserve({ reservationId: 'a', taskId: 't', agent: 'sales', estimateMicros: 400 }, limits);
    await ledger.reserve({ reservationId: 'b', taskId: 't', agent: 'sales', estimateMicros: 300 }, limits);
    await ledger.settle('a', 400);
    clock.t = DAY + 24 * HOUR;
    const today = await ledger.view();
    expect(today).toMatchObject({ day: '2026-12-03', spentMicros: 0, reservedMicros: 300 });
    // yesterday's open hold still counts against today's limit
    expect(await ledger.reserve({ reservationId: 'c', taskId: 'u', agent: 'sales', estimateMicros: 701 }, limits)).toMatchObject({ ok: false, limit: 'daily' });
    // the per-task cap is over the task's life: task t has 400 settled + 300 held
    expect(await ledger.reserve({ reservationId: 'd', taskId: 't', agent: 'sales', estimateMicros: 700 }, { dailyMicros: 10_000, perTaskMicros: 1_000 })).toMatchObject({ ok: false, limit: 'task' });
    await ledger.settle('b', 300);
    clock.t = DAY; // the clock steps back: the budget of the 2nd is not handed out again
    expect(await ledger.view()).toMatchObject({ day: '2026-12-03', spentMicros: 300 });
  });

  it('announces each threshold once a day across supervisors', async () => {
    const { ledger, pg } = await ledgerOn('ledger_thresholds');
    const other = new PgLedger(pg.store, () => DAY);
    expect(await ledger.announce([50])).toEqual([50]);
    expect(await other.announce([80, 50])).toEqual([80]);
    expect(await ledger.announce([50, 80])).toEqual([]);
    expect((await other.view()).thresholds).toEqual([50, 80]);
  });

  it('holds the daily cap when two supervisors reserve at once', async () => {
    const { ledger } = await ledgerOn('ledger_race');
    const second = await openPostgres(server.url('ledger_race'), { now: () => DAY });
    opened.push(second);
    const limits = { dailyMicros: 1_000_000, perTaskMicros: 1_000_000 };
    // 60 calls of $0.05 through two pools: exactly 20 fit under $1
    const calls = Array.from({ length: 60 }, (_, i) =>
      (i % 2 === 0 ? ledger : second.ledger).reserve({ reservationId: `r${i}`, taskId: `t${i}`, agent: 'marketing', estimateMicros: 50_000 }, limits),
    );
    const results = await Promise.all(calls);
    expect(results.filter((r) => r.ok)).toHaveLength(20);
    const held = await ledger.view();
    expect(held.reservedMicros).toBe(1_000_000);
    // settling and reserving at once, each settle over its estimate: spend + holds never pass the cap by a new hold
    const ok = results.flatMap((r, i) => (r.ok ? [`r${i}`] : []));
    const mixed = await Promise.all([
      ...ok.map((id, i) => (i % 2 === 0 ? ledger : second.ledger).settle(id, 40_000)),
      ...Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? second.ledger : ledger).reserve({ reservationId: `s${i}`, taskId: `u${i}`, agent: 'sales', estimateMicros: 50_000 }, limits)),
    ]);
    const view = await ledger.view();
    expect(view.spentMicros).toBe(20 * 40_000);
    expect(view.spentMicros + view.reservedMicros).toBeLessThanOrEqual(1_000_000);
    expect(mixed.filter((r) => 'ok' in r && r.ok).length).toBe(view.reservedMicros / 50_000);
  });
});
