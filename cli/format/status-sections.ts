// The sections of the status dashboard, each a list of lines (a title, then an indented body).
import type { AgentView, AnyApprovalView, StatusView } from '../../server/contract.js';
import { approvalSubject } from './approval.js';
import { details, taskOf } from './event.js';
import type { Style } from './style.js';
import { ms, share } from './numbers.js';
import { keyValues, money, percent, table } from './table.js';
import { ago, dueIn } from './time.js';

const PRIORITIES = ['P0', 'P1', 'P2', 'P3'] as const;
const BAR_CELLS = 20;

export function agentsSection(agents: readonly AgentView[], s: Style): string[] {
  if (agents.length === 0) return ['Agents: none running'];
  const breaker = (a: AgentView): string => (a.breaker === 'open' ? s.red('open') : a.breaker === 'half_open' ? s.yellow('half-open') : 'closed');
  return [
    s.bold('Agents'),
    ...table(
      [
        { header: 'KIND', value: (a: AgentView) => a.kind },
        { header: 'MODEL', value: (a) => a.model },
        { header: 'STATE', value: (a) => a.state },
        { header: 'BREAKER', value: breaker },
        { header: 'IN FLIGHT', value: (a) => String(a.inFlight), align: 'right' },
        { header: 'QUEUED', value: (a) => String(a.queued), align: 'right' },
        { header: 'CALLS', value: (a) => String(a.calls), align: 'right' },
        { header: 'FAILURES', value: (a) => (a.failures > 0 ? s.red(String(a.failures)) : '0'), align: 'right' },
        { header: 'BUSY', value: (a) => (a.busyMs === undefined ? '—' : ms(a.busyMs)), align: 'right' },
        { header: 'UTIL', value: (a) => share(a.utilization), align: 'right' },
      ],
      agents,
    ),
  ];
}

export function queueSection(queue: StatusView['queue'], awaitingApproval: number | undefined, s: Style): string[] {
  const total = PRIORITIES.reduce((sum, p) => sum + queue[p], 0);
  const parts = PRIORITIES.map((p) => `${p} ${queue[p]}`).join(' · ');
  const waiting = awaitingApproval === undefined ? '' : ` · ${awaitingApproval} awaiting approval`;
  return [`${s.bold('Queue')}  ${parts}  (${total} in progress)${waiting}`];
}

export function approvalsSection(approvals: readonly AnyApprovalView[], now: number, s: Style, width: number): string[] {
  const pending = approvals.filter((a) => a.status === 'pending');
  if (pending.length === 0) return ['Pending approvals: none'];
  const due = (a: AnyApprovalView): string => {
    const text = dueIn(a.deadline, now);
    return text.startsWith('overdue') ? s.red(text) : text;
  };
  return [
    s.bold(`Pending approvals (${pending.length})`),
    ...table(
      [
        { header: 'ID', value: (a: AnyApprovalView) => a.id },
        { header: 'FOR', value: approvalSubject },
        { header: 'ACTION', value: (a) => a.action },
        { header: 'AGE', value: (a) => ago(a.requestedAt, now) },
        { header: 'DEADLINE', value: due },
        { header: 'THEN', value: (a) => a.fallback },
        { header: 'WHY', value: (a) => a.reasons.join('; ') },
      ],
      pending,
      '  ',
      width,
    ),
  ];
}

export function breachesSection(breaches: StatusView['slaBreaches'], now: number, s: Style): string[] {
  if (breaches.length === 0) return ['SLA breaches: none'];
  return [
    s.red(s.bold(`SLA breaches (${breaches.length})`)),
    ...table(
      [
        { header: 'TASK', value: (b: StatusView['slaBreaches'][number]) => b.taskId },
        { header: 'SCOPE', value: (b) => b.scope },
        { header: 'TIER', value: (b) => String(b.tier), align: 'right' },
        { header: 'DEADLINE', value: (b) => dueIn(b.deadline, now) },
      ],
      breaches,
    ),
  ];
}

export function pausedSection(domains: readonly string[], s: Style): string[] {
  return [domains.length === 0 ? 'Paused domains: none' : `${s.yellow('Paused domains')}: ${domains.join(', ')}`];
}

export function spendSection(spend: StatusView['spend'], s: Style): string[] {
  const reserved = spend.reservedUsd > 0 ? `  (${money(spend.reservedUsd)} reserved)` : '';
  const title = s.bold(spend.simulated === true ? 'Spend today (simulated cost: offline model)' : 'Spend today');
  if (spend.limitUsd <= 0) return [`${title}  ${money(spend.spentUsd)} (no daily limit)${reserved}`];
  const used = spend.spentUsd / spend.limitUsd;
  const filled = Math.min(BAR_CELLS, Math.round(used * BAR_CELLS));
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_CELLS - filled)}]`;
  const paint = used >= 1 ? s.red : used >= 0.8 ? s.yellow : (t: string): string => t;
  return [`${title}  ${paint(`${money(spend.spentUsd)} of ${money(spend.limitUsd)} (${percent(used)})`)}  ${bar}${reserved}`];
}

/** Each rate with what it is a rate of; "—" when there is nothing to divide. */
export function todaySection(today: StatusView['today'], s: Style): string[] {
  const reviews = today.reviews === undefined ? '' : ` (${plural(today.reviews, 'review')})`;
  const minutes = today.meanReviewMinutes === null ? '— (no reviews yet)' : `${ms(today.meanReviewMinutes * 60_000)}${reviews}`;
  const human =
    today.humanShare === null
      ? '— (no gated actions yet)'
      : today.gated === undefined || today.needingPerson === undefined
        ? share(today.humanShare)
        : `${today.needingPerson} of ${plural(today.gated, 'gated action')} (${share(today.humanShare)})`;
  return [
    s.bold('Today'),
    ...keyValues([
      ['tasks completed', String(today.tasksCompleted)],
      ['mean review time', minutes],
      ['needed a person', human],
    ]),
  ];
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

export function lastActionsSection(events: StatusView['lastActions'], now: number, s: Style, width: number): string[] {
  if (events.length === 0) return ['Last actions: none'];
  return [
    s.bold('Last actions'),
    ...table(
      [
        { header: 'WHEN', value: (e: StatusView['lastActions'][number]) => ago(e.at, now) },
        { header: 'TYPE', value: (e) => e.type },
        { header: 'TASK', value: (e) => taskOf(e) },
        { header: 'DETAILS', value: (e) => details(e) },
      ],
      events.toReversed(),
      '  ',
      width,
    ),
  ];
}
