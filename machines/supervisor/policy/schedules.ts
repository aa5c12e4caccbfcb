// Workflows on a cron schedule (a health check every 5 minutes, a daily report), timed on the
// injected clock so tests run in milliseconds.
import { Cron } from 'croner';
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/logger.js';
import type { ScheduleConfig } from '../../../schemas/generated/types.js';
import type { CreateTaskRequest, TaskView } from '../../contract.js';
import { createEvent } from '../../events.js';
import type { Idempotency } from '../durable/idempotency.js';
import type { EventLog } from '../read-models/event-log.js';

/** The longest delay Node's setTimeout honours. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export class Schedules {
  private timers: unknown[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly fire: (schedule: ScheduleConfig, at: number) => void,
  ) {}

  /** (Re)arms every schedule from now. */
  arm(schedules: readonly ScheduleConfig[]): void {
    this.close();
    for (const s of schedules) this.next(s, new Cron(s.cron, { paused: true, timezone: 'UTC' }));
  }

  close(): void {
    for (const t of this.timers) this.clock.clearTimeout(t);
    this.timers = [];
  }

  private next(schedule: ScheduleConfig, cron: Cron): void {
    const now = this.clock.now();
    const at = cron.nextRun(new Date(now))?.getTime();
    if (at === undefined) return;
    this.wait(at, () => {
      this.fire(schedule, at);
      this.next(schedule, cron);
    });
  }

  /**
   * Runs `fn` at `at`. Node's setTimeout fires after 1 ms for any delay over 2^31-1 ms (~24.8
   * days), so a monthly or yearly schedule would fire at once: wait in capped hops instead.
   */
  private wait(at: number, fn: () => void): void {
    const delay = at - this.clock.now();
    const hop = Math.min(delay, MAX_TIMER_MS);
    const timer = this.clock.setTimeout(() => {
      this.timers = this.timers.filter((t) => t !== timer);
      if (hop < delay) this.wait(at, fn);
      else fn();
    }, hop);
    this.timers.push(timer);
  }
}

export interface ScheduledTaskDeps {
  clock: Clock;
  logger: Logger;
  events: EventLog;
  idempotency: Idempotency;
  /** Whether new tasks are taken (not during a shutdown). */
  accepting(): boolean;
  createTask(req: CreateTaskRequest, origin: string): Promise<TaskView>;
}

/** What a schedule firing does: one task per schedule and time (`schedule:<id>:<at>`), even across a restart. */
export function scheduledTask(deps: ScheduledTaskDeps): (schedule: ScheduleConfig, at: number) => void {
  return (s, at) => void fireSchedule(deps, s, at);
}

async function fireSchedule(deps: ScheduledTaskDeps, s: ScheduleConfig, at: number): Promise<void> {
  const key = `schedule:${s.id}:${at}`;
  if (!deps.accepting() || deps.idempotency.has(key)) return;
  // Called fire-and-forget from a timer: nothing may reject out of here (a full disk would
  // otherwise be an unhandled rejection that kills the supervisor).
  try {
    await deps.idempotency.remember(key);
    deps.events.emit(createEvent('schedule.fired', { scheduleId: s.id, workflow: s.workflow }, deps.clock.now()), key);
    await deps.createTask({ workflow: s.workflow, input: s.input ?? {}, priority: s.priority ?? 'P2' }, key);
  } catch (err) {
    deps.logger.error({ err, schedule: s.id }, 'scheduled task refused');
  }
}
