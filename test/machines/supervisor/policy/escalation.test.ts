// Domain pauses, owned by policy/escalation.ts: a tier 3 SLA breach pauses its domain; a person
// resumes it; both are journaled, so a replay (a restart) and a compaction keep the state.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../../config/load.js';
import { createRootLogger } from '../../../../core/logger.js';
import type { JournalRecord, JournalSink } from '../../../../machines/supervisor/durable/records.js';
import { Escalation } from '../../../../machines/supervisor/policy/escalation.js';
import { EventLog } from '../../../../machines/supervisor/read-models/event-log.js';
import { TestClock } from '../test-clock.js';

function rig() {
  const records: JournalRecord[] = [];
  const append = (r: JournalRecord): Promise<void> => (records.push(r), Promise.resolve());
  const journal: JournalSink = { append, write: append };
  const events = new EventLog(journal, (err) => {
    throw err;
  });
  const config = resolveConfig({ version: 1 });
  const clock = new TestClock();
  const escalation = new Escalation({ clock, logger: createRootLogger({ level: 'silent' }), config: () => config, journal, events });
  const types = () => events.recent().map((e) => e.event.type);
  return { records, escalation, types, clock };
}

describe('Escalation', () => {
  it('pauses the domain at tier 3 only, once; a resume lets it act again', async () => {
    const { records, escalation, types } = rig();
    const breach = { key: 't1:cultural', taskId: 't1', domain: 'content', scope: 'cultural' as const, deadline: 0 };
    escalation.onBreach({ ...breach, tier: 1 });
    escalation.onBreach({ ...breach, tier: 2 });
    expect(escalation.pausedDomains.has('content')).toBe(false);
    escalation.onBreach({ ...breach, tier: 3 });
    escalation.pause('content', 'the coordinator paused it');
    expect([...escalation.pausedDomains]).toEqual(['content']);
    expect(types().filter((t) => t.startsWith('domain.'))).toEqual(['domain.paused']);

    expect(await escalation.resume('content')).toEqual({ domain: 'content', resumed: true });
    expect(escalation.pausedDomains.size).toBe(0);
    expect(types().filter((t) => t.startsWith('domain.'))).toEqual(['domain.paused', 'domain.resumed']);
    expect(records.filter((r) => r.t === 'domain').map((r) => (r.t === 'domain' ? r.paused : null))).toEqual([true, false]);
  });

  it('refuses an unknown domain, and answers resumed: false for one not paused', async () => {
    const { escalation } = rig();
    await expect(escalation.resume('nowhere')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await escalation.resume('content')).toEqual({ domain: 'content', resumed: false });
  });

  it('replays pauses and resumes in order; a compaction keeps the paused ones', () => {
    const { escalation, clock } = rig();
    escalation.replay('content', true);
    escalation.replay('sales', true);
    escalation.replay('content', false);
    expect(escalation.retained(clock.now())).toEqual([{ t: 'domain', domain: 'sales', paused: true, at: clock.now() }]);
  });
});
