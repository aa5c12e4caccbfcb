// agentry domain resume NAME: lets a paused domain's actions run again.
import { apiClient, seg } from './api.js';
import { output } from './context.js';
import type { CommandContext } from './context.js';

export async function domainResume(opts: CommandContext & { name: string }): Promise<void> {
  const result = await apiClient(opts).post<{ domain: string; resumed: boolean }>(`/v1/domains/${seg(opts.name)}/resume`);
  output(opts, result, () => [result.resumed ? `resumed domain ${result.domain}` : `domain ${result.domain} was not paused`]);
}
