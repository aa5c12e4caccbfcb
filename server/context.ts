// What a route handler gets, and what it answers. Handlers never write the response themselves,
// except the event stream, which says so by answering 'streamed'.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../core/logger.js';
import { validate } from '../schemas/registry.js';
import type { SchemaName } from '../schemas/registry.js';
import { parseJson, readBody } from './body.js';
import type { SupervisorApi } from './contract.js';
import type { ConsoleAuth } from './console-auth.js';
import type { DeliveryStore } from './delivery-store.js';
import { HttpError } from './errors-http.js';
import type { OverloadLog, ServerLimits } from './limits.js';

export interface ServerDeps {
  api: SupervisorApi;
  logger: Logger;
  maxBodyBytes: number;
  githubSecret: string | undefined;
  deliveryStore: DeliveryStore;
  /** Ms since the epoch. */
  now: () => number;
  /** Open event streams, ended when the server closes. */
  streams: Set<ServerResponse>;
  heartbeatMs: number;
  /** Webhook deliveries being processed right now. */
  deliveriesInFlight: Set<string>;
  limits: ServerLimits;
  /** Request bodies being read right now (capped at limits.maxBodies). */
  bodies: { active: number };
  /** Overload refusals, one warn line per interval. */
  refusals: OverloadLog;
  /** agentry.config.json, which the mode switch writes. */
  configFile?: string | undefined;
  /** The console's sign-in state; `origin` is set once its listener is bound. */
  console?: { auth: ConsoleAuth; origin: string | undefined } | undefined;
}

export type Reply =
  | { status: number; json: unknown; headers?: Record<string, string> }
  | { status: number; raw: string; headers?: Record<string, string> }
  | 'streamed';

export interface RouteContext {
  deps: ServerDeps;
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  /** A path parameter such as `:id`, already URI-decoded. */
  param(name: string): string;
  /** The raw body, size-limited (to `max` bytes when given, else the server's limit). */
  body(max?: number): Promise<Buffer>;
  /** The body parsed as JSON and checked against `schema`; an empty body becomes `empty` if given. */
  json<T>(schema: SchemaName, empty?: unknown): Promise<T>;
}

export type Handler = (ctx: RouteContext) => Promise<Reply>;

export function createContext(
  deps: ServerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  params: ReadonlyMap<string, string>,
  query: URLSearchParams,
): RouteContext {
  // A client that sent `Expect: 100-continue` waits for our go before sending the body, so an
  // oversized upload is refused before a byte of it travels.
  const expects = /\b100-continue\b/i.test(req.headers.expect ?? '');
  const body = async (max = deps.maxBodyBytes): Promise<Buffer> => {
    const { bodies, limits } = deps;
    if (bodies.active >= limits.maxBodies) {
      throw new HttpError('OVERLOADED', `${bodies.active} request bodies are being read (limit ${limits.maxBodies}); retry shortly`, { headers: { connection: 'close' } });
    }
    bodies.active += 1;
    try {
      return await readBody(req, max, { onAccept: expects ? () => res.writeContinue() : undefined, timeoutMs: limits.bodyTimeoutMs });
    } finally {
      bodies.active -= 1;
    }
  };
  return {
    deps,
    req,
    res,
    query,
    param(name) {
      const value = params.get(name);
      if (value === undefined) throw new Error(`route has no :${name} parameter`);
      return value;
    },
    body,
    // The content-type is not checked: `curl -d` labels JSON as a form, and browsers, the
    // reason to check it, are refused by the Origin rule and cannot reach the socket.
    async json<T>(schema: SchemaName, empty?: unknown): Promise<T> {
      return validate<T>(schema, parseJson(await body(deps.maxBodyBytes), empty));
    },
  };
}
