// The console listener: one-time links become an HttpOnly SameSite=Strict session, the API
// behind it wants that cookie, the console's exact Origin and a CSRF token on every POST, and
// the page is served with a strict CSP. (The browser tests in test/console drive the same path.)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, raw, errorOf, tempDir } from './harness.js';
import type { Harness, RawResponse } from './harness.js';

let h: Harness;
let port: number;
let now = Date.parse('2026-01-05T10:00:00Z');
const site = tempDir('agentry-console-');

beforeEach(async () => {
  now = Date.parse('2026-01-05T10:00:00Z');
  mkdirSync(join(site.path, 'assets'), { recursive: true });
  writeFileSync(join(site.path, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(site.path, 'assets', 'app-1.js'), 'console.log(1)');
  h = await startHarness({ console: { port: 0, dir: site.path }, configFile: join(site.path, 'agentry.config.json'), now: () => now });
  port = h.server.consolePort ?? 0;
});
afterEach(async () => {
  await h.close();
});

const host = (): string => `127.0.0.1:${port}`;
const origin = (): string => `http://${host()}`;

async function link(): Promise<string> {
  const res = await raw({ socketPath: h.server.socketPath, method: 'POST', path: '/v1/console/link' });
  expect(res.status).toBe(201);
  const url = new URL((res.json() as { url: string }).url);
  expect(url.origin).toBe(origin());
  return `${url.pathname}${url.search}`;
}

async function signIn(): Promise<{ cookie: string; csrf: string }> {
  const res = await raw({ port, path: await link() });
  expect(res.status).toBe(303);
  expect(res.headers['location']).toBe('/console/');
  const setCookie = String(res.headers['set-cookie']);
  expect(setCookie).toMatch(/HttpOnly/);
  expect(setCookie).toMatch(/SameSite=Strict/);
  const cookie = setCookie.split(';')[0] ?? '';
  const session = await raw({ port, path: '/v1/console/session', headers: { cookie } });
  expect(session.status).toBe(200);
  return { cookie, csrf: (session.json() as { csrf: string }).csrf };
}

const post = (path: string, headers: Record<string, string>, body = '{}'): Promise<RawResponse> => raw({ port, method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body });

describe('console sign-in', () => {
  it('a one-time link works once', async () => {
    const path = await link();
    expect((await raw({ port, path })).status).toBe(303);
    const again = await raw({ port, path });
    expect(again.status).toBe(401);
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('a link expires after two minutes', async () => {
    const path = await link();
    now += 2 * 60_000;
    expect((await raw({ port, path })).status).toBe(401);
  });

  it('the API refuses a request without the cookie, and a wrong Host', async () => {
    const res = await raw({ port, path: '/v1/status' });
    expect(res.status).toBe(401);
    expect(errorOf(res).code).toBe('UNAUTHORIZED');
    const { cookie } = await signIn();
    expect((await raw({ port, path: '/v1/status', headers: { cookie } })).status).toBe(200);
    expect((await raw({ port, path: '/v1/status', headers: { cookie, host: `evil.example:${port}` } })).status).toBe(403);
  });

  it('a POST needs the exact Origin and the CSRF token', async () => {
    const { cookie, csrf } = await signIn();
    const body = JSON.stringify({ mode: 'manual' });
    expect((await post('/v1/mode', { cookie, 'x-csrf-token': csrf }, body)).status).toBe(403); // no Origin
    expect((await post('/v1/mode', { cookie, 'x-csrf-token': csrf, origin: 'http://evil.example' }, body)).status).toBe(403);
    expect((await post('/v1/mode', { cookie, 'x-csrf-token': csrf, origin: `http://localhost:${port}` }, body)).status).toBe(403);
    expect((await post('/v1/mode', { cookie, 'x-csrf-token': 'nope', origin: origin() }, body)).status).toBe(403);
    expect((await post('/v1/mode', { cookie, origin: origin() }, body)).status).toBe(403);
    const ok = await post('/v1/mode', { cookie, 'x-csrf-token': csrf, origin: origin() }, body);
    expect(ok.status).toBe(200);
    expect(ok.json()).toMatchObject({ mode: 'manual', changed: true });
  });

  it('a GET with a foreign Origin is refused too', async () => {
    const { cookie } = await signIn();
    expect((await raw({ port, path: '/v1/status', headers: { cookie, origin: 'http://evil.example' } })).status).toBe(403);
  });

  it('browsers cannot reach the hook, webhook or link routes through the console', async () => {
    const { cookie, csrf } = await signIn();
    const headers = { cookie, 'x-csrf-token': csrf, origin: origin() };
    expect((await post('/v1/console/link', headers)).status).toBe(404);
    expect((await post('/v1/hooks/PreToolUse', headers)).status).toBe(404);
    expect((await post('/v1/hooks/PermissionRequest', headers)).status).toBe(404);
  });

  it('the session route is not on the Unix socket', async () => {
    expect((await raw({ socketPath: h.server.socketPath, path: '/v1/console/session' })).status).toBe(404);
  });
});

describe('console files', () => {
  it('serves the page with a strict CSP, hashed assets as immutable, and no traversal', async () => {
    const page = await raw({ port, path: '/console/tasks' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>console</title>');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const asset = await raw({ port, path: '/console/assets/app-1.js' });
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await raw({ port, path: '/console/..%2f..%2fetc%2fpasswd.txt' })).status).toBe(404);
    expect((await raw({ port, path: '/' })).headers['location']).toBe('/console/');
  });
});

describe('SSE', () => {
  it('streams events as text/event-stream with ids', async () => {
    const { cookie } = await signIn();
    const { request } = await import('node:http');
    const text = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/v1/events?follow=1&after=0', headers: { cookie, accept: 'text/event-stream' } }, (res) => {
        expect(res.headers['content-type']).toContain('text/event-stream');
        let got = '';
        res.on('data', (d: Buffer) => {
          got += d.toString();
          if (got.includes('\n\n')) {
            req.destroy();
            resolve(got);
          }
        });
      });
      req.once('error', reject);
      req.end();
    });
    expect(text).toMatch(/^id: 1\ndata: \{"seq":1,/);
  });
});

afterAll(() => site.remove());
