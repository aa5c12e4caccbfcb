// A scripted STREAMING Messages API on 127.0.0.1 that plays the model for the real Claude Code
// CLI. Claude Code only sends `POST /v1/messages?beta=true` with `stream: true` and reads SSE
// (message_start, content_block_start/delta/stop, message_delta, message_stop). Each request takes
// the next turn of its script: the main agent's, or the subagents' (their requests carry
// `cc_is_subagent=true` in the system prompt's first block). A request with no turn left, or to
// any other path, is recorded as unexpected and answered with an error, so a test can fail loudly.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Turn = { text: string } | { tool: string; input: Record<string, unknown> };

interface ModelRequest {
  readonly subagent: boolean;
  readonly body: Record<string, unknown>;
}

export interface FakeModel {
  readonly url: string;
  readonly requests: readonly ModelRequest[];
  readonly unexpected: readonly string[];
  /** The main agent's turns, then the subagents' turns, in order. */
  script(main: Turn[], subagent?: Turn[]): void;
  /** Every text anywhere in a request's messages (tool results included), joined. */
  textOf(req: ModelRequest): string;
  /** Turns left unplayed. */
  leftover(): number;
  close(): Promise<void>;
}

export async function startFakeModel(): Promise<FakeModel> {
  const requests: ModelRequest[] = [];
  const unexpected: string[] = [];
  let main: Turn[] = [];
  let sub: Turn[] = [];
  let ids = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      unexpected.push(`handler threw ${String(err)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (req.method !== 'POST' || !(req.url ?? '').startsWith('/v1/messages')) {
      unexpected.push(`${req.method ?? '?'} ${req.url ?? '?'}`);
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: 'fake model: no such route' } }));
      return;
    }
    const body = JSON.parse(raw) as Record<string, unknown>;
    const subagent = JSON.stringify((body['system'] as unknown[] | undefined)?.[0] ?? '').includes('cc_is_subagent=true');
    requests.push({ subagent, body });
    const turn = (subagent ? sub : main).shift();
    if (turn === undefined) {
      unexpected.push(`${subagent ? 'subagent' : 'main'} request #${requests.length} has no scripted turn`);
      res.writeHead(400, { 'content-type': 'application/json', 'x-should-retry': 'false' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'fake model: no scripted turn left' } }));
      return;
    }
    stream(res, typeof body['model'] === 'string' ? body['model'] : 'claude', turn, ++ids);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    unexpected,
    script(m, s = []) {
      main = [...m];
      sub = [...s];
    },
    textOf: (req) => texts(req.body['messages']).join('\n'),
    leftover: () => main.length + sub.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function stream(res: ServerResponse, model: string, turn: Turn, n: number): void {
  const usage = { input_tokens: 20, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const events: [string, Record<string, unknown>][] = [
    ['message_start', { message: { id: `msg_fake_${n}`, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage } }],
  ];
  if ('tool' in turn) {
    events.push(
      ['content_block_start', { index: 0, content_block: { type: 'tool_use', id: `toolu_fake_${n}`, name: turn.tool, input: {} } }],
      ['content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify(turn.input) } }],
      ['content_block_stop', { index: 0 }],
    );
  } else {
    events.push(
      ['content_block_start', { index: 0, content_block: { type: 'text', text: '' } }],
      ['content_block_delta', { index: 0, delta: { type: 'text_delta', text: turn.text } }],
      ['content_block_stop', { index: 0 }],
    );
  }
  events.push(['message_delta', { delta: { stop_reason: 'tool' in turn ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: 8 } }], ['message_stop', {}]);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_fake_${n}` });
  for (const [type, data] of events) res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  res.end();
}

function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    return [...(typeof o['text'] === 'string' ? [o['text']] : []), ...texts(o['content'])];
  }
  return [];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
