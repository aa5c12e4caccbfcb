// agentry approvals | approve ID | reject ID --note: thin calls to /v1/approvals.
import type { AnyApprovalView } from '../../server/contract.js';
import { approvalTable, decisionLine } from '../format/approval.js';
import { apiClient, query, seg } from './api.js';
import { output } from './context.js';
import type { CommandContext } from './context.js';

export async function approvals(opts: CommandContext & { status: string | undefined }): Promise<void> {
  const list = await apiClient(opts).get<AnyApprovalView[]>(`/v1/approvals${query({ status: opts.status })}`);
  output(opts, list, () => approvalTable(list, opts.now()));
}

export interface DecideOptions extends CommandContext {
  id: string;
  verdict: 'approve' | 'reject';
  /** Required for reject (the table asks for it; the server checks it too). */
  note: string | undefined;
  /** Approve only: add the permission rule a repeated Claude Code request offers. */
  always?: boolean;
}

export async function decide(opts: DecideOptions): Promise<void> {
  const body = { ...(opts.note === undefined ? {} : { note: opts.note }), ...(opts.always === true ? { always: true } : {}) };
  const decided = await apiClient(opts).post<AnyApprovalView>(`/v1/approvals/${seg(opts.id)}/${opts.verdict}`, body);
  output(opts, decided, () => [decisionLine(decided)]);
}
