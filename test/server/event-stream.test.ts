// GET /v1/events?follow=1: NDJSON delivered as events happen, no gap after `after`, heartbeats,
// and the subscription is dropped when the client goes away or the server closes.
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEvent } from '../../machines/events.js';
import { createApiClient } from '../../server/api-client.js';
import type { FollowedEvent } from '../../server/api-client.js';
import { startHarness } from './harness.js';
import type { Harness } from './harness.js';
import { until } from '../support/until.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ heartbeatMs: 50 });
});
afterEach(async () => {
  await h.close();
});

const started = (taskId: string) => createEvent('task.blocked', { taskId, waitingFor: [] }, Date.parse('2026-01-05T10:00:00Z'));


describe('follow', () => {
  it('delivers events published after subscribing, then unsubscribes when the client aborts', async () => {
    const seen: FollowedEvent[] = [];
    const ac = new AbortController();
    const done = createApiClient({ stateDir: h.stateDir }).followEvents(undefined, (e) => seen.push(e), ac.signal);
    await until(() => h.fake.listenerCount() === 1);
    h.fake.publish(started('t-1'));
    h.fake.publish(started('t-2'));
    await until(() => seen.length === 2);
    expect(seen.map((e) => [e.seq, e.event.type])).toEqual([
      [3, 'task.blocked'],
      [4, 'task.blocked'],
    ]);
    ac.abort();
    await done;
    await until(() => h.fake.listenerCount() === 0);
  });

  it('with after=N sends the backlog first, then live events, without repeats', async () => {
    const seen: number[] = [];
    const ac = new AbortController();
    const done = createApiClient({ stateDir: h.stateDir }).followEvents(1, (e) => seen.push(e.seq), ac.signal);
    await until(() => seen.length === 1);
    h.fake.publish(started('t-9'));
    await until(() => seen.length === 2);
    expect(seen).toEqual([2, 3]);
    ac.abort();
    await done;
  });

  it('writes NDJSON lines and empty-line heartbeats; a dropped socket unsubscribes', async () => {
    const chunks: string[] = [];
    const req = request({ socketPath: h.server.socketPath, path: '/v1/events?follow=1' });
    req.on('response', (res) => {
      expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
      res.setEncoding('utf8');
      res.on('data', (c: string) => chunks.push(c));
    });
    req.on('error', () => undefined);
    req.end();
    await until(() => h.fake.listenerCount() === 1);
    h.fake.publish(started('t-1'));
    await until(() => chunks.join('').includes('\n\n') && chunks.join('').includes('task.blocked'), 'a heartbeat then the event', 3000);
    const lines = chunks.join('').split('\n').filter((l) => l !== '');
    expect(JSON.parse(lines[0] ?? '')).toEqual({ seq: 3, event: started('t-1') });
    req.destroy();
    await until(() => h.fake.listenerCount() === 0);
  });

  it('closing the server ends open streams', async () => {
    const ac = new AbortController();
    const done = createApiClient({ stateDir: h.stateDir }).followEvents(undefined, () => undefined, ac.signal);
    await until(() => h.fake.listenerCount() === 1);
    await h.server.close();
    await done;
    expect(h.fake.listenerCount()).toBe(0);
  });

  it('a bad after is a 400 before any streaming', async () => {
    const err = await createApiClient({ stateDir: h.stateDir })
      .followEvents(-1, () => undefined, new AbortController().signal)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    expect(h.fake.listenerCount()).toBe(0);
  });
});
