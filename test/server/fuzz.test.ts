// Random bodies and paths (reliability.md §9 test 24): only 2xx/4xx answers, no crash, and no
// prototype pollution, checked by a snapshot of Object.prototype's own keys and a canary.
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryDeliveryStore } from '../support/memory-delivery-store.js';
import { startApiServer } from '../../server/http-server.js';
import type { ApiServer } from '../../server/http-server.js';
import { signGithubPayload } from '../../server/github-signature.js';
import { createFakeSupervisor } from '../support/fake-supervisor.js';
import { raw, tempDir } from './harness.js';

const SECRET = 'fuzz-secret';
let server: ApiServer;
let scratch: { path: string; remove(): void };
const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort();

beforeAll(async () => {
  scratch = tempDir();
  const fake = createFakeSupervisor();
  // Hooks answer whatever they get: the fuzz is about the HTTP layer, not hook scripting.
  const api = { ...fake, hook: () => Promise.resolve({ exitCode: 0 as const, stdout: '', stderr: '' }) };
  server = await startApiServer(api, { stateDir: `${scratch.path}/s`, deliveryStore: createMemoryDeliveryStore(), githubSecret: SECRET, maxBodyBytes: 16 * 1024 });
});
afterAll(async () => {
  await server.close();
  scratch.remove();
});

const nasty = fc.constantFrom('__proto__', 'constructor', 'prototype', 'workflow', 'input', 'type', 'data', 'id', 'note', 'toString', '');
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, fc.jsonValue(), fc.dictionary(nasty, tie('node'), { maxKeys: 4 }), fc.array(tie('node'), { maxLength: 4 })),
})).node;
const body = fc.oneof(
  value.map((v) => JSON.stringify(v) ?? 'null'),
  fc.dictionary(nasty, value).map((o) => JSON.stringify({ workflow: 'lead', input: {}, ...o })),
  fc.dictionary(nasty, value).map((o) => JSON.stringify({ type: 'competitor.rank_drop', data: o })),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
  fc.integer({ min: 1, max: 400 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
  fc.constant(`{"input": "${'x'.repeat(20_000)}"}`),
);
const postPath = fc.constantFrom('/v1/tasks', '/v1/events', '/v1/approvals/a-1/approve', '/v1/approvals/a-1/reject', '/v1/hooks/PreToolUse', '/v1/webhooks/github');

function assertNoPollution(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoKeys);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
}

describe('fuzz', () => {
  it('random bodies to POST routes: only 2xx/4xx, never 5xx, no pollution', async () => {
    await fc.assert(
      fc.asyncProperty(postPath, body, fc.boolean(), async (path, b, sign) => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (path.endsWith('github')) {
          Object.assign(headers, { 'x-github-event': 'push', 'x-github-delivery': crypto.randomUUID() });
          if (sign) headers['x-hub-signature-256'] = signGithubPayload(SECRET, b);
        }
        const res = await raw({ socketPath: server.socketPath, method: 'POST', path, headers, body: b });
        expect(res.status).toBeLessThan(500);
        // Every refusal is the JSON error shape with a stable code.
        const code = res.status >= 400 ? (res.json() as { error: { code: string } }).error.code : 'OK';
        expect(code).toMatch(/^[A-Z_]+$/);
        assertNoPollution();
      }),
      { numRuns: 600 },
    );
  });

  it('random paths and queries: only 2xx/4xx', async () => {
    const segment = fc.oneof(fc.string({ maxLength: 12 }).map(encodeURIComponent), fc.constantFrom('v1', 'tasks', 'events', '%', '%E0%A4%A', '..', '%2F'));
    const query = fc.dictionary(fc.constantFrom('status', 'limit', 'after', 'follow', 'x'), fc.string({ maxLength: 8 }), { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { maxLength: 5 }), query, fc.constantFrom('GET', 'POST', 'PUT'), async (segs, q, method) => {
        // follow=1 would open a stream; it is tested on its own.
        const params = new URLSearchParams(Object.entries(q).filter(([k]) => k !== 'follow'));
        const res = await raw({ socketPath: server.socketPath, method, path: `/${segs.join('/')}?${params.toString()}` });
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 400 },
    );
  });
});
