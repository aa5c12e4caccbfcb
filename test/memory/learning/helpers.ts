// Builders shared by the learning tests: one outcome with sane defaults, and a resolved config.
import { resolveConfig } from '../../../config/load.js';
import type { LearnConfig } from '../../../memory/learning/index.js';
import type { OutcomeRecord } from '../../../schemas/generated/types.js';

let next = 0;

export function outcome(over: Partial<OutcomeRecord> = {}): OutcomeRecord {
  next += 1;
  return {
    id: `o${next}`,
    at: '2026-01-01T00:00:00.000Z',
    taskId: `t${next}`,
    agent: 'marketing',
    workflow: 'content',
    contentType: 'tweet',
    model: 'claude-sonnet-5-5',
    tokens: { input: 100, output: 50, cacheRead: 0, cacheWrite: 0 },
    costUsd: 0.01,
    latencyMs: 1000,
    confidence: 0.9,
    reviewVerdicts: [],
    gate: 'auto',
    humanDecision: 'none',
    finalStatus: 'completed',
    wrong: false,
    ...over,
  };
}

/** An auto-approved outcome at `confidence`, later found wrong or not. */
export function auto(confidence: number, wrong: boolean, over: Partial<OutcomeRecord> = {}): OutcomeRecord {
  return outcome({ confidence, gate: 'auto', wrong, ...over });
}

/** An outcome a person decided at `confidence`. */
export function decided(confidence: number, approved: boolean, over: Partial<OutcomeRecord> = {}): OutcomeRecord {
  return outcome({
    confidence,
    gate: 'approval',
    humanDecision: approved ? 'approved' : 'rejected',
    finalStatus: approved ? 'completed' : 'rejected',
    wrong: null,
    ...over,
  });
}

export function config(raw: Record<string, unknown> = {}): LearnConfig {
  return resolveConfig({ version: 1, ...raw });
}
