// Idempotency keys (event ids, webhook deliveries, spooled hook lines, schedule firings,
// incidents): a key is accepted once, journaled as a `seen` record, replayed after a restart and
// forgotten after a TTL (GitHub redelivers for up to 3 days).
import type { Clock } from '../../../core/clock.js';
import type { JournalRecord, JournalSink } from './records.js';

/** How long an accepted key answers "duplicate". */
const SEEN_TTL_MS = 3 * 24 * 3600 * 1000;

export class Idempotency {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly journal: JournalSink,
    private readonly clock: Clock,
    private readonly ttlMs = SEEN_TTL_MS,
  ) {}

  has(key: string): boolean {
    return this.seen.has(key);
  }

  /** Accepts `key` durably; a key the journal refused is not accepted (a retry is no duplicate). */
  async remember(key: string): Promise<void> {
    if (this.seen.has(key)) return;
    const at = this.clock.now();
    this.seen.set(key, at);
    try {
      await this.journal.append({ t: 'seen', id: key, at });
    } catch (err) {
      this.seen.delete(key);
      throw err;
    }
  }

  /**
   * Runs `work` for a new key, which becomes durable only after the work it acknowledges (a kill
   * in between must not leave a "duplicate" with no effect). In memory it is seen at once,
   * against concurrent repeats; work that failed acknowledged nothing, so the key is forgotten.
   */
  async acceptAfter<T>(key: string, work: () => Promise<T>): Promise<T> {
    const at = this.clock.now();
    this.seen.set(key, at);
    let result: T;
    try {
      result = await work();
    } catch (err) {
      this.seen.delete(key);
      throw err;
    }
    await this.journal.append({ t: 'seen', id: key, at });
    return result;
  }

  /** A key from the journal (a `seen` record, or an event a routed task names as its origin). */
  replay(key: string, at: number): void {
    this.seen.set(key, at);
  }

  /** Drops expired keys; the `seen` records a compaction keeps. */
  retained(now: number): JournalRecord[] {
    const out: JournalRecord[] = [];
    for (const [id, at] of this.seen) {
      if (now - at >= this.ttlMs) this.seen.delete(id);
      else out.push({ t: 'seen', id, at });
    }
    return out;
  }
}
