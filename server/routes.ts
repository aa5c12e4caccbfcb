// The route table: the whole HTTP surface in one place (DESIGN §9), matched segment by segment.
import type { Handler } from './context.js';
import { HttpError } from './errors-http.js';
import { consoleLink, consoleSession, setMode } from './console-handlers.js';
import { githubWebhook } from './github-webhook.js';
import * as h from './handlers.js';
import { permissionHook } from './permission-hook.js';

type Method = 'GET' | 'POST';

export interface Route {
  method: Method;
  /** Segments; `:name` captures one segment. */
  pattern: string;
  handler: Handler;
}

const GITHUB_WEBHOOK = '/v1/webhooks/github';
const PERMISSION_HOOK = '/v1/hooks/PermissionRequest';

/** Routes that authenticate each request by its own signature (HMAC), so TCP asks no bearer token. */
export const SIGNED_ROUTES: ReadonlySet<string> = new Set([GITHUB_WEBHOOK]);

export const ROUTES: readonly Route[] = [
  { method: 'GET', pattern: '/v1/status', handler: h.getStatus },
  { method: 'GET', pattern: '/v1/tasks', handler: h.listTasks },
  { method: 'POST', pattern: '/v1/tasks', handler: h.createTask },
  { method: 'GET', pattern: '/v1/tasks/:id', handler: h.getTask },
  { method: 'POST', pattern: '/v1/tasks/:id/cancel', handler: h.cancelTask },
  { method: 'POST', pattern: '/v1/tasks/:id/retry', handler: h.retryTask },
  { method: 'GET', pattern: '/v1/approvals', handler: h.listApprovals },
  { method: 'POST', pattern: '/v1/approvals/:id/approve', handler: h.approve },
  { method: 'POST', pattern: '/v1/approvals/:id/reject', handler: h.reject },
  { method: 'POST', pattern: '/v1/domains/:name/resume', handler: h.resumeDomain },
  { method: 'GET', pattern: '/v1/export', handler: h.exportTasks },
  { method: 'GET', pattern: '/v1/events', handler: h.listEvents },
  { method: 'POST', pattern: '/v1/events', handler: h.emitEvent },
  // Before the generic hook route: the permission prompt waits for a person (see permission-hook.ts).
  { method: 'POST', pattern: PERMISSION_HOOK, handler: permissionHook },
  { method: 'POST', pattern: '/v1/hooks/:event', handler: h.hook },
  { method: 'GET', pattern: '/v1/learn', handler: h.learn },
  { method: 'POST', pattern: GITHUB_WEBHOOK, handler: githubWebhook },
  { method: 'POST', pattern: '/v1/mode', handler: setMode },
  { method: 'POST', pattern: '/v1/console/link', handler: consoleLink },
];

/** Routes a browser has no business calling: Claude Code hooks, webhooks, minting sign-in links. */
const NOT_FOR_BROWSERS = new Set(['/v1/hooks/:event', PERMISSION_HOOK, GITHUB_WEBHOOK, '/v1/console/link']);

/** What the console listener serves: the API less the non-browser routes, plus the session. */
export const CONSOLE_ROUTES: readonly Route[] = [
  ...ROUTES.filter((r) => !NOT_FOR_BROWSERS.has(r.pattern)),
  { method: 'GET', pattern: '/v1/console/session', handler: consoleSession },
];

export interface Match {
  handler: Handler;
  params: ReadonlyMap<string, string>;
}

/** The handler for `method` on `path`; 404 for an unknown path, 405 (with Allow) for a wrong method. */
export function matchRoute(method: string, path: string, routes: readonly Route[] = ROUTES): Match {
  const segments = splitPath(path);
  const allowed: Method[] = [];
  for (const route of routes) {
    const params = matchPattern(route.pattern, segments);
    if (params === undefined) continue;
    if (route.method === method) return { handler: route.handler, params };
    allowed.push(route.method);
  }
  if (allowed.length === 0) throw new HttpError('NOT_FOUND', `no route ${JSON.stringify(path.slice(0, 200))}`);
  throw new HttpError('METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; use ${allowed.join(' or ')}`, {
    headers: { allow: allowed.join(', ') },
  });
}

function splitPath(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.split('/').slice(1).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new HttpError('INVALID_INPUT', 'the request path has a malformed %-escape');
    }
  });
}

function matchPattern(pattern: string, segments: readonly string[]): Map<string, string> | undefined {
  const parts = pattern.split('/').slice(1);
  if (parts.length !== segments.length) return undefined;
  const params = new Map<string, string>();
  for (const [i, part] of parts.entries()) {
    const seg = segments[i] ?? '';
    if (part.startsWith(':')) {
      if (seg === '') return undefined;
      params.set(part.slice(1), seg);
    } else if (part !== seg) return undefined;
  }
  return params;
}
