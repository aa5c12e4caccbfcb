// agentry export [--since DATE]: every task created since DATE, oldest first, as NDJSON on
// stdout (one task view a line, the same JSON as task show --raw).
import { apiClient, query } from './api.js';
import type { CommandContext } from './context.js';

export async function exportTasks(opts: CommandContext & { since: string | undefined }): Promise<void> {
  const text = await apiClient(opts).getText(`/v1/export${query({ since: opts.since })}`);
  opts.io.stdout.write(text);
}
