// Backpressure at the door: `Expect: 100-continue` refused before the body travels, and a cap
// on requests in flight that answers 503 with Retry-After instead of queueing without bound.
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskView } from '../../server/contract.js';
import { createMemoryDeliveryStore } from '../support/memory-delivery-store.js';
import { startApiServer } from '../../server/http-server.js';
import { createFakeSupervisor } from '../support/fake-supervisor.js';
import { errorOf, raw, startHarness, tempDir } from './harness.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).toReversed()) await c();
});

describe('Expect: 100-continue', () => {
  it('an oversized declared body is refused with 413 and never sent', async () => {
    const h = await startHarness({ maxBodyBytes: 1024 });
    cleanups.push(() => h.close());
    const res = await raw({ socketPath: h.server.socketPath, method: 'POST', path: '/v1/events', body: 'x'.repeat(4096), expectContinue: true });
    expect([res.status, res.continued]).toEqual([413, false]);
  });

  it('an acceptable body gets 100 Continue and is processed', async () => {
    const h = await startHarness({ maxBodyBytes: 1024 });
    cleanups.push(() => h.close());
    const body = JSON.stringify({ type: 'keyword.spike', data: { keyword: 'crm' } });
    const res = await raw({ socketPath: h.server.socketPath, method: 'POST', path: '/v1/events', body, expectContinue: true });
    expect([res.status, res.continued]).toEqual([202, true]);
  });
});

describe('requests in flight', () => {
  it('past maxInFlight the answer is 503 OVERLOADED with Retry-After; the slot frees afterwards', async () => {
    const scratch = tempDir();
    cleanups.push(() => scratch.remove());
    const fake = createFakeSupervisor();
    let release: (() => void) | undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const api = { ...fake, createTask: async (...args: Parameters<typeof fake.createTask>): Promise<TaskView> => gate.then(() => fake.createTask(...args)) };
    const server = await startApiServer(api, { stateDir: `${scratch.path}/s`, deliveryStore: createMemoryDeliveryStore(), maxInFlight: 1 });
    cleanups.push(() => server.close());
    const slow = raw({ socketPath: server.socketPath, method: 'POST', path: '/v1/tasks', body: '{"workflow":"lead","input":{}}' });
    await new Promise((r) => setTimeout(r, 50));
    const refused = await raw({ socketPath: server.socketPath, path: '/v1/status' });
    expect([refused.status, refused.headers['retry-after'], errorOf(refused).code]).toEqual([503, '1', 'OVERLOADED']);
    release?.();
    expect((await slow).status).toBe(201);
    expect((await raw({ socketPath: server.socketPath, path: '/v1/status' })).status).toBe(200);
  });
});
