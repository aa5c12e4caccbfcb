import { describe, expect, it } from 'vitest';
import { LearningStore, formatLearnReport, learnReport } from '../../../memory/learning/index.js';
import { auto, config } from './helpers.js';

describe('learnReport', () => {
  it('lists every tuned value seen, with its source, evidence and rule', () => {
    const store = new LearningStore({ window: 100 });
    for (let i = 0; i < 25; i++) store.record(auto(0.9, false));
    store.record(auto(0.9, false, { agent: 'sales', workflow: 'lead', contentType: 'email' }));
    store.recordHeal({ kind: 'timeout', remedy: 'retry', outcome: 'success', severity: 0.5 });
    for (let i = 0; i < 3; i++) {
      store.recordSubagentRun(`s${i}`, 'Explore', true);
      store.recordSubagentRun(`s${i}`, 'Plan', true);
      store.endSession(`s${i}`, true);
    }
    const report = learnReport(store.state, config({ reviews: { tiers: { launch: 1 } } }));
    expect(report.map((t) => [t.key, t.value, t.source])).toEqual([
      ['reviewTier:email', 1, 'config'],
      ['reviewTier:launch', 1, 'pinned'],
      ['reviewTier:tweet', 2, 'learned'],
      ['confidenceThreshold:marketing/content', 0.5, 'learned'],
      ['confidenceThreshold:sales/lead', 0.8, 'config'],
      ['model:marketing', 'claude-sonnet-5-5', 'learned'],
      ['model:sales', 'claude-sonnet-5-5', 'config'],
      ['healerRemedy:timeout', null, 'config'],
      ['severityThreshold', 0.3, 'config'],
      ['nextSubagent:Explore', 'Plan', 'learned'],
    ]);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('formats a table with one line per value and the rule last', () => {
    const store = new LearningStore({ window: 100 });
    for (let i = 0; i < 25; i++) store.record(auto(0.9, false));
    const text = formatLearnReport(learnReport(store.state, config()));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^KEY\s+VALUE\s+SOURCE\s+EVIDENCE\s+RULE$/);
    expect(lines).toHaveLength(5);
    expect(lines[2]).toContain('confidenceThreshold:marketing/content  0.5');
    expect(lines[2]).toMatch(/ learned +n=25 wrong=0 wrongRate=0 labelled=25 belowShare=0 +lowest threshold from 0\.50 /);
    expect(formatLearnReport([])).toBe('no tuned values yet');
  });
});
