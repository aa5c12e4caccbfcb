// The pre-call check (DESIGN §5): a call that could push spend over a hard limit does not start.
import { formatUsd, toUsd } from './money.js';
import { reservedMicros } from './state.js';
import type { LedgerState } from './state.js';

export interface LimitsMicros {
  dailyMicros: number;
  perTaskMicros: number;
}

export interface Refusal {
  limit: 'daily' | 'task';
  reason: string;
}

function sentence(what: string, spent: number, reserved: number, estimate: number, limit: number): string {
  const total = spent + reserved + estimate;
  return (
    `${what}: ${formatUsd(toUsd(spent))} spent + ${formatUsd(toUsd(reserved))} reserved + ` +
    `${formatUsd(toUsd(estimate))} estimated = ${formatUsd(toUsd(total))} is over ${formatUsd(toUsd(limit))}`
  );
}

/** Why a reservation of `estimateMicros` for `taskId` must be refused, or null when it fits. */
export function refusalFor(state: LedgerState, limits: LimitsMicros, taskId: string, estimateMicros: number): Refusal | null {
  const reserved = reservedMicros(state);
  if (state.spentMicros + reserved + estimateMicros > limits.dailyMicros) {
    return { limit: 'daily', reason: sentence('daily spend limit', state.spentMicros, reserved, estimateMicros, limits.dailyMicros) };
  }
  const taskSpent = state.taskSpentMicros.get(taskId) ?? 0;
  const taskReserved = reservedMicros(state, taskId);
  if (taskSpent + taskReserved + estimateMicros > limits.perTaskMicros) {
    return {
      limit: 'task',
      reason: sentence(`per-task cap of task "${taskId}"`, taskSpent, taskReserved, estimateMicros, limits.perTaskMicros),
    };
  }
  return null;
}
