// When and how the journal is compacted: finished tasks go to the archive, then the journal is
// rewritten as a snapshot of the live state (durable/compaction.ts says what it keeps), so the
// folder stays bounded and a start replays only what is active.
import { dayOf } from '../../../core/clock.js';
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/logger.js';
import type { ResolvedConfig } from '../../../config/load.js';
import type { HistoryIndex } from '../../../memory/history-index.js';
import type { Journal } from '../../../memory/journal.js';
import type { TaskView } from '../../contract.js';
import type { Deliveries } from '../../deliveries/deliveries.js';
import type { BudgetLedger } from '../../ledger.js';
import type { Intake } from '../policy/intake.js';
import type { Escalation } from '../policy/escalation.js';
import { pruneHistory } from '../read-models/history-open.js';
import type { EventLog } from '../read-models/event-log.js';
import type { TaskBook } from '../tasks/task-book.js';
import type { TaskViews } from '../tasks/views.js';
import type { ActivityJournal } from './activity-journal.js';
import { compactionRecords } from './compaction.js';
import type { Idempotency } from './idempotency.js';

/** Journal records between compactions (about a minute of heavy load). */
const COMPACT_EVERY_APPENDS = 50_000;

export interface CompactorDeps {
  journal: Pick<Journal, 'archive' | 'compact' | 'stats'>;
  clock: Clock;
  logger: Logger;
  config(): ResolvedConfig;
  index: HistoryIndex;
  book: TaskBook;
  memo: ActivityJournal;
  ledger: BudgetLedger;
  intake: Intake;
  deliveries: Deliveries;
  events: EventLog;
  idempotency: Idempotency;
  escalation: Escalation;
  views: TaskViews;
}

export class Compactor {
  /** Finished views not archived yet (the next compaction archives them). */
  private readonly finished: TaskView[] = [];
  private compactedAt = 0;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: CompactorDeps) {}

  /** Finished views waiting for the archive (history reads them meanwhile). */
  get unarchived(): readonly TaskView[] {
    return this.finished;
  }

  /** A finished task's view waits for the next compaction to archive it. */
  keep(view: TaskView): void {
    this.finished.push(view);
  }

  /** A task finished: its view waits for the archive; enough appends since the last compaction start one. */
  taskFinished(view: TaskView | undefined): void {
    if (view) this.keep(view);
    if (this.deps.journal.stats.appends - this.compactedAt >= COMPACT_EVERY_APPENDS) void this.compact();
  }

  /** The running compaction, if any. */
  get inFlight(): Promise<void> | null {
    return this.running;
  }

  compact(): Promise<void> {
    this.running ??= (async () => {
      const { deps } = this;
      try {
        // Taken off the list only once archived: a failed archive keeps them for the next try.
        const finished = this.finished.slice();
        if (finished.length > 0) await deps.journal.archive(dayOf(deps.clock.now()), finished);
        this.finished.splice(0, finished.length);
        await pruneHistory(deps.index, deps.config().history.retentionDays, deps.clock.now(), deps.logger);
        // Tasks that finished meanwhile (or whose final record is still in flight) are in no
        // archive yet: the snapshot must keep them, or a crash before the next compaction loses them.
        const unarchived = new Set([...this.finished.map((v) => v.id), ...deps.book.finishing]);
        const now = deps.clock.now();
        const records = compactionRecords({
          unarchived,
          book: deps.book,
          memo: deps.memo,
          ledger: deps.ledger,
          intake: deps.intake,
          deliveries: deps.deliveries,
          events: deps.events.retained(),
          seen: deps.idempotency.retained(now),
          domains: deps.escalation.retained(now),
          now,
          view: (id) => deps.views.get(id),
        });
        await deps.journal.compact({ records });
        this.compactedAt = deps.journal.stats.appends;
        deps.book.dropFinished(unarchived);
      } catch (err) {
        deps.logger.error({ err }, 'compaction failed; the journal keeps growing until the next try');
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
}
