// A strict scripted fake of the Messages API on 127.0.0.1, for the real SDK to talk to
// (STYLE practice 6): each request takes the next step; an extra request fails loudly.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { contentOf, DEFAULT_USAGE, errorBody, FakeCache, messageBody, sumUsage } from './fake-anthropic-replies.js';
import type { FakeReply, FakeUsage } from './fake-anthropic-replies.js';

export type { FakeErrorStatus, FakeReply, FakeUsage } from './fake-anthropic-replies.js';

/** `respond` may answer later (a promise), so a test can hold requests in flight together. */
export type FakeStep = FakeReply | { hang: true } | { respond: (req: FakeRequest) => FakeReply | Promise<FakeReply> };

/** One recorded request, frozen. `body` is the parsed JSON; `raw` the bytes as sent. */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readonly<Record<string, unknown>>;
  readonly raw: string;
}

export interface FakeServer {
  url: string;
  close(): Promise<void>;
}

export interface FakeAnthropic {
  readonly calls: readonly FakeRequest[];
  /** Requests that had no step, or broke the fake: assertComplete() throws while any exist. */
  readonly unexpected: readonly string[];
  /** Usage of every answered 200, keyed by the x-agentry-step header ('(none)' without it). */
  readonly billed: ReadonlyMap<string, FakeUsage>;
  script(...steps: FakeStep[]): void;
  start(): Promise<FakeServer>;
  assertComplete(): void;
}

export function createFakeAnthropic(steps: FakeStep[] = []): FakeAnthropic {
  const queue = [...steps];
  const calls: FakeRequest[] = [];
  const unexpected: string[] = [];
  const billed = new Map<string, FakeUsage>();
  const cache = new FakeCache();

  function fail(res: ServerResponse, why: string): void {
    unexpected.push(why);
    // x-should-retry: false stops the SDK from retrying, so one mistake is recorded once.
    send(res, 500, errorBody(500, `req_unexpected_${unexpected.length}`, `fake-anthropic: ${why}`), { 'x-should-retry': 'false' });
  }

  function answer(req: FakeRequest, res: ServerResponse, reply: FakeReply): void {
    const id = `fake_${calls.length}`;
    if ('status' in reply) {
      const headers: Record<string, string> = reply.retryAfter === undefined ? {} : { 'retry-after': String(reply.retryAfter) };
      send(res, reply.status, reply.body ?? errorBody(reply.status, `req_${id}`), { ...headers, 'request-id': `req_${id}` });
      return;
    }
    const usage: FakeUsage = { ...DEFAULT_USAGE, ...cache.usageFor(req.body), ...reply.usage };
    const step = req.headers['x-agentry-step'] ?? '(none)';
    billed.set(step, sumUsage(billed.get(step) ?? DEFAULT_ZERO, usage));
    const { content, stopReason } = contentOf(reply, id);
    send(res, 200, messageBody(String(req.body['model']), id, content, stopReason, usage), { 'request-id': `req_${id}` });
  }

  async function handle(inc: IncomingMessage, res: ServerResponse): Promise<void> {
    const req = await record(inc);
    calls.push(req);
    const n = calls.length;
    if (req.method !== 'POST' || req.path !== '/v1/messages') return fail(res, `request #${n}: ${req.method} ${req.path} is not POST /v1/messages`);
    const step = queue.shift();
    if (step === undefined) return fail(res, `request #${n}: no scripted step left`);
    if ('hang' in step) return; // never answered; the client must time out or abort
    try {
      answer(req, res, 'respond' in step ? await step.respond(req) : step);
    } catch (err) {
      fail(res, `request #${n}: responder threw ${String(err)}`);
    }
  }

  return {
    calls,
    unexpected,
    billed,
    script: (...more) => void queue.push(...more),
    async start() {
      const server = createServer((inc, res) => {
        handle(inc, res).catch((err: unknown) => fail(res, `fake-anthropic crashed: ${String(err)}`));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      return {
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((resolve, reject) => {
            server.close((err) => (err ? reject(err) : resolve()));
            server.closeAllConnections(); // hanging requests included
          }),
      };
    },
    assertComplete() {
      const problems = [...unexpected];
      if (queue.length > 0) problems.push(`${queue.length} scripted step(s) never used`);
      if (problems.length > 0) throw new Error(`fake-anthropic: ${problems.join('; ')}`);
    },
  };
}

const DEFAULT_ZERO: FakeUsage = { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

async function record(inc: IncomingMessage): Promise<FakeRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of inc) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(inc.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
  return deepFreeze({ method: inc.method ?? '', path: (inc.url ?? '').split('?')[0] ?? '', headers, body, raw });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
