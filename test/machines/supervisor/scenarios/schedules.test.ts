// Workflows on a cron schedule, timed on the simulated clock: each due time starts one task.
import { describe, expect, it } from 'vitest';
import { MINUTE, scenarios } from '../harness.js';
import { brief } from '../replies.js';

const start = scenarios();

describe('scheduled workflows', () => {
  it('starts the workflow at each cron time and not before', async () => {
    // T0 is 09:00 UTC: a schedule every 5 minutes fires at 09:05, 09:10, …
    const h = await start({ config: { schedules: [{ id: 'pulse', cron: '*/5 * * * *', workflow: 'content', input: brief(), priority: 'P3' }] } });
    await h.advance(4 * MINUTE);
    expect(h.events('schedule.fired')).toEqual([]);

    await h.advance(1 * MINUTE);
    const first = await h.settle(() => h.sup.listTasks().find((t) => t.workflow === 'content'), 'the first scheduled task');
    expect(first).toMatchObject({ priority: 'P3' });
    expect(h.events('schedule.fired')).toMatchObject([{ scheduleId: 'pulse', workflow: 'content' }]);
    expect(h.events('task.created', first.id)).toMatchObject([{ source: 'schedule' }]);
    await h.final(first.id);

    await h.advance(5 * MINUTE);
    await h.settle(() => h.sup.listTasks().length === 2, 'the second scheduled task');
    expect(h.events('schedule.fired')).toHaveLength(2);
  });
});
