// agentry tasks | task show ID | task create: thin calls to /v1/tasks.
import type { CreateTaskRequest, TaskView } from '../../server/contract.js';
import { taskDetail, taskTable } from '../format/task.js';
import { apiClient, query, seg } from './api.js';
import { output } from './context.js';
import type { CommandContext } from './context.js';

export interface TasksOptions extends CommandContext {
  status: string | undefined;
  limit: number | undefined;
}

export async function tasks(opts: TasksOptions): Promise<void> {
  const list = await apiClient(opts).get<TaskView[]>(`/v1/tasks${query({ status: opts.status, limit: opts.limit })}`);
  output(opts, list, () => taskTable(list, opts.now()));
}

export async function taskShow(opts: CommandContext & { id: string }): Promise<void> {
  const task = await apiClient(opts).get<TaskView>(`/v1/tasks/${seg(opts.id)}`);
  output(opts, task, () => taskDetail(task, opts.now()));
}

export interface TaskCreateOptions extends CommandContext {
  workflow: string;
  input: Record<string, unknown>;
  /** Checked by the server's schema, so the CLI and HTTP callers get the same message. */
  priority: string | undefined;
  dependsOn: string[] | undefined;
}

export async function taskCreate(opts: TaskCreateOptions): Promise<void> {
  const body = {
    workflow: opts.workflow,
    input: opts.input,
    ...(opts.priority !== undefined && { priority: opts.priority }),
    ...(opts.dependsOn !== undefined && { dependsOn: opts.dependsOn }),
  } as CreateTaskRequest;
  const task = await apiClient(opts).post<TaskView>('/v1/tasks', body);
  const waits = task.dependsOn.length > 0 ? `, waits for ${task.dependsOn.join(', ')}` : '';
  output(opts, task, () => [`created task ${task.id} (${task.workflow}, ${task.priority}, ${task.status}${waits})`]);
}
