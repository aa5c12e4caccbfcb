// The supervisor's API as the CLI reaches it: over the Unix socket found from the state folder.
import { createApiClient } from '../../server/api-client.js';
import type { ApiClient } from '../../server/api-client.js';
import type { CommandContext } from './context.js';

export function apiClient(ctx: CommandContext): ApiClient {
  return createApiClient({ stateDir: ctx.paths.stateDir }, { client: 'cli' });
}

/** `?a=1&b=x` from the defined entries only; '' when none. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const text = q.toString();
  return text === '' ? '' : `?${text}`;
}

/** A path segment for an id typed by a person. */
export function seg(id: string): string {
  return encodeURIComponent(id);
}
