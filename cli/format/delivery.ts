// Deliveries for people: one line per sink with its state, target and error.
import type { DeliveryView, StatusView } from '../../server/contract.js';
import type { Style } from './style.js';
import { clip, table } from './table.js';

export function deliveryLines(deliveries: readonly DeliveryView[]): string[] {
  if (deliveries.length === 0) return ['no deliveries'];
  return table(
    [
      { header: 'SINK', value: (d: DeliveryView) => `${d.sink} (${d.type})` },
      { header: 'STATUS', value: (d) => d.status },
      { header: 'TRIES', value: (d) => String(d.attempts), align: 'right' },
      { header: 'TARGET / ERROR', value: (d) => (d.status === 'failed' ? (d.error ?? 'failed') : (d.target ?? '-')) },
    ],
    deliveries,
  );
}

/** The status dashboard's deliveries section: today's outcomes, then what is pending or failed. */
export function deliveriesSection(d: StatusView['deliveries'], s: Style): string[] {
  if (d === undefined) return [];
  const head = `${s.bold('Deliveries')}  ${d.deliveredToday} delivered today, ${d.failedToday} failed, ${d.pending} pending`;
  const failed = d.failed.slice(0, 10).map((f) => `  ${s.red('failed')} ${f.taskId} → ${f.sink}: ${clip(f.error, 80)}  (agentry task retry ${f.taskId} --delivery)`);
  return [head, ...failed];
}
