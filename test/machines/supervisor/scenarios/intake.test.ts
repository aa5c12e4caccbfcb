// Business events mapped to workflows by config rules (DESIGN §4): under the threshold an event
// is recorded and ignored with the reason; over it, P0/P1 start a task at once and P2/P3 wait
// for the batch window on the simulated clock; a repeated event id is a duplicate.
import { describe, expect, it } from 'vitest';
import { scenarios } from '../harness.js';
import { BRIEF } from '../replies.js';

const start = scenarios();

const WINDOW_SECONDS = 300;
const rule = (event: string, priority: 'P1' | 'P3') => ({
  event,
  field: 'magnitude',
  threshold: 50,
  workflow: 'content',
  priority,
  input: { ...BRIEF, goal: 'Win back the rank for {{data.keyword}}', contentType: 'rank-response' },
});
const EVENTS = { batchWindowSeconds: WINDOW_SECONDS, rules: [rule('competitor.rank_drop', 'P1'), rule('keyword.spike', 'P3')] };

const withRules = () => start({ config: { events: EVENTS } });

describe('event intake', () => {
  it('ignores an event under its threshold, saying why', async () => {
    const h = await withRules();

    const result = await h.sup.emitEvent({ type: 'competitor.rank_drop', data: { magnitude: 10, keyword: 'dashboards' } });

    expect(result).toMatchObject({ duplicate: false, outcome: 'ignored', taskIds: [] });
    expect(h.events('event.received')).toMatchObject([{ eventId: result.eventId, event: 'competitor.rank_drop' }]);
    expect(h.events('event.ignored')).toMatchObject([{ eventId: result.eventId, reason: 'magnitude 10 is under the threshold 50' }]);
    expect(h.events('task.created')).toEqual([]);
  });

  it('ignores an event without the numeric field', async () => {
    const h = await withRules();

    const result = await h.sup.emitEvent({ type: 'competitor.rank_drop', data: { magnitude: 'huge' } });

    expect(result.outcome).toBe('ignored');
    expect(h.events('event.ignored')).toMatchObject([{ reason: 'no numeric magnitude in the event data' }]);
  });

  it('records an event no rule maps', async () => {
    const h = await withRules();

    const result = await h.sup.emitEvent({ type: 'github.push', data: { ref: 'main' } });

    expect(result).toMatchObject({ outcome: 'recorded', taskIds: [] });
    expect(h.events('event.ignored')).toEqual([]);
  });

  it('starts a P1 task at once, its brief referring to the event data that travels beside it', async () => {
    const h = await withRules();

    const result = await h.sup.emitEvent({ type: 'competitor.rank_drop', data: { magnitude: 80, keyword: 'dashboards' } });

    expect(result.outcome).toBe('started');
    expect(result.taskIds).toHaveLength(1);
    const [id] = result.taskIds;
    expect(h.events('task.created')).toMatchObject([{ taskId: id, source: 'event', priority: 'P1', contentType: 'rank-response' }]);
    const view = await h.final(id ?? '');
    expect(view.status).toBe('completed');
    expect(h.callsOf('marketing')[0]?.input['brief']).toMatchObject({ goal: 'Win back the rank for [event data: keyword]' });
    expect(h.fake.calls[0]?.body['messages']).toMatchObject([{ content: expect.stringMatching(/\n<event_data>\n\[\{"field":"keyword","value":"dashboards"\}\]\n<\/event_data>$/) }]);
    expect(view.outputs['draft']).toBeDefined();
  });

  it('batches P3 events until the window passes on the clock, then starts them together', async () => {
    const h = await withRules();

    const first = await h.sup.emitEvent({ type: 'keyword.spike', data: { magnitude: 90, keyword: 'lens' } });
    await h.advance(60_000);
    const second = await h.sup.emitEvent({ type: 'keyword.spike', data: { magnitude: 70, keyword: 'dashboards' } });

    expect([first.outcome, second.outcome]).toEqual(['batched', 'batched']);
    expect(first.taskIds).toEqual([]);
    await h.advance(WINDOW_SECONDS * 1000 - 60_000 - 1);
    expect(h.events('task.created')).toEqual([]);

    await h.advance(1);
    const created = await h.settle(() => {
      const found = h.events('task.created') ?? [];
      return found.length === 2 ? found : undefined;
    }, 'both batched tasks');

    expect(created.map((e) => [e.source, e.priority])).toEqual([
      ['event', 'P3'],
      ['event', 'P3'],
    ]);
    const views = await Promise.all(created.map((e) => h.final(e.taskId)));
    expect(views.map((v) => v?.status)).toEqual(['completed', 'completed']);
    const data = h.fake.calls.map((r) => JSON.stringify(r.body['messages'])).flatMap((m) => /\\"value\\":\\"(\w+)\\"/.exec(m)?.[1] ?? []);
    expect(data.toSorted((a, b) => a.localeCompare(b))).toEqual(['dashboards', 'lens']);
  });

  it('acknowledges a repeated event id once and starts nothing more', async () => {
    const h = await withRules();

    const once = await h.sup.emitEvent({ id: 'evt-42', type: 'competitor.rank_drop', data: { magnitude: 80, keyword: 'dashboards' } });
    const again = await h.sup.emitEvent({ id: 'evt-42', type: 'competitor.rank_drop', data: { magnitude: 80, keyword: 'dashboards' } });

    expect(once).toMatchObject({ eventId: 'evt-42', duplicate: false, outcome: 'started' });
    expect(again).toMatchObject({ eventId: 'evt-42', duplicate: true, taskIds: [] });
    expect(h.events('event.received')).toHaveLength(1);
    expect(h.events('task.created')).toHaveLength(1);
    await h.final(once.taskIds[0] ?? '');
  });

  it('refuses an event that lacks a field its rule writes into the brief, naming the field', async () => {
    const h = await withRules();

    const refused = h.sup.emitEvent({ id: 'evt-holes', type: 'competitor.rank_drop', data: { magnitude: 80 } });

    await expect(refused).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('data.keyword: expected a string or number') });
    expect(h.events('event.received')).toHaveLength(0);
    expect(h.events('task.created')).toHaveLength(0);
    expect(h.sup.hasSeen('evt-holes')).toBe(false);
  });
});
