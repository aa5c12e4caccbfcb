// Business and system events (competitor rank drop, keyword spike, GitHub push…) mapped to
// workflows by config rules with thresholds. Under threshold: recorded and ignored. P0/P1 start
// at once; P2/P3 wait for the batch window and start together.
import type { Clock } from '../../../core/clock.js';
import type { EmitEventRequest, EmitEventResult } from '../../contract.js';
import type { ResolvedConfig } from '../../../config/load.js';
import { createEvent } from '../../events.js';
import type { EventLog } from '../read-models/event-log.js';
import type { JournalSink } from '../durable/records.js';
import type { Idempotency } from '../durable/idempotency.js';
import { assertOutsideType, newEventId, outcomeOf, planEvent, startsAtOnce } from './event-routing.js';
import type { Routed } from './event-routing.js';

export interface IntakeDeps {
  clock: Clock;
  config(): ResolvedConfig;
  events: EventLog;
  journal: JournalSink;
  idempotency: Idempotency;
  start(routed: Routed): Promise<string>;
  onError(err: unknown): void;
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
    assertOutsideType(req.type);
    const eventId = req.id ?? newEventId(this.deps.clock.now());
    if (this.deps.idempotency.has(eventId)) return { eventId, duplicate: true, outcome: 'recorded', taskIds: [] };
    return this.deps.idempotency.acceptAfter(eventId, () => this.route(eventId, req.type, req.data));
  }

  /** Routes one accepted event (de-duplicated, made durable after). */
  private async route(eventId: string, type: string, data: Record<string, unknown>): Promise<EmitEventResult> {
    const { clock, events } = this.deps;
    // Refused before anything is recorded: a rule that would start a task with holes in its brief.
    const plan = planEvent(this.deps.config(), eventId, type, data);
    events.emit(createEvent('event.received', { eventId, event: type, data }, clock.now()), `${eventId}:received`);
    const taskIds: string[] = [];
    for (const step of plan) {
      if ('ignored' in step) {
        events.emit(createEvent('event.ignored', { eventId, event: type, reason: step.ignored }, clock.now()), `${eventId}:ignored:${step.index}`);
        continue;
      }
      const { routed } = step;
      if (startsAtOnce(routed.priority)) {
        taskIds.push(await this.deps.start(routed));
      } else {
        await this.deps.journal.append({ t: 'queued', ...routed, at: clock.now() });
        this.enqueue(routed);
      }
    }
    return { eventId, duplicate: false, outcome: outcomeOf(plan), taskIds };
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
