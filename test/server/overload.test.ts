// Overload is bounded per client (issue 9). The limits are injected small so nothing waits on
// real time beyond a bounded poll: slow request bodies hold at most `maxBodies` slots while a
// probe on another connection is answered at once; a body that does not arrive in time is
// answered 408 and cut off; a client trickling its headers is disconnected; event streams are
// capped; and the refusals make one warn line per interval, without a stack.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRootLogger } from '../../core/logger.js';
import { ensureTokenFile } from '../../server/security.js';
import { until } from '../support/until.js';
import type { ServerLimits } from '../../server/limits.js';
import { errorOf, raw, startHarness, tempDir } from './harness.js';
import type { Harness } from './harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).toReversed()) await c();
});

function logSink(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

const LONG = 60_000;

async function harness(limits: Partial<ServerLimits>, extra: Parameters<typeof startHarness>[0] = {}): Promise<{ h: Harness; log: Record<string, unknown>[] }> {
  const sink = logSink();
  const logger = createRootLogger({ destination: sink.stream, level: 'info' });
  const h = await startHarness({ logger, limits: { headersTimeoutMs: LONG, bodyTimeoutMs: LONG, logIntervalMs: LONG, ...limits }, ...extra });
  cleanups.push(() => h.close());
  return { h, log: sink.lines };
}

interface Conn {
  socket: Socket;
  /** Everything the server sent. */
  received(): string;
  closed(): boolean;
}

/** A raw connection that sends `head` and then nothing more. */
function open(target: { path: string } | { port: number; host: string }, head: string): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const socket = connect(target);
    let text = '';
    let closed = false;
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      socket.write(head);
      resolve({ socket, received: () => text, closed: () => closed });
    });
    socket.once('error', reject);
  });
}

const slowBody = 'POST /v1/tasks HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{';

describe('slow request bodies', () => {
  it('hold at most maxBodies slots; the rest are refused 503 at once, and a probe on another connection is answered', async () => {
    // 40 slow bodies against 16 request slots: without the body cap they would take every slot.
    const { h, log } = await harness({ maxBodies: 8 }, { maxInFlight: 16 });
    const attackers = await Promise.all(Array.from({ length: 40 }, () => open({ path: h.server.socketPath }, slowBody)));
    cleanups.push(() => {
      for (const a of attackers) a.socket.destroy();
    });
    const refused = (): Conn[] => attackers.filter((a) => a.received().startsWith('HTTP/1.1 503'));
    await until(() => refused().length === 32, '32 of the 40 slow bodies refused');
    for (const a of refused()) expect(a.received()).toContain('"code":"OVERLOADED"');
    const started = Date.now();
    const probe = await raw({ socketPath: h.server.socketPath, path: '/v1/status' });
    expect(probe.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    // 32 refusals, one warn line, no stack and nothing at error level.
    const overload = log.filter((l) => l['code'] === 'OVERLOADED');
    expect(overload).toHaveLength(1);
    expect(overload[0]).toMatchObject({ level: 40 });
    expect(overload[0]).not.toHaveProperty('err');
    expect(log.filter((l) => Number(l['level']) >= 50)).toEqual([]);
    expect(attackers.filter((a) => a.received() === '')).toHaveLength(8);
  });

  it('a body that does not arrive within bodyTimeoutMs is answered 408 and its connection closed', async () => {
    const { h } = await harness({ bodyTimeoutMs: 100 });
    const slow = await open({ path: h.server.socketPath }, slowBody);
    await until(() => slow.closed(), 'the slow body’s connection to be closed');
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(slow.received()).toContain('"code":"REQUEST_TIMEOUT"');
  });
});

describe('slow headers', () => {
  it('an unauthenticated TCP client trickling its headers is disconnected after headersTimeoutMs', async () => {
    const scratch = tempDir();
    cleanups.push(() => scratch.remove());
    const tokenFile = join(scratch.path, 'token');
    ensureTokenFile(tokenFile);
    const { h } = await harness({ headersTimeoutMs: 100, checkIntervalMs: 20 }, { tcp: { host: '127.0.0.1', port: 0, tokenFile } });
    const slow = await open({ host: '127.0.0.1', port: h.server.tcpPort ?? 0 }, 'GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await until(() => slow.closed(), 'the header trickler to be disconnected');
    expect(slow.received()).not.toContain('HTTP/1.1 200');
  });
});

describe('event streams', () => {
  it('past maxEventStreams a follower is refused 503 OVERLOADED; closing one makes room', async () => {
    const { h } = await harness({ maxEventStreams: 2 });
    const follow = 'GET /v1/events?follow=1 HTTP/1.1\r\nHost: localhost\r\n\r\n';
    const streams = await Promise.all([1, 2].map(() => open({ path: h.server.socketPath }, follow)));
    cleanups.push(() => {
      for (const s of streams) s.socket.destroy();
    });
    await until(() => streams.every((s) => s.received().startsWith('HTTP/1.1 200')), 'both streams open');
    const third = await raw({ socketPath: h.server.socketPath, path: '/v1/events?follow=1' });
    expect([third.status, errorOf(third).code]).toEqual([503, 'OVERLOADED']);
    streams[0]?.socket.destroy();
    // The server sees the close on its next turn: followers are refused until then, never after.
    let admitted: Conn | undefined;
    for (let i = 0; i < 200 && admitted === undefined; i++) {
      const next = await open({ path: h.server.socketPath }, follow);
      cleanups.push(() => {
        next.socket.destroy();
      });
      await until(() => next.received() !== '', 'an answer to the next follower');
      if (next.received().startsWith('HTTP/1.1 200')) admitted = next;
      else next.socket.destroy();
    }
    expect(admitted).toBeDefined();
  });
});
