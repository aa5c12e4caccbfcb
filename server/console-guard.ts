// The console listener's checks on every API request: the exact Host (against DNS rebinding),
// the Origin rule (exactly the console's own origin, and nothing else), a live session cookie,
// and on every state-changing request that same Origin plus the session's CSRF token.
import type { IncomingMessage } from 'node:http';
import type { ConsoleAuth } from './console-auth.js';
import { HttpError } from './errors-http.js';
import type { RequestGuard } from './request-handler.js';

const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/** The console's origin and Host value for a bound port (always 127.0.0.1). */
export function consoleOrigin(port: number): { origin: string; host: string } {
  return { origin: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}` };
}

/** Throws 403 unless the request names our Host exactly. */
export function checkHost(req: IncomingMessage, host: string): void {
  if (req.headers.host?.toLowerCase() !== host) {
    throw new HttpError('FORBIDDEN', `Host ${JSON.stringify(req.headers.host ?? '')} is not allowed; open the console at http://${host}/console/`);
  }
}

export function createConsoleGuard(auth: ConsoleAuth, port: number): RequestGuard {
  const { origin, host } = consoleOrigin(port);
  return {
    check(req) {
      checkHost(req, host);
      const given = req.headers.origin;
      if (given !== undefined && given !== origin) throw new HttpError('FORBIDDEN', `Origin ${JSON.stringify(given)} is not the console's (${origin})`);
      const session = auth.sessionOf(req.headers.cookie);
      if (session === undefined) {
        throw new HttpError('UNAUTHORIZED', 'no console session: run `agentry console` for a sign-in link');
      }
      if (SAFE_METHODS.has(req.method ?? '')) return;
      // Browsers always send Origin on a POST; its absence means this is not our page.
      if (given === undefined) throw new HttpError('FORBIDDEN', `a state-changing request needs Origin ${origin}`);
      const csrf = req.headers[CSRF_HEADER];
      if (!auth.csrfMatches(session, typeof csrf === 'string' ? csrf : undefined)) {
        throw new HttpError('FORBIDDEN', `the ${CSRF_HEADER} header is missing or wrong; reload the console`);
      }
    },
  };
}
