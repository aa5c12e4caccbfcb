// The CLI's client for the supervisor API: node:http over the Unix socket (or loopback TCP with
// the token), JSON in and out, and one error type carrying the server's code.
import { request } from 'node:http';
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import type { SupervisorEvent } from '../machines/events.js';
import { resolveSocketPath } from './socket-path.js';
import { readNdjson } from './ndjson.js';

export type ApiClientTarget = { stateDir: string } | { socketPath: string } | { url: string; token: string };

/** An HTTP error answer (status ≥ 400) or, with status 0, no answer at all. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface FollowedEvent {
  seq: number;
  event: SupervisorEvent;
}

export interface ApiClient {
  /** Where requests go: a socket path or a URL. */
  readonly where: string;
  get<T>(path: string): Promise<T>;
  /** The answer's body as it came (NDJSON exports). */
  getText(path: string): Promise<string>;
  post<T>(path: string, body?: unknown): Promise<T>;
  /** True when anything answers within `timeoutMs`. */
  isReachable(timeoutMs?: number): Promise<boolean>;
  /** Streams events after `after` (or only new ones) until the stream ends or `signal` aborts; `task` keeps one task's. */
  followEvents(after: number | undefined, onEvent: (e: FollowedEvent) => void, signal: AbortSignal, task?: string): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** The header that says which client sent a request; the supervisor records it as a task's source. */
export const CLIENT_HEADER = 'x-agentry-client';

export function createApiClient(target: ApiClientTarget, opts: { timeoutMs?: number; client?: 'cli' } = {}): ApiClient {
  const base = baseOptions(target);
  if (opts.client !== undefined) base.headers = { ...(base.headers as Record<string, string>), [CLIENT_HEADER]: opts.client };
  const where = 'url' in target ? target.url : (base.socketPath ?? '');
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const send = (method: string, path: string, body: unknown, extra: { timeoutMs: number; signal?: AbortSignal }): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
      const headers: Record<string, string> = { ...(base.headers as Record<string, string>), accept: 'application/json' };
      if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': String(payload.length) });
      const req: ClientRequest = request({ ...base, method, path, headers, timeout: extra.timeoutMs, ...(extra.signal && { signal: extra.signal }) });
      req.once('response', resolve);
      req.once('timeout', () => req.destroy(new ApiError(0, 'TIMEOUT', `no answer from ${where} within ${extra.timeoutMs} ms`)));
      req.once('error', (err) => reject(connectionError(err, where)));
      req.end(payload);
    });

  const callText = async (method: string, path: string, body?: unknown): Promise<string> => {
    const res = await send(method, path, body, { timeoutMs });
    const text = await readText(res);
    if ((res.statusCode ?? 0) >= 400) throw errorFrom(res.statusCode ?? 0, text);
    return text;
  };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const text = await callText(method, path, body);
    return (text === '' ? null : JSON.parse(text)) as T;
  };

  return {
    where,
    get: (path) => call('GET', path),
    getText: (path) => callText('GET', path),
    post: (path, body = {}) => call('POST', path, body),
    async isReachable(ms = 500) {
      try {
        const res = await send('GET', '/v1/status', undefined, { timeoutMs: ms });
        res.resume();
        return true;
      } catch {
        return false;
      }
    },
    async followEvents(after, onEvent, signal, task) {
      const path = `/v1/events?follow=1${after === undefined ? '' : `&after=${after}`}${task === undefined ? '' : `&task=${encodeURIComponent(task)}`}`;
      let res: IncomingMessage;
      try {
        // No timeout: a quiet stream is normal (heartbeats keep it alive).
        res = await send('GET', path, undefined, { timeoutMs: 0, signal });
      } catch (err) {
        if (signal.aborted) return;
        throw err;
      }
      if ((res.statusCode ?? 0) >= 400) throw errorFrom(res.statusCode ?? 0, await readText(res));
      await readNdjson(res, (value) => onEvent(value as FollowedEvent), signal);
    },
  };
}

function baseOptions(target: ApiClientTarget): RequestOptions {
  if ('url' in target) {
    const u = new URL(target.url);
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, agent: false, headers: { authorization: `Bearer ${target.token}` } };
  }
  const socketPath = 'socketPath' in target ? target.socketPath : resolveSocketPath(target.stateDir);
  return { socketPath, agent: false, headers: {} };
}

function connectionError(err: Error, where: string): Error {
  if (err instanceof ApiError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED' || code === 'ENOENT') {
    return new ApiError(0, 'NOT_RUNNING', `agentry is not running (no supervisor on ${where}): start it with \`agentry start\``);
  }
  if (code === 'EACCES') return new ApiError(0, 'FORBIDDEN', `permission denied on ${where}: the supervisor belongs to another user`);
  return new ApiError(0, 'CONNECTION', `cannot reach the supervisor on ${where}: ${err.message}`);
}

function errorFrom(status: number, text: string): ApiError {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    const e = body.error;
    if (e && typeof e.code === 'string' && typeof e.message === 'string') return new ApiError(status, e.code, e.message, e.details);
  } catch {
    // not JSON: fall through to the raw text
  }
  return new ApiError(status, `HTTP_${status}`, text.slice(0, 500) || `HTTP ${status}`);
}

function readText(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_RESPONSE_BYTES) res.destroy(new ApiError(0, 'TOO_LARGE', `the answer is over ${MAX_RESPONSE_BYTES} bytes`));
      else chunks.push(c);
    });
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.once('error', reject);
  });
}
