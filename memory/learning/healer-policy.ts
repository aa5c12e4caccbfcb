// Rule 4: the healer's remedy per failure kind, and the severity threshold tuned within bounds.
import type { LearningState } from '../../schemas/generated/types.js';
import { isPinned, pct, ratio } from './tuned.js';
import type { LearnConfig, Tuned } from './tuned.js';

/** Heal outcomes are rarer than task outcomes, so the healer needs less evidence. */
const HEAL_MIN_EVIDENCE = 5;
const SEVERITY = { step: 0.05, successStreak: 5, min: 0.1, max: 0.7 } as const;

/** The remedy with the best success rate for `kind`, among those tried >= HEAL_MIN_EVIDENCE times. */
export function healerPolicy(state: Readonly<LearningState>, config: LearnConfig, kind: string): Tuned<string | null> {
  const key = `healerRemedy:${kind}`;
  const tried = state.heal.remedies.filter((r) => r.kind === kind);
  const total = tried.reduce((sum, r) => sum + r.successes + r.failures, 0);
  const ranked = tried
    .map((r) => ({ remedy: r.remedy, n: r.successes + r.failures, successes: r.successes }))
    .filter((r) => r.n >= HEAL_MIN_EVIDENCE)
    .sort((a, b) => ratio(b.successes, b.n) - ratio(a.successes, a.n) || b.n - a.n || a.remedy.localeCompare(b.remedy));
  const best = ranked[0];
  if (!config.learning.enabled || !best) {
    const why = config.learning.enabled ? `no remedy tried ${HEAL_MIN_EVIDENCE} times` : 'learning disabled';
    return { key, value: null, source: 'config', evidence: { n: total, remedies: tried.length }, rule: `${why}: the healer decides` };
  }
  return {
    key,
    value: best.remedy,
    source: 'learned',
    evidence: { n: best.n, successes: best.successes, successRate: ratio(best.successes, best.n), remediesCompared: ranked.length },
    rule: `remedy with the highest success rate for this failure kind among those tried >= ${HEAL_MIN_EVIDENCE} times (ties: more evidence)`,
  };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const clamp = (x: number): number => Math.min(SEVERITY.max, Math.max(SEVERITY.min, x));

/** Replays the recent heal outcomes from healing.severityThreshold: lower after success streaks, higher after failures. */
export function severityThreshold(state: Readonly<LearningState>, config: LearnConfig): Tuned<number> {
  const key = 'severityThreshold';
  const start = config.healing.severityThreshold;
  const recent = state.heal.recent;
  const successes = recent.filter((h) => h.outcome === 'success').length;
  let value = start;
  let streak = 0;
  let lowered = 0;
  let raised = 0;
  for (const h of recent) {
    if (h.outcome === 'failure') {
      streak = 0;
      raised += 1;
      value = clamp(round2(value + SEVERITY.step));
    } else if (++streak === SEVERITY.successStreak) {
      streak = 0;
      lowered += 1;
      value = clamp(round2(value - SEVERITY.step));
    }
  }
  const evidence = { n: recent.length, successes, failures: recent.length - successes, lowered, raised };
  if (isPinned(config.learning.pin.severityThreshold)) return { key, value: start, source: 'pinned', evidence, rule: 'pinned by learning.pin.severityThreshold: healing.severityThreshold' };
  if (!config.learning.enabled || recent.length < HEAL_MIN_EVIDENCE) {
    const why = config.learning.enabled ? `fewer than ${HEAL_MIN_EVIDENCE} heal outcomes` : 'learning disabled';
    return { key, value: start, source: 'config', evidence, rule: `${why}: healing.severityThreshold` };
  }
  return {
    key,
    value,
    source: 'learned',
    evidence,
    rule:
      `from healing.severityThreshold ${start}, over the recent heal outcomes in order: every ${SEVERITY.successStreak} successes in a row lower it by ` +
      `${SEVERITY.step}, every failure raises it by ${SEVERITY.step}, kept within [${SEVERITY.min}, ${SEVERITY.max}] (success share ${pct(ratio(successes, recent.length))})`,
  };
}
