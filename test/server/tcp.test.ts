// Loopback TCP hardening (reliability.md §9 test 22): token, Host, Origin, no CORS, 0600 file.
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../server/api-client.js';
import { createMemoryDeliveryStore } from '../support/memory-delivery-store.js';
import { startApiServer } from '../../server/http-server.js';
import { bearerMatches, ensureTokenFile } from '../../server/security.js';
import { createHash } from 'node:crypto';
import { createFakeSupervisor } from '../support/fake-supervisor.js';
import { errorOf, raw, startHarness, tempDir } from './harness.js';
import type { Harness } from './harness.js';

let h: Harness;
let token: string;
let port: number;
let scratch: { path: string; remove(): void };

beforeAll(async () => {
  scratch = tempDir();
  const tokenFile = join(scratch.path, 'token');
  token = ensureTokenFile(tokenFile);
  h = await startHarness({ tcp: { host: '127.0.0.1', port: 0, tokenFile, allowedHosts: ['agentry.test:1'] }, maxBodyBytes: 4096 });
  port = h.server.tcpPort ?? 0;
});
afterAll(async () => {
  await h.close();
  scratch.remove();
});

const auth = (): Record<string, string> => ({ authorization: `Bearer ${token}` });
const post = (body: string) => raw({ port, method: 'POST', path: '/v1/tasks', headers: auth(), body });
const get = (headers: Record<string, string>, path = '/v1/status') => raw({ port, path, headers });

describe('token file', () => {
  it('ensureTokenFile makes a 32-byte hex token, mode 0600, and keeps it on the next call', () => {
    const file = join(scratch.path, 'token');
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(ensureTokenFile(file)).toBe(token);
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
  });

  it('a token file readable by others (0644) refuses the start and says why', async () => {
    const file = join(scratch.path, 'loose-token');
    writeFileSync(file, `${'a'.repeat(64)}\n`);
    chmodSync(file, 0o644);
    const stateDir = join(scratch.path, 'state-loose');
    const start = startApiServer(createFakeSupervisor(), {
      stateDir,
      deliveryStore: createMemoryDeliveryStore(),
      tcp: { host: '127.0.0.1', port: 0, tokenFile: file },
    });
    await expect(start).rejects.toThrow(`token file ${file} has mode 0644, so other users can read it; run \`chmod 600 ${file}\``);
  });

  it('a non-loopback host is refused', async () => {
    const tcp = { host: '0.0.0.0' as '127.0.0.1', port: 0, tokenFile: join(scratch.path, 'token') };
    const start = startApiServer(createFakeSupervisor(), { stateDir: join(scratch.path, 's2'), deliveryStore: createMemoryDeliveryStore(), tcp });
    await expect(start).rejects.toThrow('server.tcp.host must be 127.0.0.1 or ::1');
  });
});

describe('requests over TCP', () => {
  it('binds loopback only', () => {
    expect(port).toBeGreaterThan(0);
  });

  it('the right token and Host pass; the client works with url + token', async () => {
    const res = await get(auth());
    expect(res.status).toBe(200);
    expect(Object.keys(res.headers).filter((k) => k.startsWith('access-control-'))).toEqual([]);
    const client = createApiClient({ url: `http://127.0.0.1:${port}`, token });
    expect(await client.get<{ mode: string }>('/v1/status')).toMatchObject({ mode: 'semi' });
    expect((await get({ ...auth(), host: `localhost:${port}` })).status).toBe(200);
    expect((await get({ ...auth(), host: 'agentry.test:1' })).status).toBe(200);
  });

  it('a missing, wrong or wrong-length token is 401', async () => {
    for (const headers of [{}, { authorization: `Bearer ${'0'.repeat(64)}` }, { authorization: 'Bearer short' }, { authorization: `Basic ${token}` }, { authorization: `Bearer ${token}x` }]) {
      const res = await get(headers);
      expect(res.status).toBe(401);
      expect(errorOf(res).code).toBe('UNAUTHORIZED');
    }
  });

  it('a foreign Host is 403 even with the token; no Host is 400', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `localhost:${port + 1}`, `127.0.0.1`]) {
      const res = await get({ ...auth(), host });
      expect([host, res.status, errorOf(res).code]).toEqual([host, 403, 'FORBIDDEN']);
    }
    // No Host at all: node's HTTP/1.1 parser refuses it (400) before our check runs.
    expect((await raw({ port, path: '/v1/status', headers: auth(), noHost: true })).status).toBe(400);
  });

  it('any Origin header is 403, even a loopback one', async () => {
    for (const origin of ['https://evil.example', `http://127.0.0.1:${port}`, 'null']) {
      const res = await get({ ...auth(), origin });
      expect(res.status).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('body rules apply on TCP too: 413, invalid JSON 400, schema 400 with the issue', async () => {
    expect((await post(JSON.stringify({ workflow: 'lead', input: { x: 'y'.repeat(5000) } }))).status).toBe(413);
    const bad = await post('{"workflow":');
    expect([bad.status, errorOf(bad).code]).toEqual([400, 'INVALID_INPUT']);
    expect(errorOf(bad).message).toMatch(/^the request body is not valid JSON: /);
    const invalid = await post(JSON.stringify({ workflow: 'lead', input: [], priority: 'P9' }));
    expect(invalid.status).toBe(400);
    expect(errorOf(invalid).message).toContain('input: expected object, got an array of 0');
    expect(errorOf(invalid).message).toContain('priority: expected one of "P0", "P1", "P2", "P3", got "P9"');
  });

  it('compares tokens through fixed-length digests: any input length is just false', () => {
    const digest = createHash('sha256').update(token).digest();
    for (const header of [undefined, '', 'Bearer', 'Bearer ', `Bearer ${'x'.repeat(10_000)}`]) {
      expect(bearerMatches(header, digest)).toBe(false);
    }
    expect(bearerMatches(`Bearer ${token}`, digest)).toBe(true);
  });
});
