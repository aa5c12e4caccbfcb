// The day's figures a manager asks for, folded from events as they are recorded (and replayed).
import { dayOf } from '../../../core/clock.js';
import type { SupervisorEvent } from '../../events.js';

interface Day {
  day: string;
  completed: number;
  reviewMinutes: number;
  reviews: number;
  gated: number;
  needingPerson: number;
  delivered: number;
  deliveryFailed: number;
}

const empty = (day: string): Day => ({ day, completed: 0, reviewMinutes: 0, reviews: 0, gated: 0, needingPerson: 0, delivered: 0, deliveryFailed: 0 });

export class DayStats {
  private current: Day;

  constructor(now: number) {
    this.current = empty(dayOf(now));
  }

  add(event: SupervisorEvent): void {
    const day = event.at.slice(0, 10);
    if (day > this.current.day) this.current = empty(day);
    if (day !== this.current.day) return;
    const d = this.current;
    if (event.type === 'task.completed') d.completed += 1;
    if (event.type === 'review.completed' && event.minutes !== undefined) {
      d.reviews += 1;
      d.reviewMinutes += event.minutes;
    }
    if (event.type === 'delivery.succeeded') d.delivered += 1;
    if (event.type === 'delivery.failed') d.deliveryFailed += 1;
    if (event.type === 'gate.decided' && event.decision !== 'blocked') {
      d.gated += 1;
      if (event.decision === 'approval') d.needingPerson += 1;
    }
  }

  deliveries(now: number): { deliveredToday: number; failedToday: number } {
    const d = this.current.day === dayOf(now) ? this.current : empty(dayOf(now));
    return { deliveredToday: d.delivered, failedToday: d.deliveryFailed };
  }

  today(now: number): { tasksCompleted: number; meanReviewMinutes: number | null; humanShare: number | null; reviews: number; gated: number; needingPerson: number } {
    const d = this.current.day === dayOf(now) ? this.current : empty(dayOf(now));
    return {
      tasksCompleted: d.completed,
      meanReviewMinutes: d.reviews === 0 ? null : d.reviewMinutes / d.reviews,
      humanShare: d.gated === 0 ? null : d.needingPerson / d.gated,
      reviews: d.reviews,
      gated: d.gated,
      needingPerson: d.needingPerson,
    };
  }
}
