// One request, start to finish: transport checks, routing, the handler, and the answer. Every
// failure, thrown or rejected, ends in sendError; nothing escapes to crash the process.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createContext } from './context.js';
import type { ServerDeps } from './context.js';
import { HttpError, sendError } from './errors-http.js';
import { sendJson, sendRaw } from './respond.js';
import { matchRoute, ROUTES, SIGNED_ROUTES } from './routes.js';
import type { Route } from './routes.js';

/** Requests handled at once (streams excluded); past it, 503 with Retry-After. */
const DEFAULT_MAX_IN_FLIGHT = 256;

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** A listener's transport checks (token, Host, Origin, session); throws HttpError to refuse. */
export interface RequestGuard {
  /** A route that authenticates each request itself (the GitHub webhook's HMAC) passes `signed`. */
  check(req: IncomingMessage, route?: { signed: boolean }): void;
}

export interface HandlerOptions {
  guard?: RequestGuard | undefined;
  /** The route table this listener serves; the full API by default. */
  routes?: readonly Route[];
  maxInFlight?: number | undefined;
}

export function createRequestHandler(deps: ServerDeps, opts: HandlerOptions = {}): RequestListener {
  let inFlight = 0;
  const maxInFlight = opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  const routes = opts.routes ?? ROUTES;
  /** Requests in flight per connection (pipelining), so one client cannot take every slot. */
  const perConnection = new WeakMap<Socket, number>();
  const refuse = (res: ServerResponse, message: string): void => sendError(res, new HttpError('OVERLOADED', message), deps.logger, deps.refusals);
  return (req, res) => {
    if (inFlight >= maxInFlight) return refuse(res, `${inFlight} requests are in flight; retry shortly`);
    const socket = req.socket;
    const mine = perConnection.get(socket) ?? 0;
    if (mine >= deps.limits.maxPerConnection) return refuse(res, `${mine} requests are in flight on this connection (limit ${deps.limits.maxPerConnection}); retry shortly`);
    inFlight++;
    perConnection.set(socket, mine + 1);
    handle(deps, opts.guard, routes, req, res)
      .catch((err: unknown) => sendError(res, err, deps.logger, deps.refusals))
      .finally(() => {
        inFlight--;
        perConnection.set(socket, (perConnection.get(socket) ?? 1) - 1);
      });
  };
}

async function handle(deps: ServerDeps, guard: RequestGuard | undefined, routes: readonly Route[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  guard?.check(req, { signed: SIGNED_ROUTES.has(path) });
  if (!url.startsWith('/')) throw new HttpError('INVALID_INPUT', 'the request target must be a path');
  const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
  const match = matchRoute(req.method ?? '', path, routes);
  const reply = await match.handler(createContext(deps, req, res, match.params, query));
  if (reply === 'streamed') return;
  if ('raw' in reply) sendRaw(res, reply.status, reply.raw, reply.headers);
  else sendJson(res, reply.status, reply.json, reply.headers);
}
