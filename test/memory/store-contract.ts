// The store contract (memory/store.ts), one suite run against each store: the embedded one
// (test/memory/store-contract.embedded.test.ts) and Postgres (test/memory/postgres/
// store-contract.test.ts). Same calls, same answers: history pages and filters, the ledger's
// decisions and figures, a new UTC day.
import { describe, expect, it } from 'vitest';
import type { TaskView } from '../../machines/contract.js';
import { summarizeView } from '../../machines/supervisor/read-models/history.js';
import type { HistoryFields } from '../../memory/history-index.js';
import type { HistoryStore, LedgerStore } from '../../memory/store.js';

export const CONTRACT_T0 = Date.parse('2026-11-02T09:00:00Z');
const MINUTE = 60_000;
const DAY = 24 * 3_600_000;

export interface ContractStores {
  history: HistoryStore<TaskView>;
  ledger: LedgerStore;
  /** Moves the clock both stores read. */
  setNow(ms: number): void;
}

/** `open` gives fresh, empty stores for one test, their clock at CONTRACT_T0. */
export function storeContract(name: string, open: () => Promise<ContractStores>): void {
  describe(`store contract: ${name}`, () => {
    describe('history', () => {
      it('pages newest first by creation time, then id, with a cursor that walks every task once', async () => {
        const { history } = await open();
        await putAll(history, 12);
        const first = await history.query({ limit: 5 });
        expect(first.items.map((v) => v.id)).toEqual(['t11', 't10', 't09', 't08', 't07']);
        const ids: string[] = [];
        let after: string | undefined;
        do {
          const page = await history.query({ limit: 5, ...(after === undefined ? {} : { after }) });
          ids.push(...page.items.map((v) => v.id));
          after = page.nextCursor ?? undefined;
        } while (after !== undefined);
        expect(ids).toEqual(['t11', 't10', 't09', 't08', 't07', 't06', 't05', 't04', 't03', 't02', 't01', 't00']);
        expect((await history.query({ limit: 12 })).nextCursor).toBeNull();
      });

      it('filters by status, workflow, parent, since and search, alone and together', async () => {
        const { history } = await open();
        await putAll(history, 12);
        const ids = async (q: Parameters<HistoryStore<TaskView>['query']>[0]): Promise<string[]> => (await history.query(q)).items.map((v) => v.id);
        expect(await ids({ status: 'failed' })).toEqual(['t09', 't06', 't03', 't00']);
        expect(await ids({ workflow: 'lead' })).toEqual(['t11', 't09', 't07', 't05', 't03', 't01']);
        expect(await ids({ workflow: 'lead', status: 'failed' })).toEqual(['t09', 't03']);
        expect(await ids({ parentId: 'flow-a' })).toEqual(['t11', 't10', 't09', 't08']);
        expect(await ids({ since: new Date(CONTRACT_T0 + 3 * MINUTE).toISOString() })).toEqual(['t11', 't10', 't09', 't08', 't07', 't06']);
        expect(await ids({ since: '2026-11-03' })).toEqual([]);
        // case-insensitive, in the input's text
        expect(await ids({ search: 'LAUNCH' })).toEqual(['t10', 't05', 't00']);
        expect(await ids({ search: 'launch', workflow: 'content', limit: 2 })).toEqual(['t10', 't00']);
        expect(await ids({ search: 'nothing like it' })).toEqual([]);
      });

      it('finds a task by id, the latest write winning, and nothing for an unknown id', async () => {
        const { history } = await open();
        const v = view(1);
        await history.put(v, fields(v));
        const later = { ...v, status: 'completed' as const, updatedAt: new Date(CONTRACT_T0 + DAY).toISOString() };
        await history.put(later, fields(later));
        expect(await history.find('t01')).toEqual(later);
        expect((await history.query({})).items).toEqual([later]);
        expect(await history.find('nope')).toBeUndefined();
      });

      it('refuses a cursor that is not one and a since that is no date, naming the parameter', async () => {
        const { history } = await open();
        await expect(history.query({ after: 'not-a-cursor' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^after: expected the nextCursor/) });
        await expect(history.query({ since: 'last tuesday' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^since: expected an ISO date/) });
      });
    });

    describe('ledger', () => {
      const limits = { dailyMicros: 1_000_000, perTaskMicros: 600_000 };

      it('refuses what could pass the daily limit or the task cap, counting holds and spend', async () => {
        const { ledger } = await open();
        expect(await ledger.reserve(req('a', 't1', 500_000), limits)).toEqual({ ok: true });
        expect(await ledger.reserve(req('b', 't1', 100_001), limits)).toMatchObject({ ok: false, limit: 'task' });
        expect(await ledger.reserve(req('c', 't2', 500_000), limits)).toEqual({ ok: true });
        expect(await ledger.reserve(req('d', 't3', 1), limits)).toMatchObject({ ok: false, limit: 'daily' });
        expect(await ledger.settle('a', 200_000)).toEqual({ overrunMicros: 0, duplicate: false, spentMicros: 200_000 });
        expect(await ledger.reserve(req('e', 't3', 300_000), limits)).toEqual({ ok: true });
        // exactly at the limit fits; one micro-dollar more does not
        expect(await ledger.release('e')).toBe(true);
        expect(await ledger.reserve(req('f', 't1', 300_000), limits)).toEqual({ ok: true });
        expect(await ledger.reserve(req('g', 't4', 1), limits)).toMatchObject({ ok: false, limit: 'daily' });
        expect(await ledger.view()).toMatchObject({ day: '2026-11-02', spentMicros: 200_000, reservedMicros: 800_000, reruns: { count: 0, micros: 0 }, overruns: { count: 0, micros: 0 } });
      });

      it('settles once: an overrun and a re-run counted, a second settle a duplicate, a release after it nothing', async () => {
        const { ledger } = await open();
        await ledger.reserve(req('a', 't1', 100_000), limits);
        expect(await ledger.settle('a', 150_000, { rerun: true })).toEqual({ overrunMicros: 50_000, duplicate: false, spentMicros: 150_000 });
        expect(await ledger.settle('a', 150_000)).toEqual({ overrunMicros: 0, duplicate: true, spentMicros: 150_000 });
        expect(await ledger.release('a')).toBe(false);
        expect(await ledger.release('never')).toBe(false);
        expect(await ledger.view()).toMatchObject({ spentMicros: 150_000, reservedMicros: 0, reruns: { count: 1, micros: 150_000 }, overruns: { count: 1, micros: 50_000 } });
      });

      it('treats a repeated reservation as one, and a changed or closed one, or an unknown settle, as a bug', async () => {
        const { ledger } = await open();
        expect(await ledger.reserve(req('a', 't1', 100), limits)).toEqual({ ok: true });
        expect(await ledger.reserve(req('a', 't1', 100), limits)).toEqual({ ok: true });
        expect((await ledger.view()).reservedMicros).toBe(100);
        await expect(ledger.reserve(req('a', 't1', 200), limits)).rejects.toMatchObject({ code: 'INTERNAL' });
        await ledger.settle('a', 100);
        await expect(ledger.reserve(req('a', 't1', 100), limits)).rejects.toMatchObject({ code: 'INTERNAL' });
        await expect(ledger.settle('unknown', 1)).rejects.toMatchObject({ code: 'INTERNAL' });
      });

      it('starts each UTC day at zero spend, keeping open holds and each task’s spend', async () => {
        const stores = await open();
        const { ledger } = stores;
        await ledger.reserve(req('a', 't1', 400_000), limits);
        await ledger.reserve(req('b', 't1', 200_000), limits);
        await ledger.settle('a', 400_000);
        stores.setNow(CONTRACT_T0 + DAY);
        expect(await ledger.view()).toMatchObject({ day: '2026-11-03', spentMicros: 0, reservedMicros: 200_000 });
        expect(await ledger.reserve(req('c', 't2', 800_001), limits)).toMatchObject({ ok: false, limit: 'daily' });
        // task t1: 400,000 settled yesterday + 200,000 held = its cap
        expect(await ledger.reserve(req('d', 't1', 1), limits)).toMatchObject({ ok: false, limit: 'task' });
        expect(await ledger.settle('b', 100_000)).toMatchObject({ duplicate: false, spentMicros: 100_000 });
      });
    });
  });
}

function req(id: string, taskId: string, estimateMicros: number): { reservationId: string; taskId: string; agent: string; estimateMicros: number } {
  return { reservationId: id, taskId, agent: 'marketing', estimateMicros };
}

/** Task i: two a minute, alternating workflows, every third failed, the last four in flow-a, "launch" in every fifth input. */
function view(i: number): TaskView {
  const id = `t${String(i).padStart(2, '0')}`;
  const at = new Date(CONTRACT_T0 + Math.floor(i / 2) * MINUTE).toISOString();
  const v: TaskView = {
    id,
    workflow: i % 2 === 0 ? 'content' : 'lead',
    status: i % 3 === 0 ? 'failed' : 'completed',
    priority: 'P2',
    input: { goal: i % 5 === 0 ? `Product Launch ${i}` : `brief ${i}`, channel: 'blog' },
    dependsOn: [],
    round: 1,
    costUsd: 0.01,
    outputs: { draft: { body: `draft of ${id}` } },
    reviews: [],
    createdAt: at,
    updatedAt: at,
  };
  if (i >= 8) v.parentId = 'flow-a';
  return v;
}

function fields(v: TaskView): HistoryFields {
  const f = summarizeView(v);
  if (!f) throw new Error(`not a task view: ${v.id}`);
  return f;
}

/** Tasks 0..n-1, written in a shuffled order (the store sorts, not the writer). */
async function putAll(history: HistoryStore<TaskView>, n: number): Promise<void> {
  const order = Array.from({ length: n }, (_, i) => (i * 5) % n);
  for (const i of order) {
    const v = view(i);
    await history.put(v, fields(v));
  }
}
