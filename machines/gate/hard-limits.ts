// The limits no mode can override: each one that applies blocks the action.
import { formatUsd } from '../ledger/money.js';
import type { GateInput } from './input.js';

// Money from callers is floating USD; a sum that lands on the limit must not read as over it.
const EPSILON = 1e-9;

export function hardLimitReasons({ controls, proposal }: GateInput): string[] {
  const reasons: string[] = [];
  const total = proposal.spentTodayUsd + proposal.estimatedCostUsd;
  if (total > controls.dailySpendLimitUsd + EPSILON) {
    reasons.push(
      `daily spend limit: ${formatUsd(proposal.spentTodayUsd)} spent today + ${formatUsd(proposal.estimatedCostUsd)} ` +
        `estimated = ${formatUsd(total)} is over the limit ${formatUsd(controls.dailySpendLimitUsd)}`,
    );
  }
  // Own properties only: a domain named "constructor" must not read Object.prototype.
  if (Object.hasOwn(controls.domains, proposal.domain) && controls.domains[proposal.domain] === false) {
    reasons.push(`domain "${proposal.domain}" is disabled in config`);
  }
  if (proposal.domainPaused) reasons.push(`domain "${proposal.domain}" is paused by escalation`);
  if (proposal.breakerOpen) reasons.push('the circuit breaker is open');
  return reasons;
}
