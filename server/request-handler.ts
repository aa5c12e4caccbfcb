// One request, start to finish: transport checks, routing, the handler, and the answer. Every
// failure, thrown or rejected, ends in sendError; nothing escapes to crash the process.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createContext } from './context.js';
import type { ServerDeps } from './context.js';
import { HttpError, sendError } from './errors-http.js';
import { sendJson, sendRaw } from './respond.js';
import { matchRoute } from './routes.js';
import type { TcpGuard } from './security.js';

/** Requests handled at once (streams excluded); past it, 503 with Retry-After. */
export const DEFAULT_MAX_IN_FLIGHT = 256;

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export function createRequestHandler(deps: ServerDeps, guard?: TcpGuard, maxInFlight = DEFAULT_MAX_IN_FLIGHT): RequestListener {
  let inFlight = 0;
  return (req, res) => {
    if (inFlight >= maxInFlight) {
      sendError(res, new HttpError('OVERLOADED', `${inFlight} requests are in flight; retry shortly`), deps.logger);
      return;
    }
    inFlight++;
    handle(deps, guard, req, res)
      .catch((err: unknown) => sendError(res, err, deps.logger))
      .finally(() => inFlight--);
  };
}

async function handle(deps: ServerDeps, guard: TcpGuard | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  guard?.check(req);
  const url = req.url ?? '';
  if (!url.startsWith('/')) throw new HttpError('INVALID_INPUT', 'the request target must be a path');
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  const match = matchRoute(req.method ?? '', path);
  const reply = await match.handler(createContext(deps, req, res, match.params, query));
  if (reply === 'streamed') return;
  if ('raw' in reply) sendRaw(res, reply.status, reply.raw, reply.headers);
  else sendJson(res, reply.status, reply.json, reply.headers);
}
