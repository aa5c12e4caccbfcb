// The shell: sign-in check, the navigation, the live connection, and the page for the path.
import { useEffect, useState } from 'preact/hooks';
import { startSession } from './api.js';
import { isApprovalEvent, startLive, useConnected, useLiveTick } from './live.js';
import { Link } from './link.js';
import { useRoute } from './router.js';
import type { AnyApprovalView, Page as ListPage } from './types.js';
import { useData } from './use-data.js';
import { Dashboard } from './pages/dashboard.js';
import { Approvals } from './pages/approvals.js';
import { Tasks } from './pages/tasks.js';
import { TaskDetail } from './pages/task-detail.js';
import { Events } from './pages/events.js';
import { Learning } from './pages/learning.js';

const NAV = [
  { to: '/', label: 'Dashboard' },
  { to: '/approvals', label: 'Approvals' },
  { to: '/tasks', label: 'Tasks' },
  { to: '/events', label: 'Events' },
  { to: '/learning', label: 'Learning' },
] as const;

export function App() {
  const [state, setState] = useState<'loading' | 'in' | 'out' | 'error'>('loading');
  useEffect(() => {
    startSession()
      .then((ok) => {
        setState(ok ? 'in' : 'out');
        if (ok) startLive();
      })
      .catch(() => setState('error'));
  }, []);
  if (state === 'loading') return <p class="center">Loading…</p>;
  if (state === 'out') {
    return (
      <main class="center signin" aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to the agentry console</h1>
        <p>
          Run <code>agentry console</code> in the project: it opens a one-time sign-in link.
        </p>
      </main>
    );
  }
  if (state === 'error') return <p class="center" role="alert">The supervisor cannot be reached. Is <code>agentry start</code> running?</p>;
  return <Shell />;
}

function Shell() {
  const { path, query } = useRoute();
  const connected = useConnected();
  const tick = useLiveTick((e) => isApprovalEvent(e.event.type));
  const pending = useData<ListPage<AnyApprovalView>>('/v1/approvals?status=pending', tick).data?.items.length ?? 0;
  const active = (to: string): boolean => (to === '/' ? path === '/' : path.startsWith(to));
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <span class="brand">agentry</span>
        <nav aria-label="Main">
          {NAV.map((n) => (
            <Link key={n.to} to={n.to} aria-current={active(n.to) ? 'page' : undefined}>
              {n.label}
              {n.to === '/approvals' && pending > 0 && (
                <span class="badge" aria-label={`${pending} pending`}>
                  {pending}
                </span>
              )}
            </Link>
          ))}
        </nav>
        <span class={`live ${connected ? 'up' : 'down'}`} role="status">
          {connected ? 'live' : 'reconnecting…'}
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        <Page path={path} query={query} />
      </main>
    </>
  );
}

function Page({ path, query }: { path: string; query: URLSearchParams }) {
  if (path === '/') return <Dashboard />;
  if (path.startsWith('/approvals')) return <Approvals tab={query.get('tab') === 'decided' ? 'decided' : 'pending'} />;
  const detail = /^\/tasks\/([^/]+)$/.exec(path);
  if (detail?.[1] !== undefined) return <TaskDetail id={decodeURIComponent(detail[1])} />;
  if (path.startsWith('/tasks')) return <Tasks query={query} />;
  if (path.startsWith('/events')) return <Events />;
  if (path.startsWith('/learning')) return <Learning />;
  return <p>No page at {path}.</p>;
}
