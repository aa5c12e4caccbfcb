// Tasks for people: the `tasks` table and the `task show` detail (the work, its reviews, the
// gate's reasons, the decision and a timeline of steps), and a flow's children as a tree.
import type { ApprovalView, ReviewView, StepView, TaskView } from '../../server/contract.js';
import { deliveryLines } from './delivery.js';
import { clip, keyValues, money, table } from './table.js';
import { ago, dueIn } from './time.js';
import { outputLines } from './work.js';

export function taskTable(tasks: readonly TaskView[], now: number): string[] {
  if (tasks.length === 0) return ['no tasks'];
  return table(
    [
      { header: 'ID', value: (t: TaskView) => t.id },
      { header: 'WORKFLOW', value: (t) => t.workflow },
      { header: 'STATUS', value: (t) => t.status },
      { header: 'PRIO', value: (t) => t.priority },
      { header: 'PARENT', value: (t) => t.parentId ?? (t.retryOf === undefined ? '-' : `retry of ${t.retryOf}`) },
      { header: 'STEP', value: (t) => t.step ?? '-' },
      { header: tasks.some((t) => t.simulatedCost === true) ? 'SIMULATED COST' : 'COST', value: (t) => money(t.costUsd), align: 'right' },
      { header: 'UPDATED', value: (t) => ago(t.updatedAt, now) },
    ],
    tasks,
    '',
  );
}

export function taskDetail(t: TaskView, now: number, children: readonly TaskView[] = []): string[] {
  const pairs: [string, string][] = [
    ['workflow', t.workflow],
    ['status', t.status],
    ['priority', t.priority],
    ['step', t.step ?? '-'],
    ['round', String(t.round)],
    ['cost', t.simulatedCost === true ? `${money(t.costUsd)} (simulated cost: offline model)` : money(t.costUsd)],
    ['created', `${t.createdAt} (${ago(t.createdAt, now)})`],
    ['updated', `${t.updatedAt} (${ago(t.updatedAt, now)})`],
  ];
  if (t.contentType !== undefined) pairs.push(['content type', t.contentType]);
  if (t.parentId !== undefined) pairs.push(['parent', t.parentId]);
  if (t.retryOf !== undefined) pairs.push(['retry of', t.retryOf]);
  if (t.dependsOn.length > 0) pairs.push(['depends on', t.dependsOn.join(', ')]);
  if (t.error !== undefined) pairs.push(['error', `${t.error.code}: ${t.error.message}${t.failedPhase === undefined ? '' : ` (in ${t.failedPhase})`}`]);
  pairs.push(['input', clip(JSON.stringify(t.input), 100)]);
  return [
    `task ${t.id}`,
    ...keyValues(pairs),
    ...childTree(t, children),
    ...outputSection(t),
    ...reviewLines(t.reviews),
    ...gateLines(t),
    ...decisionLines(t, now),
    ...timelineLines(t.steps ?? []),
    ...(t.deliveries && t.deliveries.length > 0 ? ['', 'Deliveries', ...deliveryLines(t.deliveries)] : []),
  ];
}

function childTree(t: TaskView, children: readonly TaskView[]): string[] {
  if (!t.children || t.children.length === 0) return [];
  const byId = new Map(children.map((c) => [c.id, c]));
  return [
    '',
    'Children',
    ...t.children.map((id, i) => {
      const c = byId.get(id);
      const branch = i === (t.children?.length ?? 0) - 1 ? '└─' : '├─';
      const waits = c && c.dependsOn.length > 0 ? `  after ${c.dependsOn.join(', ')}` : '';
      return c ? `  ${branch} ${id}  ${c.workflow}  ${c.status}  ${money(c.costUsd)}${waits}` : `  ${branch} ${id}  (unknown)`;
    }),
  ];
}

function outputSection(t: TaskView): string[] {
  const steps = Object.entries(t.outputs);
  if (steps.length === 0) return [];
  return ['', 'Output', ...steps.flatMap(([step, out]) => outputLines(step, out))];
}

function reviewLines(reviews: readonly ReviewView[]): string[] {
  if (reviews.length === 0) return [];
  return [
    '',
    'Reviews',
    ...reviews.flatMap((r) => [
      `  round ${r.round} ${r.kind}: ${r.verdict}${r.score === undefined ? '' : `, score ${r.score}`} (${r.minutes.toFixed(1)} min)`,
      ...r.issues.flatMap((i) => [`    - ${i.severity}: "${i.quote === '' ? '(the whole draft)' : i.quote}"`, `      fix: ${i.fix}`]),
    ]),
  ];
}

function gateLines(t: TaskView): string[] {
  if (!t.gate) return [];
  return ['', `Gate: ${t.gate.decision}`, ...t.gate.reasons.map((r) => `  - ${r}`)];
}

function decisionLines(t: TaskView, now: number): string[] {
  const all: ApprovalView[] = t.approvals && t.approvals.length > 0 ? t.approvals : t.approval ? [t.approval] : [];
  if (all.length === 0) return [];
  return ['', 'Decision', ...all.flatMap((a) => approvalLines(a, now))];
}

function approvalLines(a: ApprovalView, now: number): string[] {
  const lines = [`  ${a.id} ${a.action}: ${a.status}`];
  if (a.status === 'pending') lines.push(`    deadline ${a.deadline} (${dueIn(a.deadline, now)}), then the ${a.fallback} fallback`);
  else if (a.decidedBy !== undefined) lines.push(`    by ${a.decider === undefined ? a.decidedBy : `${a.decider} (${a.decidedBy})`} at ${a.decidedAt ?? '-'}`);
  else if (a.decidedAt !== undefined) lines.push(`    at ${a.decidedAt}, then the ${a.fallback} fallback`);
  if (a.note !== undefined) lines.push(`    note: ${a.note}`);
  if (a.edited !== undefined) lines.push(`    approved with a person's edit of ${a.edited.step}`);
  return lines;
}

function timelineLines(steps: readonly StepView[]): string[] {
  if (steps.length === 0) return [];
  return [
    '',
    'Timeline',
    ...table(
      [
        { header: 'AT', value: (s: StepView) => s.at.slice(11, 19) },
        { header: 'STEP', value: (s) => s.step },
        { header: 'AGENT', value: (s) => s.agent },
        { header: 'MODEL', value: (s) => s.model },
        { header: 'TOKENS IN/OUT', value: (s) => `${s.inputTokens}/${s.outputTokens}`, align: 'right' },
        { header: 'COST', value: (s) => money(s.costUsd), align: 'right' },
        { header: 'LATENCY', value: (s) => `${s.latencyMs} ms`, align: 'right' },
        { header: 'RERUN', value: (s) => (s.rerun ? 'yes' : '') },
      ],
      steps,
    ),
  ];
}
