// Heal outcomes: success counts per (failure kind, remedy), plus the most recent outcomes in
// order, over which the severity threshold is replayed.
import type { HealRecord, HealState } from '../../schemas/generated/types.js';

export function emptyHealState(): HealState {
  return { remedies: [], recent: [] };
}

/** One applied remedy's record: it worked when the step was retried, else it failed. Every engine records through this. */
export function healRecordOf(applied: { kind: string; remedy: string; severity: number; action: string }): HealRecord {
  return { kind: applied.kind, remedy: applied.remedy, outcome: applied.action === 'retry' ? 'success' : 'failure', severity: applied.severity };
}

export function noteHeal(heal: HealState, h: HealRecord, keep: number): void {
  let stats = heal.remedies.find((r) => r.kind === h.kind && r.remedy === h.remedy);
  if (!stats) {
    stats = { kind: h.kind, remedy: h.remedy, successes: 0, failures: 0 };
    heal.remedies.push(stats);
  }
  if (h.outcome === 'success') stats.successes += 1;
  else stats.failures += 1;
  heal.recent.push({ ...h });
  if (heal.recent.length > keep) heal.recent.splice(0, heal.recent.length - keep);
}
