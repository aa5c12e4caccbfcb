// agentry events [--follow] | event emit TYPE --data JSON: the event log, live or recent.
import type { FollowedEvent } from '../../server/api-client.js';
import type { EmitEventRequest, EmitEventResult } from '../../server/contract.js';
import { ExitError, usageError } from '../exit-error.js';
import { eventLine, eventTable } from '../format/event.js';
import { apiClient, query } from './api.js';
import { note, output, terminalWidth } from './context.js';
import type { CommandContext } from './context.js';

export interface EventsOptions extends CommandContext {
  follow: boolean;
  after: number | undefined;
  limit: number | undefined;
  task: string | undefined;
}

export async function events(opts: EventsOptions): Promise<void> {
  if (opts.follow) return follow(opts);
  const list = await apiClient(opts).get<FollowedEvent[]>(`/v1/events${query({ after: opts.after, limit: opts.limit, task: opts.task })}`);
  output(opts, list, () => eventTable(list, terminalWidth(opts)));
}

/** One line per event (NDJSON with --json) until Ctrl-C; the stream ending on its own is a failure. */
async function follow(opts: EventsOptions): Promise<void> {
  if (opts.limit !== undefined) throw usageError('--limit does not apply to --follow');
  const signal = opts.io.signal ?? new AbortController().signal;
  const client = apiClient(opts);
  if (!opts.json && opts.io.stderr.isTTY === true) note(opts, `following events on ${client.where} (Ctrl-C to stop)`);
  await client.followEvents(
    opts.after,
    (e) => void opts.io.stdout.write(`${opts.json ? JSON.stringify(e) : eventLine(e, terminalWidth(opts))}\n`),
    signal,
    opts.task,
  );
  if (!signal.aborted) throw new ExitError(1, 'the event stream ended: the supervisor stopped', { code: 'STREAM_ENDED' });
}

export interface EventEmitOptions extends CommandContext {
  type: string;
  data: Record<string, unknown>;
  id: string | undefined;
}

export async function eventEmit(opts: EventEmitOptions): Promise<void> {
  const body: EmitEventRequest = { type: opts.type, data: opts.data, ...(opts.id !== undefined && { id: opts.id }) };
  const result = await apiClient(opts).post<EmitEventResult>('/v1/events', body);
  output(opts, result, () => [emitLine(opts.type, result)]);
}

function emitLine(type: string, r: EmitEventResult): string {
  if (r.duplicate) return `event ${r.eventId} (${type}) was already received; ignored this time`;
  const tasks = r.taskIds.length > 0 ? `: tasks ${r.taskIds.join(', ')}` : '';
  return `event ${r.eventId} (${type}) ${r.outcome}${tasks}`;
}
