// Business and system events (competitor rank drop, keyword spike, GitHub push…) mapped to
// workflows by config rules with thresholds. Under threshold: recorded and ignored. P0/P1 start
// at once; P2/P3 wait for the batch window and start together.
import type { Clock } from '../../../core/clock.js';
import { SchemaValidationError, UserError } from '../../../core/errors.js';
import type { Priority } from '../../../schemas/generated/types.js';
import type { EmitEventRequest, EmitEventResult } from '../../contract.js';
import type { ResolvedConfig } from '../../../config/load.js';
import { createEvent } from '../../events.js';
import { eventDataFor, missingFields, referenceTemplate } from '../../../config/event-template.js';
import type { EventLog } from '../read-models/event-log.js';
import type { JournalSink } from '../durable/records.js';
import type { Idempotency } from '../durable/idempotency.js';

/** Names of the supervisor's own events: outside callers may not emit them. */
const RESERVED_EVENT_PREFIXES = ['task.', 'step.', 'review.', 'approval.', 'gate.', 'sla.', 'budget.', 'agent.', 'heal.', 'config.', 'mode.', 'supervisor.', 'hook.', 'schedule.', 'dependency.', 'escalation.', 'domain.', 'action.', 'event.', 'delivery.', 'permission.'];

export interface Routed {
  eventId: string;
  workflow: string;
  input: Record<string, unknown>;
  priority: Priority;
}

export interface IntakeDeps {
  clock: Clock;
  config(): ResolvedConfig;
  events: EventLog;
  journal: JournalSink;
  idempotency: Idempotency;
  start(routed: Routed): Promise<string>;
  onError(err: unknown): void;
}

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

export class Intake {
  private readonly batch: Routed[] = [];
  private timer: unknown = null;

  constructor(private readonly deps: IntakeDeps) {}

  /**
   * An outside event, once per id. Its id becomes durable only after the routing it acknowledges:
   * routed tasks and queued events carry `<eventId>#<rule>`, so recovery marks their event seen
   * even when a kill came before the `seen` record; a routing that failed acknowledged nothing,
   * so a retry of the same id is not answered "duplicate".
   */
  async accept(req: EmitEventRequest): Promise<EmitEventResult> {
    if (RESERVED_EVENT_PREFIXES.some((p) => req.type.startsWith(p))) {
      throw new UserError('INVALID_INPUT', `type: "${req.type}" is reserved for the supervisor's own events; name business events like competitor.rank_drop or keyword.spike`);
    }
    const eventId = req.id ?? `ev_${this.deps.clock.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    if (this.deps.idempotency.has(eventId)) return { eventId, duplicate: true, outcome: 'recorded', taskIds: [] };
    return this.deps.idempotency.acceptAfter(eventId, () => this.route(eventId, req.type, req.data));
  }

  /** Routes one accepted event (de-duplicated, made durable after). */
  private async route(eventId: string, type: string, data: Record<string, unknown>): Promise<EmitEventResult> {
    const { clock, events } = this.deps;
    const rules = this.deps.config().events.rules.filter((r) => r.event === type);
    // Refused before anything is recorded: a rule that would start a task with holes in its brief.
    for (const rule of rules) {
      if (underThreshold(rule, data) !== undefined) continue;
      const missing = missingFields(rule.input ?? {}, data);
      if (missing.length > 0) {
        const issues = missing.map((path) => ({ path: `data.${path}`, expected: `a string or number (the ${type} rule writes {{data.${path}}} into the ${rule.workflow} input)`, got: 'nothing' }));
        throw new SchemaValidationError('INVALID_INPUT', `event ${type}`, issues);
      }
    }
    events.emit(createEvent('event.received', { eventId, event: type, data }, clock.now()), `${eventId}:received`);
    if (rules.length === 0) return { eventId, duplicate: false, outcome: 'recorded', taskIds: [] };
    const taskIds: string[] = [];
    let outcome: EmitEventResult['outcome'] = 'ignored';
    for (const [i, rule] of rules.entries()) {
      const reason = underThreshold(rule, data);
      if (reason !== undefined) {
        events.emit(createEvent('event.ignored', { eventId, event: type, reason }, clock.now()), `${eventId}:ignored:${i}`);
        continue;
      }
      const routed: Routed = {
        eventId: `${eventId}#${i}`,
        workflow: rule.workflow,
        input: routedInput(rule.input ?? {}, data),
        priority: rule.priority ?? 'P2',
      };
      if (routed.priority === 'P0' || routed.priority === 'P1') {
        taskIds.push(await this.deps.start(routed));
        outcome = 'started';
      } else {
        await this.deps.journal.append({ t: 'queued', ...routed, at: clock.now() });
        this.enqueue(routed);
        if (outcome !== 'started') outcome = 'batched';
      }
    }
    return { eventId, duplicate: false, outcome, taskIds };
  }

  /** A queued event found in the journal with no task yet. */
  enqueue(routed: Routed): void {
    this.batch.push(routed);
    if (this.timer !== null) return;
    const windowMs = this.deps.config().events.batchWindowSeconds * 1000;
    this.timer = this.deps.clock.setTimeout(() => void this.flush(), windowMs);
  }

  /** Starts every batched event, most urgent first. */
  async flush(): Promise<void> {
    this.timer = null;
    const items = this.batch.splice(0).sort((a, b) => a.priority.localeCompare(b.priority));
    for (const routed of items) {
      try {
        await this.deps.start(routed);
      } catch (err) {
        this.deps.onError(err);
      }
    }
  }

  queued(): readonly Routed[] {
    return this.batch;
  }

  close(): void {
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
