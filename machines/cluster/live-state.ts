// What one supervisor of a cluster knows of the whole cluster, kept in memory for the calls that
// answer at once (status, the live task list, pending approvals): it follows agentry_tasks by
// their write time, re-reads the pending approvals, the day's spend, paused domains and open SLA
// breaches, and follows the event log and the learning outcomes.
// Writes commit in an order their timestamps need not keep, so each follow re-reads a margin.
import type { Logger } from '../../core/logger.js';
import type { PgApprovals } from '../../memory/postgres/approvals.js';
import type { PgBreach, PgEscalations } from '../../memory/postgres/escalations.js';
import type { PgHistory } from '../../memory/postgres/history.js';
import type { LedgerStore, StoreLedgerDay } from '../../memory/store.js';
import type { ApprovalView, TaskView } from '../contract.js';
import { isTerminal } from '../supervisor/tasks/views.js';
import type { ClusterEvents } from './cluster-events.js';

/** Re-read behind the newest write seen: a transaction that began earlier may commit later. */
const MARGIN_MS = 1000;
/** Finished tasks kept in the live list, the newest. */
const KEEP_FINISHED = 1000;
/** At the first follow: the tasks written in the last hour. */
const FIRST_LOOK_MS = 3_600_000;
const PENDING_PAGE = 500;

export interface LiveStateDeps {
  history: PgHistory<TaskView>;
  approvals: PgApprovals<ApprovalView>;
  ledger: LedgerStore;
  escalations: PgEscalations;
  events: ClusterEvents;
  /** The learning outcomes every supervisor writes (cluster-learning.ts). */
  learning: { follow(): Promise<void> };
  logger: Logger;
  now(): number;
}

export class LiveState {
  private readonly tasks = new Map<string, TaskView>();
  private pending: ApprovalView[] = [];
  private day: StoreLedgerDay | undefined;
  private paused: string[] = [];
  private breaches: PgBreach[] = [];
  private watermark: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private following: Promise<void> | undefined;
  /** The store answered the last follow. */
  ok = true;

  constructor(private readonly d: LiveStateDeps) {}

  /** One follow of every table; a failure leaves what is known and marks the store unavailable. */
  follow(): Promise<void> {
    this.following ??= this.read()
      .then(() => {
        this.ok = true;
      })
      .catch((err: unknown) => {
        this.ok = false;
        this.d.logger.warn({ err }, 'cannot follow the cluster store');
      })
      .finally(() => {
        this.following = undefined;
      });
    return this.following;
  }

  start(everyMs: number): void {
    this.timer = setInterval(() => void this.follow(), everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.following;
  }

  /** A view this supervisor wrote or read just now: shown before the next follow brings it. */
  saw(view: TaskView): void {
    const known = this.tasks.get(view.id);
    if (!known || known.updatedAt <= view.updatedAt) this.tasks.set(view.id, view);
  }

  get(id: string): TaskView | undefined {
    return this.tasks.get(id);
  }

  /** Newest first. */
  list(): TaskView[] {
    return [...this.tasks.values()].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1));
  }

  active(): TaskView[] {
    return [...this.tasks.values()].filter((v) => !isTerminal(v.status));
  }

  pendingApprovals(): ApprovalView[] {
    return this.pending;
  }

  spend(): StoreLedgerDay | undefined {
    return this.day;
  }

  pausedDomains(): string[] {
    return this.paused;
  }

  /** SLA deadlines passed by tasks not finished, with the tier each reached. */
  slaBreaches(): PgBreach[] {
    return this.breaches;
  }

  private async read(): Promise<void> {
    const since = this.watermark === undefined ? this.d.now() - FIRST_LOOK_MS : this.watermark - MARGIN_MS;
    const changed = await this.d.history.changedSince(since);
    for (const view of changed.views) this.saw(view);
    this.watermark = Math.max(this.watermark ?? 0, changed.newestMs);
    this.prune();
    this.pending = (await this.d.approvals.query({ status: 'pending', limit: PENDING_PAGE })).items;
    this.day = await this.d.ledger.view();
    this.paused = await this.d.escalations.paused();
    this.breaches = await this.d.escalations.openBreaches();
    await this.d.events.follow();
    await this.d.learning.follow();
  }

  private prune(): void {
    const finished = [...this.tasks.values()].filter((v) => isTerminal(v.status));
    if (finished.length <= KEEP_FINISHED) return;
    finished.sort((a, b) => (a.updatedAt < b.updatedAt ? -1 : 1));
    for (const v of finished.slice(0, finished.length - KEEP_FINISHED)) this.tasks.delete(v.id);
  }
}
