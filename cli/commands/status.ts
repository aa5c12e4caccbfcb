// agentry status: GET /v1/status, shown as the dashboard (or the raw view with --json).
import type { StatusView } from '../../server/contract.js';
import { statusLines } from '../format/status.js';
import { apiClient } from './api.js';
import { output, terminalWidth } from './context.js';
import type { CommandContext } from './context.js';

export async function status(opts: CommandContext): Promise<void> {
  const view = await apiClient(opts).get<StatusView>('/v1/status');
  output(opts, view, () => statusLines(view, opts.now(), opts.color, terminalWidth(opts) ?? 100));
}
