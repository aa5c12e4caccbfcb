// SLA escalation and domain pauses. A breached deadline escalates in three tiers (the
// coordinator, a person, then its domain is paused); the coordinator may pause a domain too.
// A paused domain's actions are held at the gate until a person resumes it
// (`agentry domain resume NAME`, POST /v1/domains/:name/resume). Pauses are journaled.
import type { Clock } from '../../../core/clock.js';
import { UserError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { ResolvedConfig } from '../../../config/load.js';
import { createEvent } from '../../events.js';
import type { Keyed } from '../../events.js';
import type { JournalRecord, JournalSink } from '../durable/records.js';
import type { EventLog } from '../read-models/event-log.js';
import type { SlaBreach } from './sla.js';

export interface EscalationDeps {
  clock: Clock;
  logger: Logger;
  config(): ResolvedConfig;
  journal: JournalSink;
  events: EventLog;
}

/** Who each tier escalates to. */
const TIER_TO = { 1: 'coordinator', 2: 'person', 3: 'pause_domain' } as const;

/** A breach's events at its tier, keyed by what it watched so each tier is told once. */
export function breachTold(b: SlaBreach, now: number): Keyed[] {
  return [
    { event: createEvent('sla.exceeded', { taskId: b.taskId, scope: b.scope, deadline: new Date(b.deadline).toISOString(), tier: b.tier }, now), key: `${b.key}:sla:${b.tier}` },
    { event: createEvent('escalation.raised', { taskId: b.taskId, domain: b.domain, to: TIER_TO[b.tier], reason: `${b.scope} SLA exceeded (tier ${b.tier})` }, now), key: `${b.key}:esc:${b.tier}` },
  ];
}

/** NOT_FOUND unless `name` is one of the workflows' domains or is paused. */
export function assertDomain(config: Pick<ResolvedConfig, 'workflows'>, name: string, paused: boolean): void {
  const known = new Set(Object.values(config.workflows).flatMap((w) => (w ? [w.domain] : [])));
  if (!known.has(name) && !paused) throw new UserError('NOT_FOUND', `no domain ${JSON.stringify(name)}; the workflows' domains are ${[...known].join(', ')}`);
}

export class Escalation {
  private readonly paused = new Set<string>();

  constructor(private readonly deps: EscalationDeps) {}

  /** The domains whose actions are held. */
  get pausedDomains(): ReadonlySet<string> {
    return this.paused;
  }

  /** A deadline passed (policy/sla.ts): the breach and its escalation are events; tier 3 pauses the domain. */
  onBreach(b: SlaBreach): void {
    const { events } = this.deps;
    const now = this.deps.clock.now();
    for (const told of breachTold(b, now)) events.emit(told.event, told.key);
    if (b.tier === 3) this.pause(b.domain, `SLA escalation reached tier 3 on ${b.taskId}`);
  }

  /** Holds a domain's actions; the pause is journaled so it survives a restart. */
  pause(domain: string, reason: string): void {
    if (this.paused.has(domain)) return;
    this.paused.add(domain);
    const now = this.deps.clock.now();
    this.deps.journal.append({ t: 'domain', domain, paused: true, at: now }).catch((err: unknown) => this.deps.logger.error({ err }, 'pause not journaled'));
    this.deps.events.emit(createEvent('domain.paused', { domain, reason }, now));
  }

  /** Lets a paused domain act again, once the resume is durable; a domain not paused is left as it is. */
  async resume(name: string): Promise<{ domain: string; resumed: boolean }> {
    assertDomain(this.deps.config(), name, this.paused.has(name));
    if (!this.paused.has(name)) return { domain: name, resumed: false };
    const now = this.deps.clock.now();
    await this.deps.journal.append({ t: 'domain', domain: name, paused: false, at: now });
    this.paused.delete(name);
    this.deps.events.emit(createEvent('domain.resumed', { domain: name }, now));
    return { domain: name, resumed: true };
  }

  /** A replayed `domain` record. */
  replay(domain: string, paused: boolean): void {
    if (paused) this.paused.add(domain);
    else this.paused.delete(domain);
  }

  /** The `domain` records a compaction keeps. */
  retained(now: number): JournalRecord[] {
    return [...this.paused].map((domain) => ({ t: 'domain', domain, paused: true, at: now }));
  }
}
