// The cluster's event log: every supervisor appends to one Postgres table (agentry_events, seq
// numbered by the database) and follows it, so `agentry events`, the console's stream and the
// notifier see the events of the whole cluster, wherever they happened. Keys make an event
// idempotent across supervisors and re-runs: a step run again after a crash appends nothing new.
import type { Logger } from '../../core/logger.js';
import type { PgEvents } from '../../memory/postgres/events.js';
import type { SupervisorEvent } from '../events.js';

export type ClusterEventListener = (seq: number, event: SupervisorEvent) => void;

const RING = 2000;
const PAGE = 1000;

export class ClusterEvents {
  private readonly ring: { seq: number; event: SupervisorEvent }[] = [];
  private readonly listeners = new Set<ClusterEventListener>();
  private last = 0;

  constructor(
    private readonly table: PgEvents<SupervisorEvent>,
    private readonly logger: Logger,
  ) {}

  /** Appends `event` (once per `key`); a failed append is logged, not thrown (as the embedded log's emit). */
  emit(event: SupervisorEvent, key?: string): void {
    this.emitDurable(event, key).catch((err: unknown) => this.logger.error({ err, type: event.type }, 'event not recorded'));
  }

  /** Resolves once the event is committed; subscribers hear it on the next follow. */
  async emitDurable(event: SupervisorEvent, key?: string): Promise<void> {
    const taskId = (event as { taskId?: unknown }).taskId;
    await this.table.append({ at: Date.parse(event.at), type: event.type, event, ...(typeof taskId === 'string' ? { taskId } : {}), ...(key === undefined ? {} : { key }) });
  }

  /**
   * Reads what was appended since the last follow (by any supervisor), into the ring and to the
   * subscribers. The first follow starts at the newest `RING` events, not at the beginning.
   */
  async follow(): Promise<void> {
    if (this.last === 0) this.last = Math.max(0, (await this.table.newestSeq()) - RING);
    for (;;) {
      const rows = await this.table.list({ after: this.last, limit: PAGE });
      for (const row of rows) {
        this.last = row.seq;
        this.ring.push({ seq: row.seq, event: row.event });
        for (const listener of this.listeners) {
          try {
            listener(row.seq, row.event);
          } catch (err) {
            this.logger.error({ err }, 'event listener failed');
          }
        }
      }
      if (this.ring.length > 2 * RING) this.ring.splice(0, this.ring.length - RING);
      if (rows.length < PAGE) return;
    }
  }

  recent(opts: { after?: number; limit?: number } = {}): { seq: number; event: SupervisorEvent }[] {
    const after = opts.after ?? 0;
    const items = this.ring.filter((e) => e.seq > after).slice(-RING);
    return opts.limit === undefined ? items : items.slice(-opts.limit);
  }

  subscribe(listener: ClusterEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
