// Approvals for people: the `approvals` table and the one-line answer to approve/reject.
import type { ApprovalView } from '../../server/contract.js';
import { clip, table } from './table.js';
import { ago, dueIn } from './time.js';

export function approvalTable(approvals: readonly ApprovalView[], now: number): string[] {
  if (approvals.length === 0) return ['no approvals'];
  return table(
    [
      { header: 'ID', value: (a: ApprovalView) => a.id },
      { header: 'TASK', value: (a) => a.taskId },
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

export function decisionLine(a: ApprovalView): string {
  const verb = a.status === 'granted' ? 'approved' : a.status;
  const note = a.note === undefined ? '' : `: ${a.note}`;
  return `${verb} ${a.id} (${a.action} of task ${a.taskId})${note}`;
}
