// SLA deadlines as absolute timestamps on the injected clock. A breach escalates in three tiers
// spaced by `escalationMinutes`: the coordinator, then a person, then the domain is paused.
import type { Clock } from '../../../core/clock.js';

type SlaScope = 'canon' | 'cultural' | 'coordinator' | 'approval' | 'task';
export type EscalationTier = 1 | 2 | 3;

export interface SlaWatch {
  key: string;
  taskId: string;
  domain: string;
  scope: SlaScope;
  deadline: number;
}

export interface SlaBreach extends SlaWatch {
  tier: EscalationTier;
}

export class SlaWatcher {
  private readonly watches = new Map<string, { watch: SlaWatch; timer: unknown; tier: 0 | EscalationTier }>();

  constructor(
    private readonly clock: Clock,
    private escalationMs: number,
    private readonly onBreach: (breach: SlaBreach) => void,
  ) {}

  /** Starts watching; arming an existing key again keeps its original deadline. */
  arm(watch: SlaWatch): void {
    if (this.watches.has(watch.key)) return;
    const entry = { watch, timer: null as unknown, tier: 0 as 0 | EscalationTier };
    this.watches.set(watch.key, entry);
    this.schedule(watch.key, watch.deadline);
  }

  clear(key: string): void {
    const entry = this.watches.get(key);
    if (!entry) return;
    this.clock.clearTimeout(entry.timer);
    this.watches.delete(key);
  }

  clearTask(taskId: string): void {
    for (const [key, e] of this.watches) if (e.watch.taskId === taskId) this.clear(key);
  }

  setEscalationMinutes(minutes: number): void {
    this.escalationMs = minutes * 60_000;
  }

  /** Watches past their deadline, with the tier they reached. */
  breaches(): SlaBreach[] {
    return [...this.watches.values()].filter((e) => e.tier > 0).map((e) => ({ ...e.watch, tier: e.tier as EscalationTier }));
  }

  close(): void {
    for (const e of this.watches.values()) this.clock.clearTimeout(e.timer);
    this.watches.clear();
  }

  private schedule(key: string, at: number): void {
    const entry = this.watches.get(key);
    if (!entry) return;
    entry.timer = this.clock.setTimeout(() => this.fire(key), Math.max(0, at - this.clock.now()));
  }

  private fire(key: string): void {
    const entry = this.watches.get(key);
    if (!entry || entry.tier === 3) return;
    entry.tier = (entry.tier + 1) as EscalationTier;
    this.onBreach({ ...entry.watch, tier: entry.tier });
    if (entry.tier < 3) this.schedule(key, entry.watch.deadline + entry.tier * this.escalationMs);
  }
}
