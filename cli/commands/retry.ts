// agentry task retry ID --delivery: POST /v1/tasks/:id/retry {"delivery":true}.
import type { DeliveryView } from '../../server/contract.js';
import { deliveryLines } from '../format/delivery.js';
import { apiClient, seg } from './api.js';
import { output } from './context.js';
import type { CommandContext } from './context.js';

export async function taskRetry(opts: CommandContext & { id: string; delivery: boolean }): Promise<void> {
  const result = await apiClient(opts).post<{ taskId: string; deliveries: DeliveryView[] }>(`/v1/tasks/${seg(opts.id)}/retry`, { delivery: opts.delivery });
  output(opts, result, () => [`task ${result.taskId}: deliveries retried`, ...deliveryLines(result.deliveries)]);
}
