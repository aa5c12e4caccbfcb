// Approvals for people: the `approvals` table and the one-line answer to approve/reject.
import type { AnyApprovalView } from '../../server/contract.js';
import { clip, table } from './table.js';
import { ago, dueIn } from './time.js';

/** What an approval is for: its task, or the Claude Code session that asked. */
export function approvalSubject(a: AnyApprovalView): string {
  return a.kind === 'permission' ? `claude-code ${a.permission.sessionId.slice(0, 8)}` : a.taskId;
}

/** Who decided: the person's name when given, else person / coordinator / policy. */
function decider(a: AnyApprovalView): string {
  if (a.decidedBy === undefined) return '-';
  return `by ${a.kind === 'action' && a.decider !== undefined ? a.decider : a.decidedBy}`;
}

/** The table; each pending approval with a preview is followed by the first lines of what it would let out. */
export function approvalTable(approvals: readonly AnyApprovalView[], now: number, previews: ReadonlyMap<string, readonly string[]> = new Map()): string[] {
  if (approvals.length === 0) return ['no approvals'];
  const [header, ...rows] = table(
    [
      { header: 'ID', value: (a: AnyApprovalView) => a.id },
      { header: 'FOR', value: approvalSubject },
      { header: 'ACTION', value: (a) => a.action },
      { header: 'STATUS', value: (a) => a.status },
      { header: 'AGE', value: (a) => ago(a.requestedAt, now) },
      { header: 'DEADLINE', value: (a) => (a.status === 'pending' ? dueIn(a.deadline, now) : decider(a)) },
      { header: 'DECIDED', value: (a) => (a.decidedAt === undefined ? '-' : ago(a.decidedAt, now)) },
      { header: 'WHY', value: (a) => clip(a.note ?? a.reasons.join('; '), 60) },
    ],
    approvals,
    '',
  );
  return [header ?? '', ...rows.flatMap((line, i) => [line, ...(previews.get(approvals[i]?.id ?? '') ?? []).map((p) => `    ${clip(p, 100)}`)])];
}

export function decisionLine(a: AnyApprovalView): string {
  const verb = a.status === 'granted' ? 'approved' : a.status;
  const note = a.note === undefined ? '' : `: ${a.note}`;
  if (a.kind === 'permission') {
    const added = a.permission.added === undefined ? '' : `; added ${a.permission.added}`;
    return `${verb} ${a.id} (Claude Code ${a.action}: ${a.permission.summary})${added}${note}`;
  }
  const edit = a.edited === undefined ? '' : ` with your edit of ${a.edited.step}`;
  return `${verb} ${a.id} (${a.action} of task ${a.taskId})${edit}${note}`;
}
