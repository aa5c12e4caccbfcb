// GitHub webhooks (reliability.md §9 tests 20–21): HMAC over raw bytes, 401 never 500, replay.
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_TTL_MS } from '../../server/delivery-store.js';
import { createMemoryDeliveryStore } from '../support/memory-delivery-store.js';
import { signGithubPayload, verifyGithubSignature } from '../../server/github-signature.js';
import { errorOf, raw, startHarness, tempDir } from './harness.js';
import { ensureTokenFile } from '../../server/security.js';
import type { Harness, RawResponse } from './harness.js';

const SECRET = 'test-webhook-secret-0123456789';
const BODY = JSON.stringify({
  ref: 'refs/heads/main',
  repository: { full_name: 'acme/site', private: true },
  pusher: { name: 'dana', email: 'dana@example.com' },
  commits: [{ id: 'a' }, { id: 'b' }],
  ['__proto__']: { polluted: true },
});
const HEX = createHmac('sha256', SECRET).update(BODY).digest('hex');

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ githubSecret: SECRET });
});
afterAll(async () => {
  await h.close();
});

function deliver(opts: { body?: string | Buffer; signature?: string | undefined; delivery?: string; event?: string; type?: string }): Promise<RawResponse> {
  const headers: Record<string, string> = {
    'content-type': opts.type ?? 'application/json',
    'x-github-event': opts.event ?? 'push',
    'x-github-delivery': opts.delivery ?? crypto.randomUUID(),
  };
  const signature = 'signature' in opts ? opts.signature : `sha256=${HEX}`;
  if (signature !== undefined) headers['x-hub-signature-256'] = signature;
  return raw({ socketPath: h.server.socketPath, method: 'POST', path: '/v1/webhooks/github', headers, body: opts.body ?? BODY });
}

describe('signature check', () => {
  it("verifies GitHub's documented test vector", () => {
    const sig = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(signGithubPayload("It's a Secret to Everybody", 'Hello, World!')).toBe(sig);
    expect(verifyGithubSignature("It's a Secret to Everybody", Buffer.from('Hello, World!'), sig)).toBe(true);
    expect(verifyGithubSignature("It's a Secret to Everybody", Buffer.from('Hello, World?'), sig)).toBe(false);
  });

  it('a valid delivery is 202 with selected fields only, as github.<event> with a github: id', async () => {
    const res = await deliver({ delivery: 'd-valid-1' });
    expect(res.status).toBe(202);
    expect(res.json()).toMatchObject({ eventId: 'github:d-valid-1', duplicate: false });
    expect(h.fake.callsOf('emitEvent').at(-1)?.args[0]).toEqual({
      type: 'github.push',
      id: 'github:d-valid-1',
      data: { repository: 'acme/site', ref: 'refs/heads/main', pusher: 'dana', commits: 2 },
    });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  const flipped = Buffer.from(BODY);
  flipped[10] = (flipped[10] ?? 0) ^ 0x01;
  it.each([
    ['one flipped body byte', { body: flipped }],
    ['re-serialised JSON', { body: JSON.stringify(JSON.parse(BODY), null, 2) }],
    ['CRLF added', { body: `${BODY}\r\n` }],
    ['one flipped signature nibble', { signature: `sha256=${HEX.slice(0, -1)}${HEX.endsWith('0') ? '1' : '0'}` }],
    ['wrong-length hex', { signature: `sha256=${HEX.slice(0, 62)}` }],
    ['over-long hex', { signature: `sha256=${HEX}00` }],
    ['non-hex', { signature: `sha256=${'zz'.repeat(32)}` }],
    ['sha1= prefix', { signature: `sha1=${createHmac('sha1', SECRET).update(BODY).digest('hex')}` }],
    ['missing header', { signature: undefined }],
    ['empty header', { signature: '' }],
  ])('%s → 401, nothing emitted', async (_name, opts) => {
    const before = h.fake.callsOf('emitEvent').length;
    const res = await deliver(opts);
    expect([res.status, errorOf(res).code]).toEqual([401, 'UNAUTHORIZED']);
    expect(h.fake.callsOf('emitEvent')).toHaveLength(before);
  });

  it('checks the signature before parsing: a signed non-JSON body is 400, an unsigned one 401', async () => {
    const junk = 'not json at all';
    expect((await deliver({ body: junk, signature: signGithubPayload(SECRET, junk) })).status).toBe(400);
    expect((await deliver({ body: junk, signature: `sha256=${HEX}` })).status).toBe(401);
  });

  it('accepts a form-encoded delivery signed over the form bytes', async () => {
    const form = `payload=${encodeURIComponent(JSON.stringify({ action: 'opened', repository: { full_name: 'acme/site' } }))}`;
    const res = await deliver({ body: form, type: 'application/x-www-form-urlencoded', event: 'pull_request', signature: signGithubPayload(SECRET, form) });
    expect(res.status).toBe(202);
    expect(h.fake.callsOf('emitEvent').at(-1)?.args[0]).toMatchObject({ type: 'github.pull_request', data: { action: 'opened', repository: 'acme/site' } });
  });

  it('a malformed event or delivery header is 400', async () => {
    expect((await deliver({ event: 'Push; rm' })).status).toBe(400);
    expect((await deliver({ delivery: '../../x' })).status).toBe(400);
  });
});

describe('replay', () => {
  it('a repeated X-GitHub-Delivery is a 200 duplicate no-op; emitEvent runs once', async () => {
    const before = h.fake.callsOf('emitEvent').length;
    expect((await deliver({ delivery: 'd-replay' })).status).toBe(202);
    const again = await deliver({ delivery: 'd-replay' });
    expect([again.status, again.json()]).toEqual([200, { duplicate: true, delivery: 'd-replay' }]);
    expect(h.fake.callsOf('emitEvent')).toHaveLength(before + 1);
  });

  it('the memory store keeps ids for three days, then forgets them', async () => {
    let now = 1_000_000;
    const store = createMemoryDeliveryStore({ now: () => now });
    await store.remember('x', now);
    now += DELIVERY_TTL_MS - 1;
    expect(store.seen('x')).toBe(true);
    now += 2;
    expect(store.seen('x')).toBe(false);
    await store.remember('y', now);
    expect(store.size()).toBe(1);
  });
});

describe('configuration', () => {
  it('without a secret the route is 503 NOT_CONFIGURED and says so', async () => {
    const bare = await startHarness();
    try {
      const res = await raw({ socketPath: bare.server.socketPath, method: 'POST', path: '/v1/webhooks/github', body: '{}' });
      expect([res.status, errorOf(res).code]).toEqual([503, 'NOT_CONFIGURED']);
      expect(errorOf(res).message).toContain('no webhook secret is configured');
    } finally {
      await bare.close();
    }
  });
});

describe('event names and TCP (issue 9)', () => {
  it('accepts GitHub event names with digits (projects_v2_item)', async () => {
    const res = await deliver({ event: 'projects_v2_item', delivery: 'd-digits-1' });
    expect(res.status).toBe(202);
    expect(h.fake.callsOf('emitEvent').at(-1)?.args[0]).toMatchObject({ type: 'github.projects_v2_item' });
  });

  it('over TCP the route is authenticated by its HMAC alone: no bearer token, a wrong signature 401, no secret 503', async () => {
    const scratch = tempDir();
    const tokenFile = join(scratch.path, 'token');
    ensureTokenFile(tokenFile);
    const withSecret = await startHarness({ githubSecret: SECRET, tcp: { host: '127.0.0.1', port: 0, tokenFile } });
    const noSecret = await startHarness({ tcp: { host: '127.0.0.1', port: 0, tokenFile } });
    try {
      const send = (port: number, signature: string, delivery: string) =>
        raw({ port, method: 'POST', path: '/v1/webhooks/github', headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': delivery, 'x-hub-signature-256': signature }, body: BODY });
      const port = withSecret.server.tcpPort ?? 0;
      expect((await send(port, `sha256=${HEX}`, 'd-tcp-1')).status).toBe(202);
      const forged = await send(port, `sha256=${'0'.repeat(64)}`, 'd-tcp-2');
      expect([forged.status, errorOf(forged).code]).toEqual([401, 'UNAUTHORIZED']);
      const off = await send(noSecret.server.tcpPort ?? 0, `sha256=${HEX}`, 'd-tcp-3');
      expect([off.status, errorOf(off).code]).toEqual([503, 'NOT_CONFIGURED']);
      // Every other route still needs the token.
      expect((await raw({ port, path: '/v1/status' })).status).toBe(401);
    } finally {
      await withSecret.close();
      await noSecret.close();
      scratch.remove();
    }
  });
});
