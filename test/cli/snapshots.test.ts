// What a person reads, at 100 columns: the event log and the learning report, as snapshot files
// (test/cli/__snapshots__/*.txt) reviewed like any other change. The dashboard's is in
// dashboard.test.ts.
import { describe, expect, it } from 'vitest';
import { eventLine, eventTable } from '../../cli/format/event.js';
import { learnLines } from '../../cli/format/learn.js';
import { createEvent } from '../../machines/events.js';
import { LearningStore, learnReport } from '../../memory/learning/index.js';
import type { FollowedEvent } from '../../server/api-client.js';
import { auto, config } from '../memory/learning/helpers.js';

// Event times print as local wall-clock time: pin the zone so the snapshot reads the same anywhere.
process.env['TZ'] = 'UTC';

const WIDTH = 100;
const T = Date.parse('2026-01-05T09:00:00Z');

function log(): FollowedEvent[] {
  const events = [
    createEvent('task.created', { taskId: 't_m3x9a1', workflow: 'content', priority: 'P2', source: 'cli' }, T),
    createEvent('step.completed', { taskId: 't_m3x9a1', step: 'draft', agent: 'marketing', stepKey: 't_m3x9a1:draft:0', model: 'claude-sonnet-5-5', costUsd: 0.00038333333333333334, confidence: 0.8123456, rerun: false, offline: false }, T + 23_000),
    createEvent('review.completed', { taskId: 't_m3x9a1', review: 'cultural', verdict: 'approve', issues: 0, minutes: 0.00038333333333333334, score: 0.91 }, T + 24_000),
    createEvent('config.rejected', { file: '/home/ana/projects/site/agentry.config.json', issues: ['mode (line 3, column 5): expected one of "manual", "semi", "full", got "mdoe"'] }, T + 60_000),
    createEvent('task.failed', { taskId: 't_k2p0q7', code: 'BUDGET_EXCEEDED', message: 'the call could pass the daily limit: $4.82 spent, $0.40 reserved, limit $5.00; raise risk.dailySpendLimitUsd or wait for tomorrow' }, T + 90_000),
  ];
  return events.map((event, i) => ({ seq: i + 1, event }));
}

describe('the event log at 100 columns', () => {
  it('rounds numbers for people and wraps long details instead of cutting their end', async () => {
    const lines = eventTable(log(), WIDTH);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(WIDTH);
    const text = lines.join('\n');
    expect(text).not.toContain('0.000383333');
    expect(text).toContain('or wait for tomorrow');
    await expect(`${text}\n`).toMatchFileSnapshot('__snapshots__/events.txt');
  });

  it('wraps a followed line under its details', () => {
    const line = eventLine(log()[4] as FollowedEvent, WIDTH);
    for (const l of line.split('\n')) expect(l.length).toBeLessThanOrEqual(WIDTH);
    expect(line.replace(/\s+/g, ' ')).toContain('raise risk.dailySpendLimitUsd or wait for tomorrow');
  });
});

describe('agentry learn at 100 columns', () => {
  const store = new LearningStore({ window: 100 });
  for (let i = 0; i < 25; i++) store.record(auto(0.9, false));
  store.record(auto(0.9, false, { agent: 'sales', workflow: 'lead', contentType: 'email' }));
  store.recordHeal({ kind: 'timeout', remedy: 'retry', outcome: 'success', severity: 0.5 });
  const report = { values: learnReport(store.state, config({ reviews: { tiers: { launch: 1 } } })) };

  it('hides n=0 rows, names each rule in a few words, and fits', async () => {
    const lines = learnLines(report, { width: WIDTH });
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(WIDTH);
    expect(lines.join('\n')).not.toContain('reviewTier:launch'); // pinned, but no evidence yet
    await expect(`${lines.join('\n')}\n`).toMatchFileSnapshot('__snapshots__/learn.txt');
  });

  it('--all shows the n=0 rows; --verbose prints each rule in full under its row', async () => {
    expect(learnLines(report, { all: true }).join('\n')).toMatch(/reviewTier:launch +1 +0 +pinned · reviews\.tiers\.launch/);
    const verbose = learnLines(report, { verbose: true, width: WIDTH });
    for (const line of verbose) expect(line.length).toBeLessThanOrEqual(WIDTH);
    await expect(`${verbose.join('\n')}\n`).toMatchFileSnapshot('__snapshots__/learn-verbose.txt');
  });
});
