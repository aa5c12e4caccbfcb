// Events: the log as it happens, filterable by type and by task.
import { useState } from 'preact/hooks';
import { time } from '../format.js';
import { recentEvents, useLiveTick } from '../live.js';
import type { FollowedEvent } from '../types.js';
import { useData } from '../use-data.js';

const SHOWN = 300;

/** The task an event is about, if any. */
export function taskOf(e: FollowedEvent['event']): string | undefined {
  return 'taskId' in e && typeof e.taskId === 'string' ? e.taskId : undefined;
}

function detail(e: FollowedEvent['event']): string {
  const rest: Record<string, unknown> = { ...e };
  delete rest['type'];
  delete rest['at'];
  delete rest['taskId'];
  return Object.entries(rest)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

export function Events() {
  useLiveTick();
  const backlog = useData<FollowedEvent[]>('/v1/events?limit=200').data ?? [];
  const [type, setType] = useState('');
  const [task, setTask] = useState('');
  const seen = new Map<number, FollowedEvent>();
  for (const e of [...backlog, ...recentEvents()]) seen.set(e.seq, e);
  const all = [...seen.values()].sort((a, b) => b.seq - a.seq);
  const shown = all.filter((e) => (type === '' || e.event.type.startsWith(type)) && (task === '' || (taskOf(e.event) ?? '').includes(task))).slice(0, SHOWN);
  return (
    <>
      <h1>Events</h1>
      <form class="filters" aria-label="Filter events" onSubmit={(e) => e.preventDefault()}>
        <label>
          Type starts with
          <input type="text" value={type} placeholder="approval." onInput={(e) => setType(e.currentTarget.value)} />
        </label>
        <label>
          Task
          <input type="text" value={task} onInput={(e) => setTask(e.currentTarget.value)} />
        </label>
      </form>
      <table aria-label="Events" class="events">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">at</th>
            <th scope="col">type</th>
            <th scope="col">task</th>
            <th scope="col">detail</th>
          </tr>
        </thead>
        <tbody aria-live="polite">
          {shown.map((e) => (
            <tr key={e.seq}>
              <td>{e.seq}</td>
              <td class="nowrap">{time(e.event.at)}</td>
              <td>
                <code>{e.event.type}</code>
              </td>
              <td>{taskOf(e.event) ?? ''}</td>
              <td class="muted detail">{detail(e.event)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
