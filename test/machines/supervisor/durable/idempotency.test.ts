// Idempotency keys in one place: a key is accepted once and only once it is durable; work that
// failed accepts nothing; replayed keys answer "seen"; a compaction keeps keys within their TTL.
import { describe, expect, it } from 'vitest';
import { Idempotency } from '../../../../machines/supervisor/durable/idempotency.js';
import type { JournalRecord, JournalSink } from '../../../../machines/supervisor/durable/records.js';
import { TestClock } from '../test-clock.js';

const HOUR = 3_600_000;

function sink(fail = false): JournalSink & { records: JournalRecord[] } {
  const records: JournalRecord[] = [];
  const append = (r: JournalRecord): Promise<void> => (fail ? Promise.reject(new Error('disk full')) : (records.push(r), Promise.resolve()));
  return { records, append, write: append };
}

describe('Idempotency', () => {
  it('remembers a key durably, once', async () => {
    const journal = sink();
    const clock = new TestClock();
    const keys = new Idempotency(journal, clock);
    await keys.remember('github:1');
    await keys.remember('github:1');
    expect(keys.has('github:1')).toBe(true);
    expect(journal.records).toEqual([{ t: 'seen', id: 'github:1', at: clock.now() }]);
  });

  it('does not accept a key the journal refused', async () => {
    const keys = new Idempotency(sink(true), new TestClock());
    await expect(keys.remember('k')).rejects.toThrow('disk full');
    expect(keys.has('k')).toBe(false);
  });

  it('accepts a key after its work, seen at once in memory; failed work accepts nothing', async () => {
    const journal = sink();
    const keys = new Idempotency(journal, new TestClock());
    const seenDuring: boolean[] = [];
    expect(await keys.acceptAfter('ev-1', () => Promise.resolve(seenDuring.push(keys.has('ev-1'))))).toBe(1);
    expect(seenDuring).toEqual([true]);
    expect(journal.records.map((r) => r.t)).toEqual(['seen']);
    await expect(keys.acceptAfter('ev-2', () => Promise.reject(new Error('no route')))).rejects.toThrow('no route');
    expect(keys.has('ev-2')).toBe(false);
    expect(journal.records).toHaveLength(1);
  });

  it('keeps replayed keys, and drops keys past their TTL at a compaction', () => {
    const clock = new TestClock();
    const keys = new Idempotency(sink(), clock, 10 * HOUR);
    keys.replay('old', clock.now());
    keys.replay('new', clock.now() + 5 * HOUR);
    expect(keys.has('old')).toBe(true);
    const now = clock.now() + 10 * HOUR;
    expect(keys.retained(now)).toEqual([{ t: 'seen', id: 'new', at: clock.now() + 5 * HOUR }]);
    expect(keys.has('old')).toBe(false);
  });
});
