// Approvals inbox: pending approvals, each with its output as the channel would show it, the
// reviews' issues, the gate's reasons and the deadline; decided ones on a second tab.
// Keys: j/k select, a approve, e edit, r reject, n the note.
import { useEffect, useState } from 'preact/hooks';
import { isApprovalEvent, useLiveTick } from '../live.js';
import { Link, TaskLink } from '../link.js';
import type { AnyApprovalView, Page, TaskView } from '../types.js';
import { PermissionCard } from './permission-card.js';
import { time } from '../format.js';
import { useData } from '../use-data.js';
import { ApprovalCard } from './approval-card.js';

export type ShortcutKey = 'a' | 'e' | 'r' | 'n';

export function Approvals({ tab }: { tab: 'pending' | 'decided' }) {
  const tick = useLiveTick((e) => isApprovalEvent(e.event.type));
  const pending = useData<Page<AnyApprovalView>>('/v1/approvals?status=pending', tick);
  const all = useData<Page<AnyApprovalView>>(tab === 'decided' ? '/v1/approvals' : undefined, tick);
  // A finished task keeps its decided approval in its view: the list shows those too.
  const tasks = useData<Page<TaskView>>(tab === 'decided' ? '/v1/tasks?limit=500' : undefined, tick);
  const decided = tab === 'decided' && all.data !== undefined && tasks.data !== undefined ? decidedOf(all.data.items, tasks.data.items) : undefined;
  return (
    <>
      <h1>Approvals</h1>
      <div role="tablist" aria-label="Approvals" class="tabs">
        <Link role="tab" to="/approvals" aria-selected={tab === 'pending'}>
          Pending ({pending.data?.items.length ?? 0})
        </Link>
        <Link role="tab" to="/approvals?tab=decided" aria-selected={tab === 'decided'}>
          Decided
        </Link>
      </div>
      {tab === 'pending' ? <Inbox list={pending.data?.items} error={pending.error} onDecided={pending.reload} /> : <Decided list={decided} />}
    </>
  );
}

function Inbox({ list, error, onDecided }: { list: AnyApprovalView[] | undefined; error: string | undefined; onDecided: () => void }) {
  const [selected, setSelected] = useState(0);
  const [key, setKey] = useState<{ k: ShortcutKey; n: number } | undefined>(undefined);
  const count = list?.length ?? 0;
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === 'j') setSelected((s) => Math.min(count - 1, s + 1));
      else if (e.key === 'k') setSelected((s) => Math.max(0, s - 1));
      else if (e.key === 'a' || e.key === 'e' || e.key === 'r' || e.key === 'n') setKey((p) => ({ k: e.key as ShortcutKey, n: (p?.n ?? 0) + 1 }));
      else return;
      e.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [count]);
  if (error !== undefined) return <p role="alert">{error}</p>;
  if (list === undefined) return <p>Loading…</p>;
  if (list.length === 0) return <p class="muted empty">Nothing waits for you.</p>;
  const sel = Math.min(selected, list.length - 1);
  return (
    <>
      <p class="muted small keys" aria-label="Keyboard shortcuts">
        <kbd>j</kbd>/<kbd>k</kbd> select · <kbd>a</kbd> approve · <kbd>e</kbd> edit · <kbd>r</kbd> reject · <kbd>n</kbd> note
      </p>
      <ul class="inbox" aria-label="Pending approvals">
        {list.map((a, i) => (
          <li key={a.id}>
            {a.kind === 'permission' ? (
              <PermissionCard approval={a} selected={i === sel} onSelect={() => setSelected(i)} onDecided={onDecided} />
            ) : (
              <ApprovalCard approval={a} selected={i === sel} shortcut={i === sel ? key : undefined} onSelect={() => setSelected(i)} onDecided={onDecided} />
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

function Decided({ list }: { list: AnyApprovalView[] | undefined }) {
  if (list === undefined) return <p>Loading…</p>;
  if (list.length === 0) return <p class="muted empty">No decided approvals yet.</p>;
  return (
    <table aria-label="Decided approvals">
      <thead>
        <tr>
          <th scope="col">about</th>
          <th scope="col">action</th>
          <th scope="col">decision</th>
          <th scope="col">by</th>
          <th scope="col">when</th>
          <th scope="col">note</th>
        </tr>
      </thead>
      <tbody>
        {list.map((a) => (
          <tr key={a.id}>
            <td>
              {a.kind === 'permission' ? (
                <span>Claude Code · {a.permission.tool}</span>
              ) : (
                <TaskLink id={a.taskId} />
              )}
            </td>
            <td>{a.action}</td>
            <td>
              <span class={`pill status-${a.status}`}>{a.status.replace('_', ' ')}</span>
            </td>
            <td>{a.decidedBy ?? '–'}</td>
            <td>{time(a.decidedAt)}</td>
            <td>{a.note ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Decided approvals, newest decision first, each once. */
function decidedOf(approvals: readonly AnyApprovalView[], tasks: readonly TaskView[]): AnyApprovalView[] {
  const byId = new Map<string, AnyApprovalView>();
  for (const a of [...approvals, ...tasks.flatMap((t) => (t.approval ? [t.approval] : []))]) if (a.status !== 'pending') byId.set(a.id, a);
  return [...byId.values()].sort((a, b) => (b.decidedAt ?? '').localeCompare(a.decidedAt ?? ''));
}
