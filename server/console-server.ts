// The console's own loopback listener (127.0.0.1 only): `/console/auth?token=` turns a one-time
// link into a session cookie, `/console/*` serves the page, `/v1/*` is the API behind the
// console guard (session cookie, exact Origin, CSRF token). Everything else is 404.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { ServerDeps } from './context.js';
import { cookieNameFor, createConsoleAuth, sessionCookie } from './console-auth.js';
import { checkHost, consoleOrigin, createConsoleGuard } from './console-guard.js';
import { SECURITY_HEADERS, defaultConsoleDir, sendConsoleFile } from './console-static.js';
import { HttpError, sendError } from './errors-http.js';
import { createRequestHandler } from './request-handler.js';
import type { RequestGuard, RequestListener } from './request-handler.js';
import { CONSOLE_ROUTES } from './routes.js';
import { listenTcp } from './tcp-listen.js';

export interface ConsoleOptions {
  /** 0 picks a free port. */
  port: number;
  /** The built console; defaults to dist/console/. */
  dir?: string;
}

/** Binds the console listener, wiring its sign-in state into `deps`; resolves the server and port. */
export async function listenConsole(deps: ServerDeps, opts: ConsoleOptions, newServer: (listener: RequestListener) => Server, maxInFlight?: number): Promise<{ server: Server; port: number }> {
  let cookieName = cookieNameFor(opts.port);
  const auth = createConsoleAuth(deps.now, () => cookieName);
  deps.console = { auth, origin: undefined };
  const root = opts.dir ?? defaultConsoleDir();
  let guard: RequestGuard | undefined;
  let host = '';
  const api = createRequestHandler(deps, {
    guard: {
      check(req) {
        if (!guard) throw new HttpError('OVERLOADED', 'the console is still starting');
        guard.check(req);
      },
    },
    routes: CONSOLE_ROUTES,
    maxInFlight,
  });
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path.startsWith('/v1/')) return api(req, res);
    pages(req, res).catch((err: unknown) => sendError(res, err, deps.logger));
  };
  const pages = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    checkHost(req, host);
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const method = req.method ?? '';
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError('METHOD_NOT_ALLOWED', `${method} is not allowed here`, { headers: { allow: 'GET, HEAD' } });
    if (url.pathname === '/' || url.pathname === '/console') return redirect(res, '/console/');
    if (url.pathname === '/console/auth') return signIn(res, url.searchParams.get('token') ?? '');
    if (!url.pathname.startsWith('/console/')) throw new HttpError('NOT_FOUND', 'the console lives under /console/');
    await sendConsoleFile(res, root, decodeURIComponent(url.pathname.slice('/console/'.length)), method === 'HEAD');
  };
  const signIn = (res: ServerResponse, token: string): void => {
    const redeemed = auth.redeem(token);
    if (redeemed === undefined) {
      sendPage(res, 401, 'This sign-in link was already used or has expired. Run <code>agentry console</code> for a new one.');
      return;
    }
    // 303 to the page: the token leaves the address bar and the history at once.
    res.writeHead(303, { ...SECURITY_HEADERS, location: '/console/', 'set-cookie': sessionCookie(cookieName, redeemed.sessionId), 'cache-control': 'no-store', 'content-length': '0' });
    res.end();
  };
  // The API's server settings (timeouts, 100-continue by the route), the same limits.
  const server = newServer(listener);
  const port = await listenTcp(server, '127.0.0.1', opts.port);
  ({ host } = consoleOrigin(port));
  cookieName = cookieNameFor(port);
  deps.console.origin = consoleOrigin(port).origin;
  guard = createConsoleGuard(auth, port);
  return { server, port };
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { ...SECURITY_HEADERS, location, 'content-length': '0' });
  res.end();
}

function sendPage(res: ServerResponse, status: number, html: string): void {
  const body = Buffer.from(`<!doctype html><meta charset="utf-8"><title>agentry console</title><p>${html}</p>\n`);
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': String(body.length) });
  res.end(body);
}
