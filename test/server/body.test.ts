// Request bodies: the size limit (declared or streamed), UTF-8, JSON, nesting, schema issues.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonDepth } from '../../server/body.js';
import { errorOf, raw, startHarness } from './harness.js';
import type { Harness, RawResponse } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ maxBodyBytes: 64 * 1024 });
});
afterAll(async () => {
  h.fake.assertComplete();
  await h.close();
});

const post = (body: string | Buffer, path = '/v1/tasks', chunked = false): Promise<RawResponse> =>
  raw({ socketPath: h.server.socketPath, method: 'POST', path, body, chunked, headers: { 'content-type': 'application/json' } });

describe('size limit', () => {
  it('a declared length over the limit is 413 before reading the body', async () => {
    const res = await post(Buffer.alloc(200 * 1024, 0x20));
    expect([res.status, errorOf(res).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(errorOf(res).message).toBe('the request body is over the limit of 65536 bytes');
  });

  it('a chunked body that grows past the limit is 413, and the server keeps serving', async () => {
    const res = await post(Buffer.alloc(300 * 1024, 0x20), '/v1/events', true);
    expect(res.status).toBe(413);
    expect((await raw({ socketPath: h.server.socketPath, path: '/v1/status' })).status).toBe(200);
    expect(h.fake.callsOf('emitEvent')).toHaveLength(0);
  });

  it('a body at the limit is read', async () => {
    const filler = 'x'.repeat(64 * 1024 - 60);
    const body = JSON.stringify({ workflow: 'lead', input: { f: filler } });
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(64 * 1024);
    expect((await post(body)).status).toBe(201);
  });
});

describe('JSON', () => {
  it.each([
    ['empty', '', 'the request body is empty; expected JSON'],
    ['not JSON', 'workflow=lead', 'the request body is not valid JSON: '],
    ['truncated', '{"workflow": "lead"', 'the request body is not valid JSON: '],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), 'the request body is not valid UTF-8'],
    ['too deep', `${'['.repeat(150)}${']'.repeat(150)}`, 'the JSON body nests 150 levels; the limit is 100'],
  ])('%s → 400 INVALID_INPUT', async (_name, body, message) => {
    const res = await post(body);
    expect([res.status, errorOf(res).code]).toEqual([400, 'INVALID_INPUT']);
    expect(errorOf(res).message.startsWith(message)).toBe(true);
  });

  it('schema issues come back as `path: expected X, got Y` lines', async () => {
    const res = await post(JSON.stringify({ workflow: 'Bad Name', input: {}, extra: 1 }));
    expect(res.status).toBe(400);
    const err = errorOf(res);
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.details?.['issues']).toEqual([
      'extra: expected no such property, got 1',
      'workflow: expected a string matching ^[a-z][a-z0-9_-]{0,63}$, got "Bad Name"',
    ]);
    expect(err.message).toMatch(/^api\.create-task: /);
  });

  it('emit-event needs a dotted type and an object data', async () => {
    const res = await post(JSON.stringify({ type: 'nodots', data: 'x' }), '/v1/events');
    expect(errorOf(res).details?.['issues']).toEqual([
      'type: expected a string matching ^[a-z][a-z0-9_-]{0,63}(\\.[a-z0-9_-]{1,64}){1,3}$, got "nodots"',
      'data: expected object, got "x"',
    ]);
  });
});

describe('jsonDepth', () => {
  it('counts brackets outside strings only', () => {
    expect(jsonDepth('{"a":[1,{"b":2}]}')).toBe(3);
    expect(jsonDepth('"[[[[\\"[[["')).toBe(0);
    expect(jsonDepth('{"k":"}}}{{{"}')).toBe(1);
  });
});
