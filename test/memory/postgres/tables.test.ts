// The history, approvals, events, outcomes and deliveries tables on a real Postgres: the task
// query's filters and cursor pages, a decision taken once when two supervisors race for it,
// and appends that a re-run step does not repeat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryFields } from '../../../memory/history-index.js';
import { migrate, openPostgres } from '../../../memory/postgres/index.js';
import type { PostgresStores } from '../../../memory/postgres/index.js';
import { startPostgres } from '../../support/postgres.js';
import type { TestPostgres } from '../../support/postgres.js';

interface View {
  id: string;
  n: number;
}

let server: TestPostgres;
let pg: PostgresStores<View, View, { type: string }, { id: string }, { key: string; status: string }>;

beforeAll(async () => {
  server = await startPostgres();
  pg = await openPostgres(await server.createDatabase('tables'));
  await migrate(pg.store);
});
afterAll(async () => {
  await pg.store.close();
  await server.stop();
});

const T0 = Date.parse('2026-11-01T00:00:00Z');

function fields(i: number, extra: Partial<HistoryFields> = {}): HistoryFields {
  return { id: `task-${String(i).padStart(3, '0')}`, createdAt: T0 + Math.floor(i / 2) * 60_000, status: i % 3 === 0 ? 'failed' : 'completed', workflow: i % 2 === 0 ? 'content' : 'lead', approvals: [], text: `task-${i} brief number ${i}`, ...extra };
}

function approvalView(status: string): View {
  return { id: `ap-1:${status}`, n: 0 };
}

function outcome(id: string, at: number): { id: string; at: number; taskId: string; agent: string; workflow: string; record: { id: string } } {
  return { id, at, taskId: 't', agent: 'marketing', workflow: 'content', record: { id } };
}

describe('PgHistory', () => {
  it('pages a filtered query newest first with a cursor, the way the embedded history does', async () => {
    for (let i = 0; i < 30; i++) await pg.history.put({ id: fields(i).id, n: i }, fields(i, i >= 20 ? { parentId: 'flow-1' } : {}));
    // two tasks share each minute: the id breaks the tie, descending
    const first = await pg.history.query({ limit: 4 });
    expect(first.items.map((v) => v.n)).toEqual([29, 28, 27, 26]);
    const seen: number[] = [];
    let after: string | undefined;
    do {
      const page = await pg.history.query({ workflow: 'content', limit: 4, ...(after === undefined ? {} : { after }) });
      seen.push(...page.items.map((v) => v.n));
      after = page.nextCursor ?? undefined;
    } while (after !== undefined);
    expect(seen).toEqual([28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0]);
    expect((await pg.history.query({ status: 'failed', workflow: 'lead' })).items.map((v) => v.n)).toEqual([27, 21, 15, 9, 3]);
    expect((await pg.history.query({ parentId: 'flow-1', limit: 100 })).items).toHaveLength(10);
    expect((await pg.history.query({ since: new Date(T0 + 13 * 60_000).toISOString() })).items.map((v) => v.n)).toEqual([29, 28, 27, 26]);
    expect((await pg.history.query({ search: 'NUMBER 1' })).items.map((v) => v.n)).toEqual([19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 1]);
    const last = await pg.history.query({ limit: 30 });
    expect(last.nextCursor).toBeNull();
  });

  it('refuses a bad cursor or since with INVALID_INPUT naming the parameter', async () => {
    await expect(pg.history.query({ after: 'nonsense' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^after: /) });
    await expect(pg.history.query({ after: Buffer.from('[1.5,"x",0]').toString('base64url') })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(pg.history.query({ since: 'yesterday' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^since: /) });
  });

  it('replaces a task written again, finds it by an approval, and exports oldest first', async () => {
    await pg.history.put({ id: 'again', n: 1 }, { id: 'again', createdAt: T0 - 1, status: 'running', workflow: 'content', approvals: [], text: 'again' });
    await pg.history.put({ id: 'again', n: 2 }, { id: 'again', createdAt: T0 - 1, status: 'completed', workflow: 'content', approvals: [['ap-9', 'granted']], text: 'again' });
    expect(await pg.history.find('again')).toEqual({ id: 'again', n: 2 });
    expect(await pg.history.find('missing')).toBeUndefined();
    expect(await pg.history.taskOfApproval('ap-9')).toBe('again');
    const out: string[] = [];
    expect(await pg.history.export(T0 - 1, (v) => out.push(v.id))).toBe(31);
    expect(out.slice(0, 3)).toEqual(['again', 'task-000', 'task-001']);
  });
});

describe('PgApprovals', () => {
  it('decides a pending approval once when two decisions race', async () => {
    await pg.approvals.put({ id: 'ap-1', kind: 'action', taskId: 't', status: 'pending', key: [T0, 't', 0], view: approvalView('pending') });
    const [a, b] = await Promise.all([pg.approvals.decide('ap-1', 'granted', approvalView('granted')), pg.approvals.decide('ap-1', 'rejected', approvalView('rejected'))]);
    expect([a, b].filter((x) => x !== undefined)).toHaveLength(1);
    const stored = await pg.approvals.get('ap-1');
    expect(stored?.view).toEqual(a ?? b);
    expect(await pg.approvals.decide('nope', 'granted', approvalView('x'))).toBeUndefined();
  });

  it('lists newest task first, then request order within a task, paged and by status', async () => {
    for (const [i, [at, task, index, status]] of ([
      [T0 + 2, 'u', 0, 'pending'],
      [T0 + 2, 'u', 1, 'granted'],
      [T0 + 1, 'v', 0, 'pending'],
    ] as const).entries()) {
      await pg.approvals.put({ id: `list-${i}`, kind: 'action', taskId: task, status, key: [at, task, index], view: { id: `list-${i}`, n: i } });
    }
    const p1 = await pg.approvals.query({ limit: 2 });
    expect(p1.items.map((v) => v.id)).toEqual(['list-1', 'list-0']);
    const p2 = await pg.approvals.query({ limit: 2, after: p1.nextCursor ?? '' });
    // then the older task v, then ap-1 (whichever decision won the race above)
    expect(p2.items.map((v) => v.id)).toEqual(['list-2', expect.stringMatching(/^ap-1:(granted|rejected)$/)]);
    expect(p2.nextCursor).toBeNull();
    expect((await pg.approvals.query({ status: 'pending' })).items.map((v) => v.id)).toEqual(['list-0', 'list-2']);
  });
});

describe('PgEvents, PgOutcomes, PgDeliveries', () => {
  it('numbers events in one order, and a keyed append made twice is stored once', async () => {
    const a = await pg.events.append({ at: T0, type: 'task.created', taskId: 'e1', event: { type: 'task.created' }, key: 'k1' });
    const again = await pg.events.append({ at: T0, type: 'task.created', taskId: 'e1', event: { type: 'task.created' }, key: 'k1' });
    expect(again).toEqual({ seq: a.seq, duplicate: true });
    const b = await pg.events.append({ at: T0 + 1, type: 'task.completed', taskId: 'e1', event: { type: 'task.completed' } });
    await pg.events.append({ at: T0 + 2, type: 'mode.changed', event: { type: 'mode.changed' } });
    expect(b.seq).toBeGreaterThan(a.seq);
    expect((await pg.events.list({ taskId: 'e1' })).map((e) => e.event.type)).toEqual(['task.created', 'task.completed']);
    expect((await pg.events.list({ after: a.seq })).map((e) => e.at)).toEqual([T0 + 1, T0 + 2]);
  });

  it('records an outcome once and reads outcomes oldest first', async () => {
    expect(await pg.outcomes.record(outcome('o2', T0 + 5))).toBe(true);
    expect(await pg.outcomes.record(outcome('o1', T0))).toBe(true);
    expect(await pg.outcomes.record(outcome('o1', T0))).toBe(false);
    expect(await pg.outcomes.list()).toEqual([{ id: 'o1' }, { id: 'o2' }]);
    expect(await pg.outcomes.list({ since: T0 + 1 })).toEqual([{ id: 'o2' }]);
  });

  it('keeps one row per delivery key through re-sends, and lists the undelivered', async () => {
    await pg.deliveries.put({ key: 'd1', taskId: 't1', sink: 'file', status: 'pending', attempts: 0, view: { key: 'd1', status: 'pending' } });
    await pg.deliveries.put({ key: 'd2', taskId: 't1', sink: 'hook', status: 'failed', attempts: 3, view: { key: 'd2', status: 'failed' } });
    await pg.deliveries.put({ key: 'd1', taskId: 't1', sink: 'file', status: 'delivered', attempts: 1, view: { key: 'd1', status: 'delivered' } });
    expect(await pg.deliveries.forTask('t1')).toEqual([
      { key: 'd1', status: 'delivered' },
      { key: 'd2', status: 'failed' },
    ]);
    expect(await pg.deliveries.open()).toEqual([{ key: 'd2', status: 'failed' }]);
  });
});
