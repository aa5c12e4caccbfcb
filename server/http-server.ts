// startApiServer: the supervisor's HTTP API on the Unix socket (the folder permission is the
// auth) and, optionally, on loopback TCP behind the token, Host and Origin checks.
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import { UserError } from '../core/errors.js';
import { createRootLogger } from '../core/logger.js';
import type { Logger } from '../core/logger.js';
import { DEFAULT_MAX_BODY_BYTES } from './body.js';
import type { ServerDeps } from './context.js';
import { listenConsole } from './console-server.js';
import type { ConsoleOptions } from './console-server.js';
import type { SupervisorApi } from './contract.js';
import type { DeliveryStore } from './delivery-store.js';
import { HttpError } from './errors-http.js';
import { DEFAULT_LIMITS, OverloadLog } from './limits.js';
import type { ServerLimits } from './limits.js';
import { createRequestHandler } from './request-handler.js';
import type { RequestGuard } from './request-handler.js';
import { createTcpGuard, readTokenFile } from './security.js';
import { listenUnix, prepareSocket } from './socket-listen.js';
import { listenTcp } from './tcp-listen.js';

export interface TcpOptions {
  host: '127.0.0.1' | '::1';
  /** 0 picks a free port (tests). */
  port: number;
  /** Must be mode 0600 and ours; see ensureTokenFile. */
  tokenFile: string;
  /** Extra exact Host values, e.g. `agentry.localhost:7077`. */
  allowedHosts?: string[];
}

export interface ApiServerOptions {
  stateDir: string;
  /** Overrides the planned `<stateDir>/agentry.sock` (or its short runtime relocation). */
  socketPath?: string;
  /** Where long socket paths move to; defaults to $XDG_RUNTIME_DIR, then /tmp/agentry-<uid>. */
  runtimeDir?: string;
  tcp?: TcpOptions;
  maxBodyBytes?: number;
  githubSecret?: string;
  deliveryStore: DeliveryStore;
  logger?: Logger;
  /** Injected clock, ms since the epoch. */
  now?: () => number;
  /** Event stream heartbeat; default 15 s. */
  heartbeatMs?: number;
  maxInFlight?: number;
  /** Per-client bounds (timeouts, caps); tests make them small. */
  limits?: Partial<ServerLimits>;
  /** The web console's loopback listener; off when absent. */
  console?: ConsoleOptions;
  /** agentry.config.json, written by `POST /v1/mode` (the console's mode switch). */
  configFile?: string;
}

export interface ApiServer {
  socketPath: string;
  tcpPort?: number;
  consolePort?: number;
  /** Ends event streams, stops listening, waits for in-flight requests (then cuts them). */
  close(): Promise<void>;
}

const CLOSE_GRACE_MS = 5000;

export async function startApiServer(api: SupervisorApi, opts: ApiServerOptions): Promise<ApiServer> {
  // Refuse a bad token file before touching the socket, so a failed start changes nothing.
  const token = opts.tcp ? checkTcp(opts.tcp) : undefined;
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const logger = opts.logger ?? createRootLogger();
  const now = opts.now ?? Date.now;
  const deps: ServerDeps = {
    api,
    logger,
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    githubSecret: opts.githubSecret,
    deliveryStore: opts.deliveryStore,
    now,
    streams: new Set<ServerResponse>(),
    heartbeatMs: opts.heartbeatMs ?? 15_000,
    deliveriesInFlight: new Set<string>(),
    limits,
    bodies: { active: 0 },
    refusals: new OverloadLog(logger, limits.logIntervalMs, now),
    configFile: opts.configFile,
  };
  const servers: Server[] = [];
  const socketPath = await prepareSocket(opts.stateDir, opts.socketPath, opts.runtimeDir);
  const unix = newServer(createRequestHandler(deps, { maxInFlight: opts.maxInFlight }), limits);
  await listenUnix(unix, socketPath);
  servers.push(unix);

  let tcpPort: number | undefined;
  if (opts.tcp && token !== undefined) {
    // The guard needs the bound port (port 0 picks one), so it is filled in after listen.
    let guard: RequestGuard | undefined;
    const lazy: RequestGuard = {
      check(req, route) {
        if (!guard) throw new HttpError('OVERLOADED', 'the server is still starting');
        guard.check(req, route);
      },
    };
    const tcp = newServer(createRequestHandler(deps, { guard: lazy, maxInFlight: opts.maxInFlight }), limits);
    try {
      tcpPort = await listenTcp(tcp, opts.tcp.host, opts.tcp.port);
    } catch (err) {
      await closeAll(servers, deps);
      throw err;
    }
    guard = createTcpGuard(token, tcpPort, opts.tcp.allowedHosts);
    servers.push(tcp);
  }
  let consolePort: number | undefined;
  if (opts.console) {
    try {
      const bound = await listenConsole(deps, opts.console, (listener) => newServer(listener, limits), opts.maxInFlight);
      servers.push(bound.server);
      consolePort = bound.port;
    } catch (err) {
      await closeAll(servers, deps);
      throw err;
    }
  }
  deps.logger.info({ socketPath, tcpPort, consolePort }, 'api listening');
  return {
    socketPath,
    ...(tcpPort !== undefined && { tcpPort }),
    ...(consolePort !== undefined && { consolePort }),
    close: () => closeAll(servers, deps),
  };
}

function checkTcp(tcp: TcpOptions): string {
  // Config JSON can carry any string; only loopback literals are accepted.
  if (tcp.host !== '127.0.0.1' && tcp.host !== '::1') {
    throw new UserError('INVALID_CONFIG', `server.tcp.host must be 127.0.0.1 or ::1, not ${String(tcp.host)}`);
  }
  return readTokenFile(tcp.tokenFile);
}

function newServer(listener: ReturnType<typeof createRequestHandler>, limits: ServerLimits): Server {
  // headersTimeout cuts a client trickling its headers; requestTimeout bounds the whole request
  // (the body has its own, shorter, timeout in body.ts, answered 408). Node checks both every
  // connectionsCheckingInterval (30 s by default: far too slow to free slots).
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.headersTimeoutMs + limits.bodyTimeoutMs + 5_000,
      connectionsCheckingInterval: limits.checkIntervalMs,
      keepAliveTimeout: 5_000,
    },
    listener,
  );
  // With this listener node no longer answers `100 Continue` by itself: the route does, once
  // auth and the declared size have passed (see context.ts).
  server.on('checkContinue', listener);
  return server;
}

async function closeAll(servers: readonly Server[], deps: ServerDeps): Promise<void> {
  for (const res of deps.streams) res.end();
  deps.streams.clear();
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          const force = setTimeout(() => s.closeAllConnections(), CLOSE_GRACE_MS);
          force.unref();
          s.close(() => {
            clearTimeout(force);
            resolve();
          });
          s.closeIdleConnections();
        }),
    ),
  );
}
