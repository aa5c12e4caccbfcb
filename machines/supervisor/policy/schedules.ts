// Workflows on a cron schedule (a health check every 5 minutes, a daily report), timed on the
// injected clock so tests run in milliseconds.
import { Cron } from 'croner';
import type { Clock } from '../../../core/clock.js';
import type { ScheduleConfig } from '../../../schemas/generated/types.js';

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
