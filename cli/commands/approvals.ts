// agentry approvals | approve ID [--edit FILE] | reject ID --note: thin calls to /v1/approvals.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AnyApprovalView, Page, TaskView } from '../../server/contract.js';
import { ExitError } from '../exit-error.js';
import { approvalTable, decisionLine } from '../format/approval.js';
import { outputLines, outputPreview } from '../format/work.js';
import { apiClient, query, seg } from './api.js';
import { output } from './context.js';
import type { CommandContext } from './context.js';

export interface ApprovalsOptions extends CommandContext {
  status: string | undefined;
  limit: number | undefined;
  after: string | undefined;
}

export async function approvals(opts: ApprovalsOptions): Promise<void> {
  const client = apiClient(opts);
  const page = await client.get<Page<AnyApprovalView>>(`/v1/approvals${query({ status: opts.status, limit: opts.limit, after: opts.after })}`);
  if (opts.json) return output(opts, page, () => []);
  // What is to be approved: the first lines of each pending approval's draft.
  const previews = new Map<string, string[]>();
  await Promise.all(
    page.items
      .filter((a) => a.status === 'pending' && a.kind === 'action')
      .map(async (a) => {
        const task = a.kind !== 'action' ? undefined : await client.get<TaskView>(`/v1/tasks/${seg(a.taskId)}`).catch(() => undefined);
        const last = task ? Object.values(task.outputs).at(-1) : undefined;
        if (last !== undefined) previews.set(a.id, outputPreview(last));
      }),
  );
  output(opts, page, () => [...approvalTable(page.items, opts.now(), previews), ...(page.nextCursor === null ? [] : ['', `more: agentry approvals --after ${page.nextCursor}`])]);
}

export interface DecideOptions extends CommandContext {
  id: string;
  verdict: 'approve' | 'reject';
  /** Required for reject (the table asks for it; the server checks it too). */
  note: string | undefined;
  /** approve only: a JSON file holding the edited output to publish instead of the draft. */
  edit: string | undefined;
  /** Approve only: add the permission rule a repeated Claude Code request offers. */
  always?: boolean;
}

export async function decide(opts: DecideOptions): Promise<void> {
  const edited = opts.edit === undefined ? undefined : await readEdit(opts.cwd, opts.edit);
  const by = opts.env['USER'] ?? opts.env['LOGNAME'];
  const body = { ...(opts.note === undefined ? {} : { note: opts.note }), ...(by === undefined || by === '' ? {} : { by }), ...(edited === undefined ? {} : { output: edited }), ...(opts.always === true ? { always: true } : {}) };
  const client = apiClient(opts);
  const decided = await client.post<AnyApprovalView>(`/v1/approvals/${seg(opts.id)}/${opts.verdict}`, body);
  if (opts.verdict === 'reject' || opts.json || decided.kind !== 'action') return output(opts, decided, () => [decisionLine(decided)]);
  // What was approved: the edited output, else the task's draft as it stands.
  const task = await client.get<TaskView>(`/v1/tasks/${seg(decided.taskId)}`).catch(() => undefined);
  const approved = decided.edited ?? (task ? Object.entries(task.outputs).map(([step, out]) => ({ step, output: out })).at(-1) : undefined);
  output(opts, decided, () => [decisionLine(decided), ...(approved ? ['', ...outputLines(approved.step, approved.output)] : [])]);
}

async function readEdit(cwd: string, file: string): Promise<Record<string, unknown>> {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ExitError(2, `--edit ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { code: 'INVALID_INPUT' });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ExitError(2, `--edit ${file}: not JSON (${(err as Error).message}); write the output as the agent's JSON, e.g. agentry task show ID --raw`, { code: 'INVALID_INPUT' });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ExitError(2, `--edit ${file}: expected a JSON object (the agent's output)`, { code: 'INVALID_INPUT' });
  return value as Record<string, unknown>;
}
