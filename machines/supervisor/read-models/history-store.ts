// The embedded store's history as a HistoryStore (memory/store.ts): finished views appended to
// the archive (archive/<day>.ndjson, fsync'd) and read back through the history index and
// TaskHistory, the same path `tasks` and `task show` take for archived tasks. What the Postgres
// history (memory/postgres/history.ts) must match: the contract suite runs both.
import type { Clock } from '../../../core/clock.js';
import { dayOf } from '../../../core/clock.js';
import { appendArchive } from '../../../memory/archive.js';
import { HistoryIndex } from '../../../memory/history-index.js';
import type { HistoryStore, StorePage } from '../../../memory/store.js';
import type { TaskQuery, TaskView } from '../../contract.js';
import { TaskViews } from '../tasks/views.js';
import { summarizeView, TaskHistory } from './history.js';

export class EmbeddedHistoryStore implements HistoryStore<TaskView> {
  private readonly index: HistoryIndex;
  private readonly history: TaskHistory;

  constructor(
    private readonly stateDir: string,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.index = new HistoryIndex(stateDir, summarizeView);
    this.history = new TaskHistory(this.index, new TaskViews(), this.index.open());
  }

  /** The index fields are derived from the view again as the archive is indexed (summarizeView). */
  async put(view: TaskView): Promise<void> {
    const now = this.clock.now();
    await appendArchive(this.stateDir, dayOf(now), [view], new Date(now));
    await this.index.catchUp();
  }

  find(id: string): Promise<TaskView | undefined> {
    return this.history.find(id);
  }

  query(q: TaskQuery): Promise<StorePage<TaskView>> {
    return this.history.tasks(q);
  }
}
