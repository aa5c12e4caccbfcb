// Request bodies: size-limited before buffering, strict UTF-8, JSON with a nesting cap.
// JSON.parse is prototype-safe (`__proto__` becomes an own key); bodies are never merged.
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors-http.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Deeper JSON is refused: nothing we accept nests this far, and deep values hurt recursion. */
const MAX_JSON_DEPTH = 100;
// After a 413 the rest of the body is drained (so the client can read the answer) up to this
// many times the limit; past that the connection is cut.
const DRAIN_FACTOR = 16;

export interface ReadBodyOptions {
  /** Runs once the declared size passed (the server sends `100 Continue` there). */
  onAccept?: (() => void) | undefined;
  /** The whole body must arrive within this, or 408 REQUEST_TIMEOUT and the connection closes. */
  timeoutMs?: number;
}

/** Reads the whole body, or rejects with 413 as soon as it is known to be over `max`. */
export function readBody(req: IncomingMessage, max: number, opts: ReadBodyOptions = {}): Promise<Buffer> {
  const { onAccept, timeoutMs } = opts;
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > max) {
    drain(req, max);
    return Promise.reject(tooLarge(max));
  }
  onAccept?.();
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        cleanup();
        chunks.length = 0;
        drain(req, max);
        reject(tooLarge(max));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    // 'close' before 'end' means the client went away mid-body.
    const onAborted = (): void => {
      if (req.complete) return;
      cleanup();
      reject(new HttpError('INVALID_INPUT', 'the request body was cut off'));
    };
    // A client trickling its body holds a slot: past the timeout it is answered 408 and cut off.
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            cleanup();
            chunks.length = 0;
            req.pause();
            reject(new HttpError('REQUEST_TIMEOUT', `the request body did not arrive within ${timeoutMs} ms`, { headers: { connection: 'close' } }));
          }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAborted);
      req.off('close', onAborted);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAborted);
    req.on('close', onAborted);
  });
}

function tooLarge(max: number): HttpError {
  return new HttpError('PAYLOAD_TOO_LARGE', `the request body is over the limit of ${max} bytes`, {
    details: { limitBytes: max },
  });
}

// Discard the rest without keeping it, so the socket stays readable for the 413.
function drain(req: IncomingMessage, max: number): void {
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > max * DRAIN_FACTOR) req.socket.destroy();
  });
  req.on('error', () => undefined);
  req.resume();
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a JSON body; an empty body becomes `empty` when given, else a 400. */
export function parseJson(raw: Buffer, empty?: unknown): unknown {
  if (raw.length === 0) {
    if (empty !== undefined) return empty;
    throw new HttpError('INVALID_INPUT', 'the request body is empty; expected JSON');
  }
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new HttpError('INVALID_INPUT', 'the request body is not valid UTF-8');
  }
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) {
    throw new HttpError('INVALID_INPUT', `the JSON body nests ${depth} levels; the limit is ${MAX_JSON_DEPTH}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpError('INVALID_INPUT', `the request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Deepest bracket nesting outside strings; a linear scan, cheaper than a failed parse. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped char
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}
