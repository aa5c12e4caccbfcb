// The view of every known task (active and recently finished), kept in step with the task
// actors' snapshots. Views are what status, `tasks` and `task show` read.
import type { TaskStatus, TaskView } from '../../contract.js';
import { TERMINAL_STATUSES } from '../../contract.js';
import type { TaskRecord } from '../../task/context.js';

/** What a task actor's snapshot offers to read its status: its states' tags. */
export interface TaggedSnapshot {
  hasTag(tag: TaskStatus): boolean;
}

/** The status order tags are read in; every state of the task machine carries exactly one. */
const BY_TAG: readonly TaskStatus[] = ['completed', 'rejected', 'failed', 'awaiting_approval', 'reviewing', 'pending', 'running'];

/** The status a task machine snapshot shows, from its state tags (a state without one counts as running). */
export function statusOf(snapshot: TaggedSnapshot): TaskStatus {
  return BY_TAG.find((tag) => snapshot.hasTag(tag)) ?? 'running';
}

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function newView(record: TaskRecord, status: TaskStatus): TaskView {
  const at = new Date(record.createdAt).toISOString();
  const view: TaskView = {
    id: record.id,
    workflow: record.workflow,
    status,
    priority: record.priority,
    input: record.input,
    contentType: record.contentType,
    dependsOn: record.dependsOn,
    round: 1,
    costUsd: 0,
    outputs: {},
    reviews: [],
    createdAt: at,
    updatedAt: at,
  };
  if (record.parentId !== undefined) view.parentId = record.parentId;
  if (record.children !== undefined) view.children = record.children;
  if (record.retry !== undefined) view.retryOf = record.retry.of;
  return view;
}

export class TaskViews {
  private readonly views = new Map<string, TaskView>();
  /** Finished tasks kept for `task show`, oldest dropped first. */
  private readonly finished: string[] = [];

  /** `simulated`: every view's cost is the offline model's simulated cost. */
  constructor(
    private readonly keepFinished = 1000,
    private readonly simulated = false,
  ) {}

  set(view: TaskView): void {
    if (this.simulated) view.simulatedCost = true;
    this.views.set(view.id, view);
    if (isTerminal(view.status) && !this.finished.includes(view.id)) {
      this.finished.push(view.id);
      while (this.finished.length > this.keepFinished) {
        const old = this.finished.shift();
        if (old !== undefined) this.views.delete(old);
      }
    }
  }

  get(id: string): TaskView | undefined {
    return this.views.get(id);
  }

  update(id: string, patch: Partial<TaskView>, now: number): TaskView | undefined {
    const view = this.views.get(id);
    if (!view) return undefined;
    const next = { ...view, ...patch, updatedAt: new Date(now).toISOString() };
    this.set(next);
    return next;
  }

  list(filter: { status?: TaskStatus; limit?: number } = {}): TaskView[] {
    let all = [...this.views.values()];
    if (filter.status) all = all.filter((v) => v.status === filter.status);
    all.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    return filter.limit === undefined ? all : all.slice(0, filter.limit);
  }

  active(): TaskView[] {
    return [...this.views.values()].filter((v) => !isTerminal(v.status));
  }
}
