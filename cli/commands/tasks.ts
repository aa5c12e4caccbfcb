// agentry tasks | task show ID | task create | task cancel ID | task retry ID: thin calls to /v1/tasks.
import type { CreateTaskRequest, Page, TaskView } from '../../server/contract.js';
import { ExitError } from '../exit-error.js';
import { taskDetail, taskTable } from '../format/task.js';
import { apiClient, query, seg } from './api.js';
import { output } from './context.js';
import type { CommandContext } from './context.js';
import { waitForTask } from './task-wait.js';

export interface TasksOptions extends CommandContext {
  status: string | undefined;
  workflow: string | undefined;
  since: string | undefined;
  search: string | undefined;
  parent: string | undefined;
  limit: number | undefined;
  after: string | undefined;
}

export async function tasks(opts: TasksOptions): Promise<void> {
  const q = query({ status: opts.status, workflow: opts.workflow, since: opts.since, search: opts.search, parent: opts.parent, limit: opts.limit, after: opts.after });
  const page = await apiClient(opts).get<Page<TaskView>>(`/v1/tasks${q}`);
  output(opts, page, () => [...taskTable(page.items, opts.now()), ...(page.nextCursor === null ? [] : ['', `more: agentry tasks --after ${page.nextCursor}`])]);
}

export async function taskShow(opts: CommandContext & { id: string; raw: boolean }): Promise<void> {
  const client = apiClient(opts);
  const task = await client.get<TaskView>(`/v1/tasks/${seg(opts.id)}`);
  if (opts.raw || opts.json) {
    opts.io.stdout.write(`${JSON.stringify(task, null, 2)}\n`);
    return;
  }
  const children = await Promise.all((task.children ?? []).map((id) => client.get<TaskView>(`/v1/tasks/${seg(id)}`).catch(() => undefined)));
  output(opts, task, () => taskDetail(task, opts.now(), children.filter((c): c is TaskView => c !== undefined)));
}

export interface TaskCreateOptions extends CommandContext {
  workflow: string;
  input: Record<string, unknown>;
  /** Checked by the server's schema, so the CLI and HTTP callers get the same message. */
  priority: string | undefined;
  dependsOn: string[] | undefined;
  /** Checked by the server's schema too. */
  idempotencyKey: string | undefined;
  /** Follow the task to its end: a line per step; exit 0 completed, 1 otherwise. */
  wait: boolean;
}

export async function taskCreate(opts: TaskCreateOptions): Promise<void> {
  const body = {
    workflow: opts.workflow,
    input: opts.input,
    ...(opts.priority !== undefined && { priority: opts.priority }),
    ...(opts.dependsOn !== undefined && { dependsOn: opts.dependsOn }),
    ...(opts.idempotencyKey !== undefined && { idempotencyKey: opts.idempotencyKey }),
  } as CreateTaskRequest;
  const client = apiClient(opts);
  // The last event before the task exists: --wait follows from there, so no step is missed.
  const before = opts.wait ? ((await client.get<{ seq: number }[]>('/v1/events?limit=1')).at(-1)?.seq ?? 0) : 0;
  const task = await client.post<TaskView>('/v1/tasks', body);
  const waits = task.dependsOn.length > 0 ? `, waits for ${task.dependsOn.join(', ')}` : '';
  if (!opts.wait) {
    output(opts, task, () => [`created task ${task.id} (${task.workflow}, ${task.priority}, ${task.status}${waits})`]);
    return;
  }
  if (!opts.json) opts.io.stdout.write(`created task ${task.id} (${task.workflow}, ${task.priority}${waits}); waiting for it to finish\n`);
  const final = await waitForTask(opts, client, task, before);
  if (opts.json) opts.io.stdout.write(`${JSON.stringify(final)}\n`);
  else opts.io.stdout.write(`task ${final.id} ${final.status}${final.error ? `: ${final.error.message}` : ''}\n`);
  if (final.status !== 'completed') throw ExitError.quiet(1);
}

export async function taskCancel(opts: CommandContext & { id: string; reason: string | undefined }): Promise<void> {
  const task = await apiClient(opts).post<TaskView>(`/v1/tasks/${seg(opts.id)}/cancel`, opts.reason === undefined ? {} : { reason: opts.reason });
  const children = (task.children ?? []).length;
  output(opts, task, () => [`cancelled task ${task.id} (${task.workflow})${children > 0 ? ` and its open children` : ''}`]);
}

export async function taskRetry(opts: CommandContext & { id: string }): Promise<void> {
  const task = await apiClient(opts).post<TaskView>(`/v1/tasks/${seg(opts.id)}/retry`);
  output(opts, task, () => [`retrying ${opts.id} as task ${task.id} (${task.workflow}, ${task.status})`]);
}
