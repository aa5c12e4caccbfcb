// Task history: filters (status, workflow, since), search, and cursor pagination; the filters
// live in the address, so a filtered view can be bookmarked and the back button works.
import { useState } from 'preact/hooks';
import { clip, time, usd } from '../format.js';
import { useLiveTick } from '../live.js';
import { TaskLink } from '../link.js';
import { navigate } from '../router.js';
import type { Page, TaskStatus, TaskView } from '../types.js';
import { useData } from '../use-data.js';

const STATUSES: readonly TaskStatus[] = ['pending', 'blocked', 'running', 'reviewing', 'awaiting_approval', 'completed', 'rejected', 'failed'];
const PAGE = 25;
const FILTERS = ['status', 'workflow', 'since', 'search'] as const;

export function Tasks({ query }: { query: URLSearchParams }) {
  const tick = useLiveTick((e) => e.event.type.startsWith('task.'));
  const q = new URLSearchParams();
  for (const f of FILTERS) {
    const v = query.get(f);
    if (v) q.set(f, f === 'since' ? new Date(`${v}T00:00:00Z`).toISOString() : v);
  }
  q.set('limit', String(PAGE));
  const after = query.get('after');
  if (after) q.set('after', after);
  const { data: page, error } = useData<Page<TaskView>>(`/v1/tasks?${q.toString()}`, tick);
  return (
    <>
      <h1>Tasks</h1>
      <Filters query={query} />
      {error !== undefined && <p role="alert">{error}</p>}
      {page === undefined ? (
        <p>Loading…</p>
      ) : page.items.length === 0 ? (
        <p class="muted empty">No task matches.</p>
      ) : (
        <table aria-label="Tasks">
          <thead>
            <tr>
              <th scope="col">task</th>
              <th scope="col">workflow</th>
              <th scope="col">status</th>
              <th scope="col">priority</th>
              <th scope="col">cost</th>
              <th scope="col">created</th>
              <th scope="col">about</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((t) => (
              <tr key={t.id}>
                <td>
                  <TaskLink id={t.id} />
                </td>
                <td>{t.workflow}</td>
                <td>
                  <span class={`pill status-${t.status}`}>{t.status.replace('_', ' ')}</span>
                </td>
                <td>{t.priority}</td>
                <td>{usd(t.costUsd)}</td>
                <td>{time(t.createdAt)}</td>
                <td class="muted">{clip(summary(t.input), 60)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label="Pages">
        {after && (
          <button type="button" onClick={() => history.back()}>
            ← Newer
          </button>
        )}
        {typeof page?.nextCursor === 'string' && (
          <button type="button" onClick={() => go(query, { after: page.nextCursor ?? '' })}>
            Older →
          </button>
        )}
      </nav>
    </>
  );
}

function summary(input: unknown): string {
  if (typeof input !== 'object' || input === null) return '';
  const i = input as Record<string, unknown>;
  const first = ['goal', 'topic', 'company', 'lead', 'title'].map((k) => i[k]).find((v) => typeof v === 'string');
  return typeof first === 'string' ? first : JSON.stringify(input);
}

function go(query: URLSearchParams, change: Record<string, string>): void {
  const next = new URLSearchParams(query);
  for (const [k, v] of Object.entries(change)) {
    if (v === '') next.delete(k);
    else next.set(k, v);
  }
  if (!('after' in change)) next.delete('after');
  const s = next.toString();
  navigate(`/tasks${s === '' ? '' : `?${s}`}`);
}

function Filters({ query }: { query: URLSearchParams }) {
  const [search, setSearch] = useState(query.get('search') ?? '');
  return (
    <form
      class="filters"
      role="search"
      aria-label="Filter tasks"
      onSubmit={(e) => {
        e.preventDefault();
        go(query, { search });
      }}
    >
      <label>
        Status
        <select value={query.get('status') ?? ''} onChange={(e) => go(query, { status: e.currentTarget.value })}>
          <option value="">any</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.replace('_', ' ')}
            </option>
          ))}
        </select>
      </label>
      <label>
        Workflow
        <input type="text" value={query.get('workflow') ?? ''} onChange={(e) => go(query, { workflow: e.currentTarget.value.trim() })} />
      </label>
      <label>
        Since
        <input type="date" value={query.get('since') ?? ''} onChange={(e) => go(query, { since: e.currentTarget.value })} />
      </label>
      <label>
        Search
        <input type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
      </label>
      <button type="submit">Search</button>
    </form>
  );
}
