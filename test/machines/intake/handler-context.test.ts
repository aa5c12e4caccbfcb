// The factual context lines (machines/intake/status-context.ts), from a status with something to report.
import { describe, expect, it } from 'vitest';
import { age, statusContext } from '../../../machines/intake/status-context.js';
import type { StatusView } from '../../../server/contract.js';
import { createFakeSupervisor } from '../../support/fake-supervisor.js';

const NOW = Date.parse('2026-01-05T11:30:00Z');

function status(over: Partial<StatusView>): StatusView {
  return { ...createFakeSupervisor().status(), ...over };
}

describe('status context', () => {
  it('reports the oldest pending approval, spend, paused domains and SLA breaches in three lines', () => {
    const base = createFakeSupervisor().status().approvals[0];
    if (base?.kind !== 'action') throw new Error('the fake has a pending approval');
    const text = statusContext(
      status({
        mode: 'manual',
        approvals: [
          { ...base, id: 'a-9', taskId: 't-9', requestedAt: '2026-01-05T11:00:00Z' },
          { ...base, id: 'a-1', taskId: 't-2', requestedAt: '2026-01-05T09:00:00Z' },
        ],
        pausedDomains: ['marketing'],
        slaBreaches: [
          { taskId: 't-4', scope: 'approval', deadline: '2026-01-05T10:00:00Z', tier: 2 },
          { taskId: 't-5', scope: 'cultural', deadline: '2026-01-05T10:00:00Z', tier: 1 },
        ],
      }),
      NOW,
    );
    expect(text).toBe(
      [
        'agentry: mode manual; 2 approvals pending; the oldest, a-1 (task t-2), has waited 2 h 30 min.',
        'Spend today: $0.12 of the $5.00 daily limit (2%).',
        'Paused domains: marketing. SLA breaches: 2 (task t-4 approval tier 2, task t-5 cultural tier 1).',
      ].join('\n'),
    );
  });

  it('says so when no daily limit is set', () => {
    expect(statusContext(status({ approvals: [], spend: { day: '2026-01-05', spentUsd: 1.5, reservedUsd: 0, limitUsd: 0 } }), NOW)).toBe(
      'agentry: mode semi; no approvals pending.\nSpend today: $1.50; no daily limit is set.',
    );
  });

  it.each([
    [0, '0 min'],
    [59 * 60_000, '59 min'],
    [120 * 60_000, '2 h'],
    [(47 * 60 + 5) * 60_000, '47 h 5 min'],
    [72 * 3_600_000, '3 days'],
    [-5000, '0 min'],
  ])('writes an age of %i ms as %s', (ms, text) => {
    expect(age(ms)).toBe(text);
  });
});
