import { describe, expect, it } from 'vitest';
import { LearningStore, healerPolicy, severityThreshold } from '../../../memory/learning/index.js';
import { config } from './helpers.js';

/** Records "S5 F S3": S successes, F failures of `remedy` for agent_failure. */
function play(script: string, remedy = 'retry', store = new LearningStore({ window: 1000 })): LearningStore {
  for (const [, kind, count] of script.matchAll(/([SF])(\d*)/g)) {
    const times = count === '' ? 1 : Number(count);
    for (let i = 0; i < times; i++) store.recordHeal({ kind: 'agent_failure', remedy, outcome: kind === 'S' ? 'success' : 'failure', severity: 0.5 });
  }
  return store;
}

const c = config();

describe('healerPolicy', () => {
  it('needs 5 tries of a remedy before naming it', () => {
    expect(healerPolicy(play('S4').state, c, 'agent_failure')).toMatchObject({ value: null, source: 'config', evidence: { n: 4 } });
    expect(healerPolicy(play('S5').state, c, 'agent_failure')).toMatchObject({ value: 'retry', source: 'learned', evidence: { n: 5, successRate: 1 } });
  });

  it('picks the remedy with the best success rate for the failure kind', () => {
    const store = play('S3 F3', 'retry');
    play('S5 F1', 'switch_model', store);
    play('S2', 'reroute', store); // perfect but too little evidence
    expect(healerPolicy(store.state, c, 'agent_failure')).toMatchObject({
      value: 'switch_model',
      evidence: { n: 6, successes: 5, remediesCompared: 2 },
    });
    expect(healerPolicy(store.state, c, 'timeout').value).toBeNull();
  });
});

describe('severityThreshold', () => {
  it.each([
    ['no outcomes: config', '', 0.3, 'config'],
    ['four outcomes: below min evidence', 'S4', 0.3, 'config'],
    ['a success streak of 5 lowers it one step', 'S5', 0.25, 'learned'],
    ['two streaks, two steps', 'S10', 0.2, 'learned'],
    ['a streak broken by a failure does not lower it', 'S4 F S4', 0.35, 'learned'],
    ['each failure raises it one step', 'F5', 0.55, 'learned'],
    ['never below 0.1', 'S200', 0.1, 'learned'],
    ['never above 0.7', 'F50', 0.7, 'learned'],
    ['moves back down from the ceiling', 'F50 S10', 0.6, 'learned'],
  ] as const)('%s (%s) → %f', (_name, script, value, source) => {
    const t = severityThreshold(play(script).state, c);
    expect([t.value, t.source]).toEqual([value, source]);
  });

  it('is pinned by learning.pin.severityThreshold', () => {
    const pinned = config({ learning: { pin: { severityThreshold: true } }, healing: { severityThreshold: 0.4 } });
    expect(severityThreshold(play('S20').state, pinned)).toMatchObject({ value: 0.4, source: 'pinned', evidence: { n: 20, lowered: 4 } });
  });

  it('replays over the window of recent heal outcomes only', () => {
    const store = play('F20 S10', 'retry', new LearningStore({ window: 10 }));
    expect(store.state.heal.recent).toHaveLength(10);
    expect(severityThreshold(store.state, c)).toMatchObject({ value: 0.2, evidence: { n: 10, successes: 10, failures: 0 } });
    expect(store.state.heal.remedies).toEqual([{ kind: 'agent_failure', remedy: 'retry', successes: 10, failures: 20 }]);
  });
});
