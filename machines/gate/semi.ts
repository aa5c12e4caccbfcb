// Semi-auto: auto only when every control allows it. Each control says why, pass or fail.
import { formatAmount, formatUsd } from '../ledger/money.js';
import type { GateInput } from './input.js';

const EPSILON = 1e-9;

export interface Threshold {
  value: number;
  source: 'config' | 'learned';
}

export interface SemiVerdict {
  auto: boolean;
  /** The failing controls when not auto; every control's pass when auto. */
  reasons: string[];
}

interface Check {
  pass: boolean;
  reason: string;
}

export function thresholdOf({ controls, learned }: GateInput): Threshold {
  const value = learned?.confidenceThreshold;
  return value === undefined ? { value: controls.confidenceThreshold, source: 'config' } : { value, source: 'learned' };
}

function confidenceCheck(confidence: number, threshold: Threshold): Check {
  const pass = confidence >= threshold.value - EPSILON;
  const verb = pass ? 'meets' : 'is below';
  return { pass, reason: `confidence ${formatAmount(confidence)} ${verb} the threshold ${formatAmount(threshold.value)} (${threshold.source})` };
}

function costCheck(cost: number, approval: number): Check {
  const pass = cost <= approval + EPSILON;
  const verb = pass ? 'is within' : 'is above';
  return { pass, reason: `estimated cost ${formatUsd(cost)} ${verb} the approval threshold ${formatUsd(approval)}` };
}

function reviewCheck(sample: number, percent: number): Check {
  const draw = formatAmount(sample * 100);
  const picked = sample * 100 < percent;
  return picked
    ? { pass: false, reason: `picked for random review: draw ${draw} is below ${formatAmount(percent)}%` }
    : { pass: true, reason: `not picked for random review: draw ${draw} is not below ${formatAmount(percent)}%` };
}

export function semiVerdict(input: GateInput, threshold: Threshold): SemiVerdict {
  const { controls, proposal, sample } = input;
  const checks = [
    confidenceCheck(proposal.confidence, threshold),
    costCheck(proposal.estimatedCostUsd, controls.approvalThresholdUsd),
    reviewCheck(sample, controls.randomReviewPercent),
  ];
  const failing = checks.filter((c) => !c.pass);
  const shown = failing.length > 0 ? failing : checks;
  return { auto: failing.length === 0, reasons: shown.map((c) => c.reason) };
}
