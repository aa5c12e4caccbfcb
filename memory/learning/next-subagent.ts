// Rule 5: the next subagent to suggest in a Claude Code session, from sessions that ended well.
import type { LearningState } from '../../schemas/generated/types.js';
import { ratio } from './tuned.js';
import type { LearnConfig, Tuned } from './tuned.js';

const NEXT_MIN_EVIDENCE = 3;

export function nextSubagent(state: Readonly<LearningState>, config: Pick<LearnConfig, 'learning'>, lastAgentType: string): Tuned<string | null> {
  const key = `nextSubagent:${lastAgentType}`;
  const after = state.sessions.transitions.filter((t) => t.from === lastAgentType);
  const best = after
    .filter((t) => t.endedWell >= NEXT_MIN_EVIDENCE)
    .sort((a, b) => b.endedWell - a.endedWell || ratio(b.endedWell, b.total) - ratio(a.endedWell, a.total) || a.to.localeCompare(b.to))[0];
  const seen = after.reduce((sum, t) => sum + t.total, 0);
  if (!config.learning.enabled || !best) {
    const why = config.learning.enabled ? `no successor seen ${NEXT_MIN_EVIDENCE} times in sessions that ended well` : 'learning disabled';
    return { key, value: null, source: 'config', evidence: { n: seen, successors: after.length }, rule: `${why}: no suggestion` };
  }
  return {
    key,
    value: best.to,
    source: 'learned',
    evidence: { n: best.endedWell, total: best.total, successShare: ratio(best.endedWell, best.total), successors: after.length },
    rule: `most frequent next subagent after ${lastAgentType} in sessions that ended well, seen >= ${NEXT_MIN_EVIDENCE} times`,
  };
}
