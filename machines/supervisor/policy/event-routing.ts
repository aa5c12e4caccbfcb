// How an outside event maps to tasks, the same on every engine (the embedded Intake, the cluster's
// event workflow): the supervisor's own event names are refused; each rule for the event's type
// is either under its threshold (ignored, with the reason) or routed; and a rule that would write
// a field the event lacks refuses the event before anything is recorded.
import { SchemaValidationError, UserError } from '../../../core/errors.js';
import type { ResolvedConfig } from '../../../config/load.js';
import type { Priority } from '../../../schemas/generated/types.js';
import type { EmitEventResult } from '../../contract.js';
import { eventDataFor, missingFields, referenceTemplate } from '../../../config/event-template.js';

/** Names of the supervisor's own events: outside callers may not emit them. */
const RESERVED_EVENT_PREFIXES = ['task.', 'step.', 'review.', 'approval.', 'gate.', 'sla.', 'budget.', 'agent.', 'heal.', 'config.', 'mode.', 'supervisor.', 'hook.', 'schedule.', 'dependency.', 'escalation.', 'domain.', 'action.', 'event.', 'delivery.', 'permission.'];

/** A rule's task for one event: `eventId` is `<event id>#<rule index>`, the task's origin. */
export interface Routed {
  eventId: string;
  workflow: string;
  input: Record<string, unknown>;
  priority: Priority;
}

/** What one rule does with the event, in rule order. */
export type RuleStep = { index: number; ignored: string } | { index: number; routed: Routed };

export function assertOutsideType(type: string): void {
  if (RESERVED_EVENT_PREFIXES.some((p) => type.startsWith(p))) {
    throw new UserError('INVALID_INPUT', `type: "${type}" is reserved for the supervisor's own events; name business events like competitor.rank_drop or keyword.spike`);
  }
}

/** An id for an event its caller did not name. */
export function newEventId(now: number): string {
  return `ev_${now.toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** P0 and P1 start at once; the rest waits for the batch window. */
export const startsAtOnce = (priority: Priority): boolean => priority === 'P0' || priority === 'P1';

/** Under its rule's threshold: the reason it is ignored, or undefined when it routes. */
function underThreshold(rule: { field?: string; threshold?: number }, data: Record<string, unknown>): string | undefined {
  if (rule.field === undefined || rule.threshold === undefined) return undefined;
  const value = Number(data[rule.field]);
  if (Number.isFinite(value) && value >= rule.threshold) return undefined;
  return Number.isFinite(value) ? `${rule.field} ${value} is under the threshold ${rule.threshold}` : `no numeric ${rule.field} in the event data`;
}

/** The rule's input referring to the event's fields, with their (capped) values as `eventData`. */
function routedInput(template: Record<string, unknown>, data: Record<string, unknown>): Record<string, unknown> {
  const input = referenceTemplate(template) as Record<string, unknown>;
  const eventData = eventDataFor(template, data);
  return Object.keys(eventData).length === 0 ? input : { ...input, eventData };
}

/**
 * What each rule for `type` does with the event (none: it is only recorded). Throws, naming the
 * fields, when a rule over its threshold would write one the event lacks into its task's input.
 */
export function planEvent(config: Pick<ResolvedConfig, 'events'>, eventId: string, type: string, data: Record<string, unknown>): RuleStep[] {
  const rules = config.events.rules.filter((r) => r.event === type);
  for (const rule of rules) {
    if (underThreshold(rule, data) !== undefined) continue;
    const missing = missingFields(rule.input ?? {}, data);
    if (missing.length > 0) {
      const issues = missing.map((path) => ({ path: `data.${path}`, expected: `a string or number (the ${type} rule writes {{data.${path}}} into the ${rule.workflow} input)`, got: 'nothing' }));
      throw new SchemaValidationError('INVALID_INPUT', `event ${type}`, issues);
    }
  }
  return rules.map((rule, index) => {
    const reason = underThreshold(rule, data);
    if (reason !== undefined) return { index, ignored: reason };
    return { index, routed: { eventId: `${eventId}#${index}`, workflow: rule.workflow, input: routedInput(rule.input ?? {}, data), priority: rule.priority ?? 'P2' } };
  });
}

/** The answer's outcome: started when any task started at once, batched when any waits. */
export function outcomeOf(plan: readonly RuleStep[]): EmitEventResult['outcome'] {
  if (plan.length === 0) return 'recorded';
  const routed = plan.flatMap((s) => ('routed' in s ? [s.routed] : []));
  if (routed.some((r) => startsAtOnce(r.priority))) return 'started';
  return routed.length > 0 ? 'batched' : 'ignored';
}
