// A tuned value always carries where it came from, the numbers behind it and the rule in plain
// words, so `agentry learn` can explain every value the supervisor uses.
import type { ResolvedConfig } from '../../config/load.js';

type TunedSource = 'learned' | 'config' | 'pinned';

/** Numbers that justify a value; `n` is the evidence count the minimum applies to. */
export interface Evidence {
  n: number;
  [name: string]: number;
}

export interface Tuned<T> {
  key: string;
  value: T;
  source: TunedSource;
  evidence: Evidence;
  rule: string;
}

/** The config sections the rules read. */
export type LearnConfig = Pick<ResolvedConfig, 'learning' | 'risk' | 'reviews' | 'models' | 'healing'>;

export function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** `part / whole`, or 0 when there is nothing to divide. */
export function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

export function isPinned(flag: boolean | undefined): boolean {
  return flag === true;
}
