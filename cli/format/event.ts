// One line per supervisor event: sequence, time, type, task, and the remaining scalar fields,
// their numbers rounded for people (--json keeps them exact). Nothing is cut: at a given width,
// details that do not fit continue on the next lines under the DETAILS column.
import type { SupervisorEvent } from '../../machines/events.js';
import type { FollowedEvent } from '../../server/api-client.js';
import { humanValue } from './numbers.js';
import { table } from './table.js';
import { clock } from './time.js';

const SKIP = new Set(['type', 'at', 'taskId']);
/** Fields the type and task already say, or that only matter to machines. */
const QUIET = new Set(['stepKey']);
/** Names that read better for a person once the value carries its unit. */
const SHOWN_AS: Record<string, string> = { minutes: 'took' };

export function taskOf(event: SupervisorEvent): string {
  const id = (event as unknown as Record<string, unknown>)['taskId'];
  return typeof id === 'string' ? id : '-';
}

/** `workflow=content priority=P2 costUsd=$0.00038`: scalar fields and short lists; false flags are left out. */
export function details(event: SupervisorEvent): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(event as unknown as Record<string, unknown>)) {
    if (SKIP.has(key) || QUIET.has(key) || value === undefined || value === false) continue;
    if (typeof value === 'number') parts.push(`${SHOWN_AS[key] ?? key}=${humanValue(key, value)}`);
    else if (typeof value === 'string' || typeof value === 'boolean') parts.push(`${key}=${String(value)}`);
    else if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) parts.push(`${key}=${value.join(',')}`);
  }
  return parts.join(' ');
}

/** `text` broken at spaces into pieces of at most `room` columns (a longer word is split). */
export function wrap(text: string, room: number): string[] {
  if (text.length <= room) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let w = word;
    while (w.length > room) {
      if (line !== '') lines.push(line);
      line = '';
      lines.push(w.slice(0, room));
      w = w.slice(room);
    }
    if (line === '') line = w;
    else if (line.length + 1 + w.length <= room) line += ` ${w}`;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** A single line for `events --follow` (wrapped under the details at `width`, when given). */
export function eventLine(e: FollowedEvent, width?: number): string {
  const head = [`#${e.seq}`, clock(e.event.at), e.event.type, taskOf(e.event)].join('  ');
  const text = details(e.event);
  if (text === '') return head;
  if (width === undefined) return `${head}  ${text}`;
  const room = Math.max(20, width - head.length - 2);
  const [first = '', ...rest] = wrap(text, room);
  return [`${head}  ${first}`, ...rest.map((l) => `${' '.repeat(head.length + 2)}${l}`)].join('\n');
}

/** The aligned listing for `events`; at `width`, long details wrap under their column. */
export function eventTable(events: readonly FollowedEvent[], width?: number): string[] {
  if (events.length === 0) return ['no events'];
  const lines = table(
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
  if (width === undefined) return lines;
  const column = (lines[0] ?? '').indexOf('DETAILS');
  const room = Math.max(20, width - column);
  return lines.flatMap((line, i) => {
    if (i === 0 || line.length <= width) return [line];
    const [first = '', ...rest] = wrap(line.slice(column), room);
    return [`${line.slice(0, column)}${first}`, ...rest.map((l) => `${' '.repeat(column)}${l}`)];
  });
}
