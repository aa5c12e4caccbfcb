// Approvals for people: the `approvals` table and the one-line answer to approve/reject.
import type { AnyApprovalView } from '../../server/contract.js';
import { clip, table } from './table.js';
import { ago, dueIn } from './time.js';

/** What an approval is for: its task, or the Claude Code session that asked. */
export function approvalSubject(a: AnyApprovalView): string {
  return a.kind === 'permission' ? `claude-code ${a.permission.sessionId.slice(0, 8)}` : a.taskId;
}

export function approvalTable(approvals: readonly AnyApprovalView[], now: number): string[] {
  if (approvals.length === 0) return ['no approvals'];
  return table(
    [
      { header: 'ID', value: (a: AnyApprovalView) => a.id },
      { header: 'FOR', value: approvalSubject },
      { header: 'ACTION', value: (a) => a.action },
      { header: 'STATUS', value: (a) => a.status },
      { header: 'AGE', value: (a) => ago(a.requestedAt, now) },
      { header: 'DEADLINE', value: (a) => (a.status === 'pending' ? dueIn(a.deadline, now) : a.decidedBy === undefined ? '-' : `by ${a.decidedBy}`) },
      { header: 'WHY', value: (a) => clip(a.reasons.join('; '), 60) },
    ],
    approvals,
    '',
  );
}

export function decisionLine(a: AnyApprovalView): string {
  const verb = a.status === 'granted' ? 'approved' : a.status;
  const note = a.note === undefined ? '' : `: ${a.note}`;
  if (a.kind === 'permission') {
    const added = a.permission.added === undefined ? '' : `; added ${a.permission.added}`;
    return `${verb} ${a.id} (Claude Code ${a.action}: ${a.permission.summary})${added}${note}`;
  }
  return `${verb} ${a.id} (${a.action} of task ${a.taskId})${note}`;
}
