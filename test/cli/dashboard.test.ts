import { describe, expect, it } from 'vitest';
import { statusLines } from '../../cli/format/status.js';
import type { StatusView } from '../../server/contract.js';

const NOW = Date.parse('2026-01-05T12:00:00Z');

const VIEW: StatusView = {
  mode: 'full',
  health: { pid: 77, uptimeSec: 7500, offline: false, model: 'claude', draining: true, store: 'ok' },
  config: {
    rejected: { at: '2026-01-05T11:57:00Z', file: '/work/site/agentry.config.json', issues: ['mode (line 3, column 5): expected one of "manual", "semi", "full", got "mdoe"'] },
    restartPending: [],
  },
  agents: [
    { kind: 'marketing', model: 'claude-sonnet-4-5', state: 'busy', breaker: 'closed', inFlight: 2, queued: 3, calls: 41, failures: 0, utilization: 0.634, busyMs: 4_756_000 },
    { kind: 'reviewer', model: 'claude-haiku-4-5', state: 'idle', breaker: 'closed', inFlight: 0, queued: 0, calls: 18, failures: 0, utilization: 0.0004, busyMs: 38 },
    { kind: 'healer', model: 'claude-haiku-4-5', state: 'paused', breaker: 'open', inFlight: 0, queued: 0, calls: 9, failures: 4, utilization: 0.05, busyMs: 375_000 },
  ],
  queue: { P0: 1, P1: 0, P2: 4, P3: 2 },
  awaitingApproval: 1,
  approvals: [
    {
      kind: 'action',
      id: 'ap_7',
      taskId: 't-4',
      action: 'publish',
      reasons: ['semi-auto: confidence 0.62 < threshold 0.80', 'random review sample (5%)'],
      requestedAt: '2026-01-05T11:48:00Z',
      deadline: '2026-01-05T12:48:00Z',
      fallback: 'reject',
      status: 'pending',
    },
  ],
  slaBreaches: [{ taskId: 't-9', scope: 'review.cultural', deadline: '2026-01-05T11:30:00Z', tier: 2 }],
  pausedDomains: ['sales'],
  spend: { day: '2026-01-05', spentUsd: 8.5, reservedUsd: 0.25, limitUsd: 10 },
  lastActions: [
    { type: 'task.failed', at: '2026-01-05T11:40:00Z', taskId: 't-8', code: 'BUDGET_EXCEEDED', message: 'the daily limit would be passed by $0.40' } as never,
    { type: 'step.completed', at: '2026-01-05T11:55:00Z', taskId: 't-9', step: 'draft', agent: 'marketing', stepKey: 't-9:draft:0', model: 'claude-sonnet-4-5', costUsd: 0.00038333333333333334, confidence: 0.8123456, rerun: false, offline: false } as never,
  ],
  today: { tasksCompleted: 14, meanReviewMinutes: 12.5, humanShare: 0.25, reviews: 6, gated: 8, needingPerson: 2 },
};

describe('the status dashboard', () => {
  it('reads at a glance at 100 columns: health, agents with busy time, queue apart from approvals, rates with denominators', async () => {
    const lines = statusLines(VIEW, NOW, false);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
    await expect(`${lines.join('\n')}\n`).toMatchFileSnapshot('__snapshots__/dashboard.txt');
  });

  it('says "—" with the reason when a rate has no denominator, and what a missing key means', () => {
    const view: StatusView = {
      ...VIEW,
      health: { ...VIEW.health, draining: false, store: 'unavailable', model: 'none', modelUnavailable: 'no ANTHROPIC_API_KEY: model work is refused' },
      spend: { ...VIEW.spend, limitUsd: 0, reservedUsd: 0 },
      today: { tasksCompleted: 0, meanReviewMinutes: null, humanShare: null, reviews: 0, gated: 0, needingPerson: 0 },
    };
    const lines = statusLines(view, NOW, false);
    expect(lines[0]).toBe('agentry — mode full · pid 77 · up 2h 5m · model: NONE (no ANTHROPIC_API_KEY)');
    expect(lines[1]).toBe('Health  store UNAVAILABLE · config REFUSED 3m ago · model NONE');
    expect(lines).toContain('  store unavailable: new work is refused until it can persist again');
    expect(lines).toContain('  no ANTHROPIC_API_KEY: model work is refused');
    expect(lines).toContain('Spend today  $8.50 (no daily limit)');
    expect(lines).toContain('  mean review time  — (no reviews yet)');
    expect(lines).toContain('  needed a person   — (no gated actions yet)');
  });

  it('says which changed settings wait for a restart', () => {
    const lines = statusLines({ ...VIEW, config: { rejected: null, restartPending: ['server.tcp.enabled'] } }, NOW, false);
    expect(lines[1]).toBe('Health  store ok · config: restart needed · model ok · draining');
    expect(lines).toContain('  restart needed: server.tcp.enabled changed and takes effect at the next start (agentry stop, then start)');
  });

  it('names the cluster peers that decide by another config, and where', () => {
    const lines = statusLines({ ...VIEW, config: { rejected: null, restartPending: [], peersDiffer: [{ executorId: 'laptop-b', mode: 'full', sections: ['mode', 'risk'] }] } }, NOW, false);
    expect(lines[1]).toBe('Health  store ok · config differs from a peer · model ok · draining');
    expect(lines).toContain('  supervisor laptop-b decides by another config (mode, risk; its mode is full): keep agentry.config.json the same on every machine');
    expect(lines).toContain('  automatic approval is held: what a gate would approve on its own waits for a person until every live supervisor runs the same config');
  });
});
