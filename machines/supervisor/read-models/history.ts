// Every task and approval ever accepted, read back: live ones from the task views, finished
// ones from the archive through its index (memory/history-index.ts). Lists are newest task first
// and paged with an opaque cursor (the sort key of the last item), so a page costs a scan of the
// small index entries plus one positioned read per archived item on it.
import type { HistoryEntry, HistoryFields, HistoryIndex } from '../../../memory/history-index.js';
import { compareKeys, decodeCursor, encodeCursor, isAfter, parseSince } from '../../../memory/history-query.js';
import type { HistoryKey as Key } from '../../../memory/history-query.js';
import type { ApprovalQuery, ApprovalView, Page, TaskQuery, TaskView } from '../../contract.js';
import type { TaskViews } from '../tasks/views.js';

const DEFAULT_PAGE = 50;
/** How much of a task's text `--search` looks at (id, workflow, input, then the output). */
const SEARCH_CHARS = 400;

/** The index fields of an archived task view. */
export function summarizeView(record: unknown): HistoryFields | undefined {
  const v = record as Partial<TaskView> | null;
  if (!v || typeof v.id !== 'string' || typeof v.createdAt !== 'string' || typeof v.status !== 'string' || typeof v.workflow !== 'string') return undefined;
  const fields: HistoryFields = { id: v.id, createdAt: Date.parse(v.createdAt), status: v.status, workflow: v.workflow, approvals: approvalsOf(v as TaskView).map((a) => [a.id, a.status]), text: searchText(v as TaskView) };
  if (typeof v.parentId === 'string') fields.parentId = v.parentId;
  return fields;
}

export function approvalsOf(v: TaskView): ApprovalView[] {
  if (v.approvals && v.approvals.length > 0) return v.approvals;
  return v.approval ? [v.approval] : [];
}

function searchText(v: TaskView): string {
  const parts: string[] = [v.id, v.workflow];
  collectStrings(v.input, parts);
  collectStrings(v.outputs, parts);
  return parts.join(' ').slice(0, SEARCH_CHARS).toLowerCase();
}

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collectStrings(v, out);
}

export class TaskHistory {
  constructor(
    private readonly index: HistoryIndex,
    private readonly views: TaskViews,
    /** Resolves when the index is open (it loads behind a start). */
    private readonly ready: Promise<unknown>,
    /** Finished views waiting for the next compaction to archive them (the views keep only the latest 1,000). */
    private readonly unarchived: () => readonly TaskView[] = () => [],
  ) {}

  /** Every view held in memory: live tasks, recently finished ones, and finished ones not archived yet. */
  private inMemory(): TaskView[] {
    const views = this.views.list();
    const ids = new Set(views.map((v) => v.id));
    for (const v of this.unarchived()) if (!ids.has(v.id)) views.push(v);
    return views;
  }

  async find(id: string): Promise<TaskView | undefined> {
    const live = this.views.get(id) ?? this.unarchived().find((v) => v.id === id);
    if (live) return live;
    await this.ready;
    return (await this.index.read(id)) as TaskView | undefined;
  }

  async findApproval(approvalId: string, live: ApprovalView | undefined): Promise<ApprovalView | undefined> {
    if (live) return live;
    for (const v of this.inMemory()) {
      const found = approvalsOf(v).find((a) => a.id === approvalId);
      if (found) return found;
    }
    await this.ready;
    const taskId = this.index.taskOfApproval(approvalId);
    const task = taskId === undefined ? undefined : await this.find(taskId);
    return task ? approvalsOf(task).find((a) => a.id === approvalId) : undefined;
  }

  async tasks(q: TaskQuery): Promise<Page<TaskView>> {
    await this.ready;
    const limit = q.limit ?? DEFAULT_PAGE;
    const after = q.after === undefined ? undefined : decodeCursor(q.after);
    const since = q.since === undefined ? undefined : parseSince(q.since);
    const needle = q.search?.toLowerCase();
    const match = (f: Pick<HistoryFields, 'status' | 'workflow' | 'parentId' | 'createdAt'>, text: () => string): boolean =>
      (q.status === undefined || f.status === q.status) &&
      (q.workflow === undefined || f.workflow === q.workflow) &&
      (q.parentId === undefined || f.parentId === q.parentId) &&
      (since === undefined || f.createdAt >= since) &&
      (needle === undefined || text().includes(needle));
    const liveViews = this.inMemory();
    const live = liveViews
      .map((v) => ({ key: [Date.parse(v.createdAt), v.id, 0] as Key, view: v }))
      .filter((c) => isAfter(c.key, after) && match({ ...c.view, createdAt: c.key[0] }, () => searchText(c.view)));
    const inMemory = new Set(liveViews.map((v) => v.id));
    const archived: { key: Key; entry: HistoryEntry }[] = [];
    for (const e of this.index.entries()) {
      if (archived.length > limit) break;
      if (since !== undefined && e.createdAt < since) break; // newest first: nothing older matches
      const key: Key = [e.createdAt, e.id, 0];
      if (inMemory.has(e.id) || !isAfter(key, after) || !match(e, () => e.text)) continue;
      archived.push({ key, entry: e });
    }
    const merged = [...live.map((c) => ({ key: c.key, load: () => Promise.resolve(c.view) })), ...archived.map((c) => ({ key: c.key, load: () => this.index.read(c.entry.id) as Promise<TaskView | undefined> }))].sort((a, b) => compareKeys(a.key, b.key));
    const page = merged.slice(0, limit);
    const items = (await Promise.all(page.map((c) => c.load()))).filter((v): v is TaskView => v !== undefined);
    const last = page.at(-1);
    return { items, nextCursor: merged.length > limit && last ? encodeCursor(last.key) : null };
  }

  async approvals(q: ApprovalQuery, live: readonly ApprovalView[]): Promise<Page<ApprovalView>> {
    await this.ready;
    const limit = q.limit ?? DEFAULT_PAGE;
    const after = q.after === undefined ? undefined : decodeCursor(q.after);
    const seen = new Set<string>();
    const found: { key: Key; approval: () => Promise<ApprovalView | undefined> }[] = [];
    const taskKey = (taskId: string): number => Date.parse(this.views.get(taskId)?.createdAt ?? '') || 0;
    const add = (key: Key, id: string, status: string, load: () => Promise<ApprovalView | undefined>): void => {
      if (seen.has(id)) return;
      seen.add(id);
      if ((q.status === undefined || status === q.status) && isAfter(key, after)) found.push({ key, approval: load });
    };
    const liveById = new Map(live.map((a) => [a.id, a]));
    const inMemory = new Set<string>();
    for (const v of this.inMemory()) {
      inMemory.add(v.id);
      approvalsOf(v).forEach((a, i) => {
        const current = liveById.get(a.id) ?? a;
        add([Date.parse(v.createdAt), v.id, i], a.id, current.status, () => Promise.resolve(current));
      });
    }
    for (const a of live) add([taskKey(a.taskId), a.taskId, 1_000], a.id, a.status, () => Promise.resolve(a));
    for (const e of this.index.entries()) {
      if (found.length > limit) break;
      if (inMemory.has(e.id)) continue;
      e.approvals.forEach(([id, status], i) => add([e.createdAt, e.id, i], id, status, async () => approvalsOf(((await this.index.read(e.id)) as TaskView | undefined) ?? ({} as TaskView)).find((a) => a.id === id)));
    }
    found.sort((a, b) => compareKeys(a.key, b.key));
    const page = found.slice(0, limit);
    const items = (await Promise.all(page.map((c) => c.approval()))).filter((a): a is ApprovalView => a !== undefined);
    const last = page.at(-1);
    return { items, nextCursor: found.length > limit && last ? encodeCursor(last.key) : null };
  }

  /** Every task created at or after `since`, oldest first. */
  async export(since: number, write: (task: TaskView) => void): Promise<number> {
    await this.ready;
    const liveViews = this.inMemory().filter((v) => Date.parse(v.createdAt) >= since);
    const inMemory = new Set(liveViews.map((v) => v.id));
    const entries = this.index.entries().filter((e) => e.createdAt >= since && !inMemory.has(e.id));
    const all = [...entries.map((e) => ({ key: [e.createdAt, e.id, 0] as Key, id: e.id, view: undefined as TaskView | undefined })), ...liveViews.map((v) => ({ key: [Date.parse(v.createdAt), v.id, 0] as Key, id: v.id, view: v }))].sort((a, b) => compareKeys(b.key, a.key));
    let n = 0;
    for (const item of all) {
      const view = item.view ?? ((await this.index.read(item.id)) as TaskView | undefined);
      if (!view) continue;
      write(view);
      n++;
    }
    return n;
  }
}
