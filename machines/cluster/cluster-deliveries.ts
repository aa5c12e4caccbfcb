// Deliveries on the cluster: the approved content of a task's action goes to the sinks the config
// routes it to (machines/deliveries: the same routes, sinks and idempotency keys as embedded).
// Each delivery is a row in agentry_deliveries, pending before the send and settled after, so a
// send cut off by a crash is sent again (as a re-run of the execute step) with the same key.
import type { Clock } from '../../core/clock.js';
import { UserError } from '../../core/errors.js';
import type { ResolvedConfig } from '../../config/load.js';
import type { PgDeliveries } from '../../memory/postgres/deliveries.js';
import type { DeliveryView } from '../contract.js';
import { createEvent } from '../events.js';
import { deliverableOf, deliveryKey } from '../deliveries/content.js';
import type { Deliverable, DeliverableSource } from '../deliveries/content.js';
import { SENDERS, sinkNamed, sinksFor } from '../deliveries/deliveries.js';
import type { Send, SinkResult } from '../deliveries/sink.js';
import { failed } from '../deliveries/sink.js';
import type { ClusterEvents } from './cluster-events.js';

/** A delivery row: what was sent (to send it again) and how it went. */
export interface ClusterDelivery {
  content: Deliverable;
  view: DeliveryView;
}

export interface ClusterDeliveriesDeps {
  table: PgDeliveries<ClusterDelivery>;
  config: () => ResolvedConfig;
  clock: Clock;
  projectDir: string;
  env: Record<string, string | undefined>;
  events: Pick<ClusterEvents, 'emit'>;
  signal: AbortSignal;
}

export class ClusterDeliveries {
  constructor(private readonly deps: ClusterDeliveriesDeps) {}

  /** Delivers to every routed sink not delivered yet; a sink that failed waits for a retry. */
  async deliver(src: Omit<DeliverableSource, 'at'>): Promise<DeliveryView[]> {
    const { config, clock } = this.deps;
    const names = sinksFor(config(), src.workflow, src.action);
    if (names.length === 0) return [];
    const known = new Map((await this.deps.table.forTask(src.taskId)).map((d) => [d.view.sink, d]));
    const content = deliverableOf({ ...src, at: clock.now() });
    await Promise.all(
      names.map(async (name) => {
        const prior = known.get(name);
        if (prior && prior.view.status !== 'pending') return;
        const type = sinkNamed(config(), name)?.type ?? 'file';
        const row = prior ?? { content, view: { sink: name, type, key: deliveryKey(content, name), status: 'pending', attempts: 0, requestedAt: new Date(clock.now()).toISOString() } };
        if (!prior) await this.put(src.taskId, row);
        await this.send(src.taskId, row, false);
      }),
    );
    return this.views(src.taskId);
  }

  /** Sends a task's failed deliveries again, with their keys and content. */
  async retry(taskId: string): Promise<DeliveryView[]> {
    const rows = await this.deps.table.forTask(taskId);
    if (rows.length === 0) throw new UserError('NOT_FOUND', `task ${taskId} has no deliveries`);
    const failedOnes = rows.filter((d) => d.view.status === 'failed');
    if (failedOnes.length === 0) throw new UserError('CONFLICT', `task ${taskId} has no failed delivery to retry (${rows.map((d) => `${d.view.sink} ${d.view.status}`).join(', ')})`);
    await Promise.all(failedOnes.map((row) => this.send(taskId, row, true)));
    return this.views(taskId);
  }

  async views(taskId: string): Promise<DeliveryView[]> {
    return (await this.deps.table.forTask(taskId)).map((d) => d.view);
  }

  private async send(taskId: string, row: ClusterDelivery, retry: boolean): Promise<void> {
    const { clock, events } = this.deps;
    const { view } = row;
    events.emit(createEvent('delivery.started', { taskId, sink: view.sink, sinkType: view.type, key: view.key, retry }, clock.now()));
    const sink = sinkNamed(this.deps.config(), view.sink);
    let result: SinkResult;
    if (!sink) result = failed(view.sink, 0, `no sink named "${view.sink}" in deliveries.sinks any more`);
    else if (sink.type !== view.type) result = failed(view.sink, 0, `sink "${view.sink}" is a ${sink.type} sink now, not the ${view.type} sink it was`);
    else result = await (SENDERS[sink.type] as Send)(sink, row.content, view.key, { clock, projectDir: this.deps.projectDir, env: this.deps.env, signal: this.deps.signal });
    const at = clock.now();
    const settled: DeliveryView = { sink: view.sink, type: view.type, key: view.key, status: result.status, attempts: view.attempts + result.attempts, requestedAt: view.requestedAt, target: result.target, finishedAt: new Date(at).toISOString() };
    if (result.error !== undefined) settled.error = result.error;
    await this.put(taskId, { content: row.content, view: settled });
    if (settled.status === 'delivered') events.emit(createEvent('delivery.succeeded', { taskId, sink: view.sink, sinkType: view.type, key: view.key, target: settled.target ?? '', attempts: settled.attempts }, at));
    else events.emit(createEvent('delivery.failed', { taskId, sink: view.sink, sinkType: view.type, key: view.key, error: settled.error ?? 'failed', attempts: settled.attempts }, at));
  }

  private put(taskId: string, row: ClusterDelivery): Promise<void> {
    return this.deps.table.put({ key: row.view.key, taskId, sink: row.view.sink, status: row.view.status, attempts: row.view.attempts, view: row });
  }
}
