// agentry learn [--all] [--verbose]: GET /v1/learn, the tuned values with their evidence and the rule behind each.
import { learnLines } from '../format/learn.js';
import { apiClient } from './api.js';
import { output, terminalWidth } from './context.js';
import type { CommandContext } from './context.js';

export async function learn(opts: CommandContext & { all: boolean; verbose: boolean }): Promise<void> {
  const report = await apiClient(opts).get<unknown>('/v1/learn');
  output(opts, report, () => learnLines(report, { all: opts.all, verbose: opts.verbose, width: terminalWidth(opts) ?? 100 }));
}
