import { describe, expect, it } from 'vitest';
import { statusLines } from '../../cli/format/status.js';
import type { StatusView } from '../../server/contract.js';

const NOW = Date.parse('2026-01-05T12:00:00Z');

const VIEW: StatusView = {
  mode: 'full',
  health: { pid: 77, uptimeSec: 7500, offline: false, draining: true, store: 'ok' },
  agents: [
    { kind: 'marketing', model: 'claude-sonnet-4-5', state: 'busy', breaker: 'closed', inFlight: 2, queued: 3, calls: 41, failures: 0, utilization: 0.634 },
    { kind: 'healer', model: 'claude-haiku-4-5', state: 'paused', breaker: 'open', inFlight: 0, queued: 0, calls: 9, failures: 4, utilization: 0.05 },
  ],
  queue: { P0: 1, P1: 0, P2: 4, P3: 2 },
  approvals: [],
  slaBreaches: [{ taskId: 't-9', scope: 'review.cultural', deadline: '2026-01-05T11:30:00Z', tier: 2 }],
  pausedDomains: ['sales'],
  spend: { day: '2026-01-05', spentUsd: 8.5, reservedUsd: 0.25, limitUsd: 10 },
  lastActions: [],
  today: { tasksCompleted: 14, meanReviewMinutes: 12.5, humanShare: 0.25 },
};

describe('the status dashboard', () => {
  it('shows every agent with its breaker and utilization, breaches, paused domains, spend and the day figures', () => {
    const text = statusLines(VIEW, NOW, false).join('\n');
    expect(text).toBe(
      [
        'agentry — mode full · pid 77 · up 2h 5m · model: claude',
        'draining: finishing in-flight work, taking no new tasks',
        '',
        'Agents',
        '  KIND       MODEL              STATE   BREAKER  IN FLIGHT  QUEUED  CALLS  FAILURES  UTIL',
        '  marketing  claude-sonnet-4-5  busy    closed           2       3     41         0   63%',
        '  healer     claude-haiku-4-5   paused  open             0       0      9         4    5%',
        '',
        'Queue  P0 1 · P1 0 · P2 4 · P3 2  (7 waiting)',
        '',
        'Pending approvals: none',
        '',
        'SLA breaches (1)',
        '  TASK  SCOPE            TIER  DEADLINE',
        '  t-9   review.cultural     2  overdue 30m',
        'Paused domains: sales',
        '',
        'Spend today  $8.50 of $10.00 (85%)  [#################...]  ($0.25 reserved)',
        '',
        'Today',
        '  tasks completed   14',
        '  mean review time  12m',
        '  needed a person   25%',
        '',
        'Last actions: none',
      ].join('\n'),
    );
  });

  it('says when there is no daily limit and when the store is down', () => {
    const lines = statusLines({ ...VIEW, health: { ...VIEW.health, draining: false, store: 'unavailable' }, spend: { ...VIEW.spend, limitUsd: 0, reservedUsd: 0 } }, NOW, false);
    expect(lines[1]).toBe('store unavailable: new work is refused until it can persist again');
    expect(lines).toContain('Spend today  $8.50 (no daily limit)');
  });
});
