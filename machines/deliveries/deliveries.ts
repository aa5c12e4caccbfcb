// Deliveries of approved content to the sinks the config routes an action to. Each is journaled
// like an activity: a durable intent (with the content and its idempotency key) before sending,
// the result after. A crash in between leaves the intent: the delivery is sent again with the same
// key and content. A failed delivery stays failed (shown in task show and status) until retried.
import type { Clock } from '../../core/clock.js';
import { UserError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { DeliverySink } from '../../schemas/generated/types.js';
import type { DeliveryView } from '../contract.js';
import type { ResolvedConfig } from '../../config/load.js';
import { createEvent } from '../events.js';
import type { EventLog } from '../supervisor/read-models/event-log.js';
import type { JournalRecord, JournalSink } from '../supervisor/durable/records.js';
import { sendCommand } from './command-sink.js';
import { deliverableOf, deliveryKey } from './content.js';
import type { Deliverable, DeliverableSource } from './content.js';
import { sendFile } from './file-sink.js';
import type { Send, SinkContext, SinkResult } from './sink.js';
import { failed } from './sink.js';
import { sendWebhook } from './webhook-sink.js';

const BUILTIN_SINKS: Readonly<Record<string, DeliverySink>> = { files: { type: 'file' } };

export const SENDERS: { [T in DeliverySink['type']]: Send<Extract<DeliverySink, { type: T }>> } = { file: sendFile, webhook: sendWebhook, command: sendCommand };

export interface DeliveriesDeps {
  journal: JournalSink;
  clock: Clock;
  config(): ResolvedConfig;
  projectDir: string;
  env: Record<string, string | undefined>;
  events: EventLog;
  logger: Logger;
  /** A task's deliveries changed (its view shows them). */
  onChange(taskId: string, views: DeliveryView[]): void;
}

interface Entry {
  sink: string;
  type: DeliverySink['type'];
  key: string;
  content: Deliverable;
  status: DeliveryView['status'];
  attempts: number;
  requestedAt: number;
  target?: string;
  error?: string;
  finishedAt?: number;
}

/** The sinks of a workflow's action: the first matching route's, from the config. */
export function sinksFor(config: ResolvedConfig, workflow: string, action: string): string[] {
  const route = config.deliveries.routes.find((r) => (r.workflow === undefined || r.workflow === workflow) && (r.action === undefined || r.action === action));
  return route?.sinks ?? [];
}

export function sinkNamed(config: ResolvedConfig, name: string): DeliverySink | undefined {
  const sinks = { ...BUILTIN_SINKS, ...config.deliveries.sinks };
  return Object.hasOwn(sinks, name) ? sinks[name] : undefined;
}

export class Deliveries {
  private readonly byTask = new Map<string, Map<string, Entry>>();
  private readonly stopping = new AbortController();

  constructor(private readonly deps: DeliveriesDeps) {}

  /** Feeds one replayed journal record. */
  replay(r: JournalRecord): void {
    if (r.t === 'delivery') {
      const prev = this.byTask.get(r.taskId)?.get(r.sink);
      this.entries(r.taskId).set(r.sink, { sink: r.sink, type: r.type, key: r.key, content: r.content, status: 'pending', attempts: prev?.attempts ?? 0, requestedAt: prev?.requestedAt ?? r.at });
    } else if (r.t === 'delivered') {
      const e = this.byTask.get(r.taskId)?.get(r.sink);
      if (e) this.settle(e, r, r.at);
    }
  }

  /** Delivers the approved content of a task's action to every routed sink not delivered yet. */
  async deliver(src: Omit<DeliverableSource, 'at'>): Promise<DeliveryView[]> {
    const { clock, journal } = this.deps;
    const config = (): ResolvedConfig => this.deps.config();
    const names = sinksFor(config(), src.workflow, src.action);
    if (names.length === 0) return [];
    const entries = this.entries(src.taskId);
    const content = deliverableOf({ ...src, at: clock.now() });
    await Promise.all(
      names.map(async (name) => {
        let e = entries.get(name);
        if (e?.status === 'delivered' || e?.status === 'failed') return; // decided: a failure waits for `task retry --delivery`
        if (!e) {
          const sink = sinkNamed(config(), name);
          e = { sink: name, type: sink?.type ?? 'file', key: deliveryKey(content, name), content, status: 'pending', attempts: 0, requestedAt: clock.now() };
          entries.set(name, e);
          await journal.append(intentRecord(e));
        }
        await this.send(src.taskId, e, false);
      }),
    );
    return this.views(src.taskId);
  }

  /** Sends every failed delivery of a task again, with its key and content. */
  async retry(taskId: string): Promise<DeliveryView[]> {
    const entries = this.byTask.get(taskId);
    if (!entries || entries.size === 0) throw new UserError('NOT_FOUND', `task ${taskId} has no deliveries (or they all succeeded before the last restart)`);
    const failedOnes = [...entries.values()].filter((e) => e.status === 'failed');
    if (failedOnes.length === 0) {
      const states = [...entries.values()].map((e) => `${e.sink} ${e.status}`).join(', ');
      throw new UserError('CONFLICT', `task ${taskId} has no failed delivery to retry (${states})`);
    }
    await Promise.all(
      failedOnes.map(async (e) => {
        e.status = 'pending';
        delete e.error;
        await this.deps.journal.append(intentRecord(e));
        await this.send(taskId, e, true);
      }),
    );
    return this.views(taskId);
  }

  /** After a restart: deliveries cut off whose task will not run again (finished, or a retry) are sent again. */
  resumeOrphans(isActive: (taskId: string) => boolean): void {
    for (const [taskId, entries] of this.byTask) {
      if (isActive(taskId)) continue;
      for (const e of entries.values()) {
        if (e.status !== 'pending') continue;
        this.send(taskId, e, true).catch((err: unknown) => this.deps.logger.warn({ err, taskId, sink: e.sink }, 'delivery not resumed'));
      }
    }
  }

  views(taskId: string): DeliveryView[] {
    return [...(this.byTask.get(taskId)?.values() ?? [])].map(viewOf);
  }

  has(taskId: string): boolean {
    return this.byTask.has(taskId);
  }

  /** Tasks whose deliveries are known (for views after a restart). */
  taskIds(): string[] {
    return [...this.byTask.keys()];
  }

  /** Pending and failed deliveries, for status. */
  open(): { pending: number; failed: { taskId: string; sink: string; error: string; at: string }[] } {
    let pending = 0;
    const failures: { taskId: string; sink: string; error: string; at: string }[] = [];
    for (const [taskId, entries] of this.byTask) {
      for (const e of entries.values()) {
        if (e.status === 'pending') pending += 1;
        if (e.status === 'failed') failures.push({ taskId, sink: e.sink, error: e.error ?? 'failed', at: new Date(e.finishedAt ?? e.requestedAt).toISOString() });
      }
    }
    return { pending, failed: failures };
  }

  /** A finished task whose deliveries all succeeded is forgotten (its view and the archive keep them). */
  taskFinished(taskId: string): void {
    const entries = this.byTask.get(taskId);
    if (entries && [...entries.values()].every((e) => e.status === 'delivered')) this.byTask.delete(taskId);
  }

  /** The records that rebuild every known delivery (for compaction snapshots). */
  records(): JournalRecord[] {
    const out: JournalRecord[] = [];
    for (const [taskId, entries] of this.byTask) {
      for (const e of entries.values()) {
        out.push(intentRecord(e));
        if (e.status !== 'pending') out.push(resultRecord(taskId, e, e.finishedAt ?? e.requestedAt));
      }
    }
    return out;
  }

  /** Cuts off deliveries in flight: they stay intents and are sent again after the restart. */
  close(): void {
    this.stopping.abort();
  }

  private async send(taskId: string, e: Entry, retry: boolean): Promise<void> {
    const { events, clock, journal } = this.deps;
    events.emit(createEvent('delivery.started', { taskId, sink: e.sink, sinkType: e.type, key: e.key, retry }, clock.now()));
    const sink = sinkNamed(this.deps.config(), e.sink);
    const ctx: SinkContext = { clock, projectDir: this.deps.projectDir, env: this.deps.env, signal: this.stopping.signal };
    let result: SinkResult;
    if (!sink) result = failed(e.sink, 0, `no sink named "${e.sink}" in deliveries.sinks any more`);
    else if (sink.type !== e.type) result = failed(e.sink, 0, `sink "${e.sink}" is a ${sink.type} sink now, not the ${e.type} sink it was`);
    else result = await (SENDERS[sink.type] as Send)(sink, e.content, e.key, ctx);
    const at = clock.now();
    this.settle(e, { ...result, attempts: e.attempts + result.attempts }, at);
    await journal.append(resultRecord(taskId, e, at));
    if (e.status === 'delivered') events.emit(createEvent('delivery.succeeded', { taskId, sink: e.sink, sinkType: e.type, key: e.key, target: e.target ?? '', attempts: e.attempts }, at));
    else events.emit(createEvent('delivery.failed', { taskId, sink: e.sink, sinkType: e.type, key: e.key, error: e.error ?? 'failed', attempts: e.attempts }, at));
    this.deps.onChange(taskId, this.views(taskId));
  }

  private settle(e: Entry, r: { status: 'delivered' | 'failed'; attempts: number; target?: string; error?: string }, at: number): void {
    e.status = r.status;
    e.attempts = r.attempts;
    e.finishedAt = at;
    if (r.target !== undefined) e.target = r.target;
    if (r.error === undefined) delete e.error;
    else e.error = r.error;
  }

  private entries(taskId: string): Map<string, Entry> {
    let m = this.byTask.get(taskId);
    if (!m) {
      m = new Map();
      this.byTask.set(taskId, m);
    }
    return m;
  }
}

function intentRecord(e: Entry): JournalRecord {
  return { t: 'delivery', taskId: e.content.taskId, sink: e.sink, type: e.type, key: e.key, at: e.requestedAt, content: e.content };
}

function resultRecord(taskId: string, e: Entry, at: number): JournalRecord {
  const r: JournalRecord = { t: 'delivered', taskId, sink: e.sink, key: e.key, at, status: e.status === 'delivered' ? 'delivered' : 'failed', attempts: e.attempts, target: e.target ?? '' };
  if (e.error !== undefined) r.error = e.error;
  return r;
}

function viewOf(e: Entry): DeliveryView {
  const v: DeliveryView = { sink: e.sink, type: e.type, key: e.key, status: e.status, attempts: e.attempts, requestedAt: new Date(e.requestedAt).toISOString() };
  if (e.target !== undefined) v.target = e.target;
  if (e.error !== undefined) v.error = e.error;
  if (e.finishedAt !== undefined && e.status !== 'pending') v.finishedAt = new Date(e.finishedAt).toISOString();
  return v;
}
