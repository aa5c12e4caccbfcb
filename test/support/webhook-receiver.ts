// A webhook receiver on loopback for delivery tests: records every request as received, and
// answers each with what the test scripts (a status, or a promise the test resolves later, so a
// delivery can be held between its intent and its result while the test acts).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly headers: Readonly<Record<string, string>>;
  readonly raw: string;
  readonly body: Record<string, unknown>;
}

type Answer = number | Promise<number>;

export interface Receiver {
  url: string;
  readonly received: readonly Received[];
  /** Answers request n (0-based) with `answer(req, n)`; the default answers 200. */
  answerWith(answer: (req: Received, n: number) => Answer): void;
  /** True when the request carries a valid HMAC-SHA256 signature of its exact body. */
  signedWith(req: Received, secret: string): boolean;
  close(): Promise<void>;
}

const ALWAYS_OK = (): Answer => 200;

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let answer: (req: Received, n: number) => Answer = ALWAYS_OK;
  const server = createServer((inc, res) => {
    const chunks: Buffer[] = [];
    inc.on('data', (c: Buffer) => chunks.push(c));
    inc.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(inc.headers)) if (typeof v === 'string') headers[k] = v;
      const req: Received = { headers, raw, body: JSON.parse(raw) as Record<string, unknown> };
      received.push(req);
      void Promise.resolve(answer(req, received.length - 1)).then(
        (status) => {
          res.writeHead(status, { 'content-type': 'text/plain' });
          res.end(status < 300 ? 'ok' : `status ${status}`);
        },
        () => res.destroy(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answerWith: (fn) => void (answer = fn),
    signedWith: (req, secret) => {
      const want = Buffer.from(`sha256=${createHmac('sha256', secret).update(req.raw).digest('hex')}`);
      const got = Buffer.from(req.headers['x-agentry-signature'] ?? '');
      return got.length === want.length && timingSafeEqual(got, want);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
