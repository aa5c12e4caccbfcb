import { describe, expect, it } from 'vitest';
import { LearningStore, nextSubagent } from '../../../memory/learning/index.js';
import { config } from './helpers.js';

let sessions = 0;
function session(store: LearningStore, sequence: string[], endedWell: boolean, failed: string[] = []): void {
  const id = `s${++sessions}`;
  for (const agent of sequence) store.recordSubagentRun(id, agent, !failed.includes(agent));
  store.endSession(id, endedWell);
}

const c = config();

describe('nextSubagent', () => {
  it('suggests nothing below 3 well-ended occurrences', () => {
    const store = new LearningStore({ window: 100 });
    session(store, ['Explore', 'Plan'], true);
    session(store, ['Explore', 'Plan'], true);
    session(store, ['Explore', 'Plan'], false);
    expect(nextSubagent(store.state, c, 'Explore')).toMatchObject({ value: null, source: 'config', evidence: { n: 3, successors: 1 } });
  });

  it('suggests the most frequent successor in sessions that ended well, with its count and success share', () => {
    const store = new LearningStore({ window: 100 });
    for (let i = 0; i < 4; i++) session(store, ['Explore', 'Plan', 'code-reviewer'], true);
    session(store, ['Explore', 'Plan'], false);
    for (let i = 0; i < 3; i++) session(store, ['Explore', 'general-purpose'], true);
    for (let i = 0; i < 6; i++) session(store, ['Explore', 'general-purpose'], false);
    expect(nextSubagent(store.state, c, 'Explore')).toMatchObject({
      value: 'Plan',
      source: 'learned',
      evidence: { n: 4, total: 5, successShare: 0.8, successors: 2 },
      rule: 'most frequent next subagent after Explore in sessions that ended well, seen >= 3 times',
    });
    expect(nextSubagent(store.state, c, 'Plan').value).toBe('code-reviewer');
    expect(nextSubagent(store.state, c, 'code-reviewer').value).toBeNull();
  });

  it('leaves failed runs out of the sequence and ignores sessions that never end', () => {
    const store = new LearningStore({ window: 100 });
    for (let i = 0; i < 3; i++) session(store, ['Explore', 'broken', 'Plan'], true, ['broken']);
    store.recordSubagentRun('open', 'Explore', true);
    store.recordSubagentRun('open', 'other', true);
    expect(nextSubagent(store.state, c, 'Explore')).toMatchObject({ value: 'Plan', evidence: { n: 3 } });
    expect(store.state.sessions.open).toEqual([{ sessionId: 'open', sequence: ['Explore', 'other'], failedRuns: 0 }]);
    expect(store.state.sessions.ended[0]).toMatchObject({ sequence: ['Explore', 'Plan'], endedWell: true });
  });
});
