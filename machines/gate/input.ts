// What the gate decides on. Checked on entry: a NaN cost or confidence would make every
// comparison false, and a gate that compares NaN fails open.
import type { Mode } from '../../schemas/generated/types.js';
import { assertAmount, invariant } from '../ledger/assert.js';

export type { Mode };

/** The risk controls the gate reads; `ResolvedConfig['risk']` fits as is. */
export interface GateControls {
  dailySpendLimitUsd: number;
  approvalThresholdUsd: number;
  confidenceThreshold: number;
  randomReviewPercent: number;
  /** Missing = enabled; only an explicit `false` disables a domain. */
  domains: Readonly<Record<string, boolean | undefined>>;
}

export interface GateProposal {
  taskId: string;
  action: string;
  domain: string;
  /** The author's confidence in [0, 1]. */
  confidence: number;
  estimatedCostUsd: number;
  spentTodayUsd: number;
  breakerOpen: boolean;
  /** Paused by the third SLA escalation tier. */
  domainPaused: boolean;
}

interface LearnedThresholds {
  confidenceThreshold?: number | undefined;
}

export interface GateInput {
  mode: Mode;
  controls: GateControls;
  proposal: GateProposal;
  learned?: LearnedThresholds | undefined;
  /** A deterministic draw in [0, 1) for random review (see `sampleFor`), so the gate stays pure. */
  sample: number;
}

function assertUnit(value: number, what: string, upper: 'inclusive' | 'exclusive'): void {
  const below = upper === 'inclusive' ? value <= 1 : value < 1;
  invariant(Number.isFinite(value) && value >= 0 && below, `${what} must be in [0, 1${upper === 'inclusive' ? ']' : ')'}, got ${String(value)}`, {
    field: what,
    value: String(value),
  });
}

export function assertGateInput({ controls, proposal, learned, sample }: GateInput): void {
  assertAmount(controls.dailySpendLimitUsd, 'controls.dailySpendLimitUsd');
  assertAmount(controls.approvalThresholdUsd, 'controls.approvalThresholdUsd');
  assertUnit(controls.confidenceThreshold, 'controls.confidenceThreshold', 'inclusive');
  assertAmount(controls.randomReviewPercent, 'controls.randomReviewPercent');
  assertAmount(proposal.estimatedCostUsd, 'proposal.estimatedCostUsd');
  assertAmount(proposal.spentTodayUsd, 'proposal.spentTodayUsd');
  assertUnit(proposal.confidence, 'proposal.confidence', 'inclusive');
  if (learned?.confidenceThreshold !== undefined) assertUnit(learned.confidenceThreshold, 'learned.confidenceThreshold', 'inclusive');
  assertUnit(sample, 'sample', 'exclusive');
}
