// Every supervisor event, journaled in order with a sequence number, kept in a bounded ring for
// `agentry events`, and pushed to subscribers (events --follow, the notifier, day figures).
import type { SupervisorEvent } from '../../events.js';
import type { JournalSink } from '../durable/records.js';

export type EventListener = (seq: number, event: SupervisorEvent) => void;

export class EventLog {
  private seq = 0;
  private readonly ring: { seq: number; event: SupervisorEvent; key?: string }[] = [];
  private readonly keys = new Set<string>();
  private readonly listeners = new Set<EventListener>();

  constructor(
    private readonly journal: JournalSink,
    private readonly onError: (err: unknown) => void,
    private readonly capacity = 2000,
  ) {}

  /** Feeds a replayed event (no journal write, no listeners but replay-safe ones). */
  replay(seq: number, event: SupervisorEvent, key?: string): void {
    this.seq = Math.max(this.seq, seq);
    if (key) this.keys.add(key);
    this.push(seq, event, key);
  }

  /** Records `event`; with a `key`, an event already recorded under it is not recorded again. */
  emit(event: SupervisorEvent, key?: string): void {
    this.write(event, key, false)?.catch(this.onError);
  }

  /** As emit, resolving once the event is durable (rejecting when the journal refused it). */
  emitDurable(event: SupervisorEvent, key?: string): Promise<void> {
    return this.write(event, key, true) ?? Promise.resolve();
  }

  /** `durable`: fsync'd before it resolves; otherwise in the kernel, made durable by the next acknowledgement. */
  private write(event: SupervisorEvent, key: string | undefined, durable: boolean): Promise<void> | undefined {
    if (key !== undefined) {
      if (this.keys.has(key)) return undefined;
      this.keys.add(key);
    }
    const seq = ++this.seq;
    const record = key === undefined ? { t: 'event' as const, seq, event } : { t: 'event' as const, seq, key, event };
    const written = durable ? this.journal.append(record) : this.journal.write(record);
    this.push(seq, event, key);
    for (const listener of this.listeners) {
      try {
        listener(seq, event);
      } catch (err) {
        this.onError(err);
      }
    }
    return written;
  }

  recent(opts: { after?: number; limit?: number } = {}): { seq: number; event: SupervisorEvent }[] {
    const after = opts.after ?? 0;
    const items: { seq: number; event: SupervisorEvent }[] = [];
    for (let i = this.first(); i < this.ring.length; i++) {
      const e = this.ring[i];
      if (e && e.seq > after) items.push({ seq: e.seq, event: e.event });
    }
    return opts.limit === undefined ? items : items.slice(-opts.limit);
  }

  /** The ring with its keys, for a compaction; keys of events that left it are forgotten. */
  retained(): { seq: number; event: SupervisorEvent; key?: string }[] {
    const kept = this.ring.slice(this.first());
    this.keys.clear();
    for (const e of kept) if (e.key !== undefined) this.keys.add(e.key);
    return kept;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Index of the oldest event in the ring: the array holds up to twice `capacity`, trimmed in chunks. */
  private first(): number {
    return Math.max(0, this.ring.length - this.capacity);
  }

  private push(seq: number, event: SupervisorEvent, key: string | undefined): void {
    this.ring.push(key === undefined ? { seq, event } : { seq, event, key });
    // One splice per `capacity` events rather than a shift of the whole ring on every event.
    if (this.ring.length >= 2 * this.capacity) this.ring.splice(0, this.ring.length - this.capacity);
  }
}
