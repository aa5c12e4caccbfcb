// Tasks for people: the `tasks` table and the `task show` detail.
import type { ReviewView, TaskView } from '../../server/contract.js';
import { deliveryLines } from './delivery.js';
import { clip, keyValues, money, table } from './table.js';
import { ago, dueIn } from './time.js';

export function taskTable(tasks: readonly TaskView[], now: number): string[] {
  if (tasks.length === 0) return ['no tasks'];
  return table(
    [
      { header: 'ID', value: (t: TaskView) => t.id },
      { header: 'WORKFLOW', value: (t) => t.workflow },
      { header: 'STATUS', value: (t) => t.status },
      { header: 'PRIO', value: (t) => t.priority },
      { header: 'STEP', value: (t) => t.step ?? '-' },
      { header: tasks.some((t) => t.simulatedCost === true) ? 'SIMULATED COST' : 'COST', value: (t) => money(t.costUsd), align: 'right' },
      { header: 'UPDATED', value: (t) => ago(t.updatedAt, now) },
    ],
    tasks,
    '',
  );
}

export function taskDetail(t: TaskView, now: number): string[] {
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
  if (t.dependsOn.length > 0) pairs.push(['depends on', t.dependsOn.join(', ')]);
  if (t.approval !== undefined) {
    const a = t.approval;
    const when = a.status === 'pending' ? dueIn(a.deadline, now) : (a.decidedBy ?? '');
    pairs.push(['approval', `${a.id} ${a.action}: ${a.status} ${when}`.trimEnd()]);
  }
  if (t.error !== undefined) pairs.push(['error', `${t.error.code}: ${t.error.message}`]);
  pairs.push(['input', clip(JSON.stringify(t.input), 100)]);
  const outputs = Object.keys(t.outputs);
  if (outputs.length > 0) pairs.push(['outputs', outputs.join(', ')]);
  const deliveries = t.deliveries && t.deliveries.length > 0 ? ['', 'Deliveries', ...deliveryLines(t.deliveries)] : [];
  return [`task ${t.id}`, ...keyValues(pairs), ...reviewLines(t.reviews), ...deliveries];
}

function reviewLines(reviews: readonly ReviewView[]): string[] {
  if (reviews.length === 0) return [];
  return [
    '',
    'Reviews',
    ...table(
      [
        { header: 'ROUND', value: (r: ReviewView) => String(r.round), align: 'right' },
        { header: 'KIND', value: (r) => r.kind },
        { header: 'VERDICT', value: (r) => r.verdict },
        { header: 'SCORE', value: (r) => (r.score === undefined ? '-' : String(r.score)), align: 'right' },
        { header: 'MIN', value: (r) => r.minutes.toFixed(1), align: 'right' },
        { header: 'ISSUES', value: (r) => clip(r.issues.map((i) => `${i.severity}: ${i.fix}`).join('; ') || '-', 60) },
      ],
      reviews,
    ),
  ];
}
