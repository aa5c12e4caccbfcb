// One line per supervisor event: sequence, time, type, task, and the remaining scalar fields.
import type { SupervisorEvent } from '../../machines/events.js';
import type { FollowedEvent } from '../../server/api-client.js';
import { clip, table } from './table.js';
import { clock } from './time.js';

const SKIP = new Set(['type', 'at', 'taskId']);

export function taskOf(event: SupervisorEvent): string {
  const id = (event as unknown as Record<string, unknown>)['taskId'];
  return typeof id === 'string' ? id : '-';
}

/** `workflow=content priority=P2`: scalar fields and short lists, clipped. */
export function details(event: SupervisorEvent, max = 80): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(event as unknown as Record<string, unknown>)) {
    if (SKIP.has(key) || value === undefined) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') parts.push(`${key}=${String(value)}`);
    else if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) parts.push(`${key}=${value.join(',')}`);
  }
  return clip(parts.join(' '), max);
}

/** A single line for `events --follow`. */
export function eventLine(e: FollowedEvent): string {
  return [`#${e.seq}`, clock(e.event.at), e.event.type, taskOf(e.event), details(e.event)].join('  ').trimEnd();
}

/** The aligned listing for `events`. */
export function eventTable(events: readonly FollowedEvent[]): string[] {
  if (events.length === 0) return ['no events'];
  return table(
    [
      { header: 'SEQ', value: (e: FollowedEvent) => String(e.seq), align: 'right' },
      { header: 'TIME', value: (e) => clock(e.event.at) },
      { header: 'TYPE', value: (e) => e.event.type },
      { header: 'TASK', value: (e) => taskOf(e.event) },
      { header: 'DETAILS', value: (e) => details(e.event) },
    ],
    events,
    '',
  );
}
