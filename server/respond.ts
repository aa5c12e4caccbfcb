// Response writers. Every answer is JSON with a length, no caching, and never a CORS header:
// browsers are not clients of this API.
import type { ServerResponse } from 'node:http';

const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendRaw(res, status, JSON.stringify(body), headers);
}

/** Sends `text` as is (already JSON, or empty), e.g. a hook's stdout. */
export function sendRaw(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  const payload = Buffer.from(text, 'utf8');
  res.writeHead(status, { ...BASE_HEADERS, ...headers, 'content-length': String(payload.length) });
  res.end(payload);
}

/** Starts an NDJSON stream; the caller writes lines and ends it. */
export function startNdjson(res: ServerResponse): void {
  res.writeHead(200, {
    ...BASE_HEADERS,
    'content-type': 'application/x-ndjson; charset=utf-8',
    // Proxies must not buffer a live stream.
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
}

/** Starts a Server-Sent Events stream (the console's live updates). */
export function startEventStream(res: ServerResponse): void {
  res.writeHead(200, {
    ...BASE_HEADERS,
    'content-type': 'text/event-stream; charset=utf-8',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
}
