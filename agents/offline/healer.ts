// Offline healer: classify the incident, then the least invasive remedy not already failed.
//   rate limit / overload        → retry_with_backoff (delay doubles per failed attempt)
//   invalid_output once          → retry;  repeated → switch_model (a stronger one)
//   timeout                      → retry_with_backoff, then switch_model (a faster one)
//   agent_failure                → retry, retry_with_backoff, switch_model
//   breaker_open                 → pause_agent
//   predictive                   → ignore below 25% errors, else pause_agent
//   sla_breach, budget, 3+ failed remedies, nothing left → escalate_human
import type { HealerInput, HealerOutput, Incident, IncidentKind, Remedy, RemedyParameters } from '../../schemas/generated/types.js';
import { AGENT_DEFINITIONS } from '../definitions.js';
import { clip } from './text.js';

const BASE_SEVERITY: Record<IncidentKind, number> = {
  predictive: 0.15,
  timeout: 0.35,
  invalid_output: 0.4,
  agent_failure: 0.45,
  breaker_open: 0.7,
  sla_breach: 0.75,
  budget: 0.85,
};
const LABEL: Record<IncidentKind, string> = {
  agent_failure: 'Agent failure',
  invalid_output: 'Invalid output',
  breaker_open: 'Circuit breaker open',
  sla_breach: 'SLA breach',
  budget: 'Budget threshold reached',
  timeout: 'Timeout',
  predictive: 'Failure predicted',
};
const TRANSIENT_CODES = new Set(['MODEL_RATE_LIMITED', 'MODEL_OVERLOADED', 'MODEL_CONNECTION']);
const ESCALATE_AFTER_FAILURES = 3;
const LADDER = ['claude-haiku-5-5', 'claude-sonnet-5-5', 'claude-opus-5-5'] as const;

function failed(incident: Incident): Remedy[] {
  return incident.remediesTried.filter((r) => r.outcome === 'failure').map((r) => r.remedy);
}

function isRepeatedInvalid(incident: Incident): boolean {
  const seen = incident.recentHistory.filter((e) => /invalid/i.test(`${e.event} ${e.detail}`)).length;
  return failed(incident).length > 0 || seen >= 2;
}

/** The remedies to try for each kind, least invasive first. */
const ORDER: Record<IncidentKind, (incident: Incident) => Remedy[]> = {
  invalid_output: (i) => (isRepeatedInvalid(i) ? ['switch_model'] : ['retry', 'switch_model']),
  timeout: () => ['retry_with_backoff', 'switch_model'],
  agent_failure: () => ['retry', 'retry_with_backoff', 'switch_model'],
  breaker_open: () => ['pause_agent'],
  predictive: (i) => (i.errorRate < 0.25 ? ['ignore'] : ['pause_agent']),
  sla_breach: () => [],
  budget: () => [],
};

/** Remedies to try in order; a repeatable one may be chosen again after it failed (backoff doubles). */
function plan(incident: Incident): { order: Remedy[]; repeatable: Remedy[] } {
  if (TRANSIENT_CODES.has(incident.error.code)) return { order: ['retry_with_backoff'], repeatable: ['retry_with_backoff'] };
  return { order: ORDER[incident.kind](incident), repeatable: [] };
}

function choose(incident: Incident): Remedy {
  const tried = failed(incident);
  if (tried.length >= ESCALATE_AFTER_FAILURES) return 'escalate_human';
  const { order, repeatable } = plan(incident);
  return order.find((r) => repeatable.includes(r) || !tried.includes(r)) ?? 'escalate_human';
}

function otherModel(incident: Incident): string {
  const current = incident.agent === null ? 'claude-sonnet-5-5' : AGENT_DEFINITIONS[incident.agent].defaults.model;
  const at = Math.max(0, LADDER.findIndex((m) => m === current));
  const step = incident.kind === 'timeout' ? -1 : 1;
  return LADDER[at + step] ?? LADDER[at - step] ?? 'claude-sonnet-5-5';
}

function parametersFor(remedy: Remedy, incident: Incident): RemedyParameters {
  const failures = failed(incident).length;
  switch (remedy) {
    case 'retry_with_backoff':
      return { delayMs: Math.min(3_600_000, 2000 * 2 ** failures) };
    case 'switch_model':
      return { model: otherModel(incident) };
    case 'pause_agent':
      return { pauseMinutes: incident.kind === 'predictive' ? 10 : 15 };
    case 'escalate_human':
      return { note: clip(`${incident.kind} on ${incident.agent ?? 'the system'}: ${incident.error.code}, ${failures} failed remedies`, 500) };
    default:
      return {};
  }
}

export function heal(input: HealerInput, confidence: number): HealerOutput {
  const { incident } = input;
  const remedy = choose(incident);
  const failures = failed(incident).length;
  const transient = TRANSIENT_CODES.has(incident.error.code);
  const base = transient ? Math.min(BASE_SEVERITY[incident.kind], 0.3) : BASE_SEVERITY[incident.kind];
  const severity = Math.round(Math.min(1, base + incident.errorRate * 0.15 + failures * 0.05) * 100) / 100;
  const where = incident.agent === null ? 'the system' : `the ${incident.agent} agent`;
  return {
    severity,
    diagnosis: clip(`${LABEL[incident.kind]}${transient ? ' (transient)' : ''} in ${where}, error ${incident.error.code}: ${incident.error.message || 'no message'}`, 1000),
    remedy,
    parameters: parametersFor(remedy, incident),
    confidence,
    rationale: clip(`[offline] Remedy table for ${incident.kind} after ${failures} failed remedies: ${remedy}.`, 600),
  };
}
