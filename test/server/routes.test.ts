// Every route's happy path and its documented failures, over the Unix socket.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PolicyError, SystemError } from '../../core/errors.js';
import { createApiClient, ApiError } from '../../server/api-client.js';
import type { ApiClient } from '../../server/api-client.js';
import type { ApprovalView, EmitEventResult, Page, StatusView, TaskView } from '../../server/contract.js';
import { errorOf, raw, startHarness } from './harness.js';
import type { Harness } from './harness.js';

let h: Harness;
let client: ApiClient;

beforeEach(async () => {
  h = await startHarness();
  client = createApiClient({ stateDir: h.stateDir });
});
afterEach(async () => {
  h.fake.assertComplete();
  await h.close();
});

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe('read routes', () => {
  it('GET /v1/status answers the status view as JSON', async () => {
    const res = await raw({ socketPath: h.server.socketPath, path: '/v1/status' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect((res.json() as StatusView).mode).toBe('semi');
  });

  it('GET /v1/tasks answers a page: filters and the cursor go to queryTasks', async () => {
    expect((await client.get<Page<TaskView>>('/v1/tasks')).items.map((t) => t.id)).toEqual(['t-1', 't-2', 't-3']);
    expect((await client.get<Page<TaskView>>('/v1/tasks?status=running')).items.map((t) => t.id)).toEqual(['t-1']);
    const first = await client.get<Page<TaskView>>('/v1/tasks?limit=2');
    expect([first.items.length, first.nextCursor]).toEqual([2, '2']);
    const next = await client.get<Page<TaskView>>(`/v1/tasks?limit=2&after=${first.nextCursor}`);
    expect([next.items.map((t) => t.id), next.nextCursor]).toEqual([['t-3'], null]);
    await client.get('/v1/tasks?workflow=content&since=2026-01-01&search=launch&parent=t-9');
    expect(h.fake.callsOf('queryTasks').map((c) => c.args[0])).toEqual([
      {},
      { status: 'running' },
      { limit: 2 },
      { limit: 2, after: '2' },
      { workflow: 'content', since: '2026-01-01', search: 'launch', parentId: 't-9' },
    ]);
  });

  it('POST /v1/tasks/:id/cancel and /retry answer the task; a finished task cannot be cancelled', async () => {
    expect((await client.post<TaskView>('/v1/tasks/t-1/cancel', { reason: 'wrong brief' })).status).toBe('cancelled');
    expect(h.fake.callsOf('cancelTask').map((c) => c.args)).toEqual([['t-1', { reason: 'wrong brief' }]]);
    const again = await rejection(client.post('/v1/tasks/t-1/cancel'));
    expect([again.status, again.code]).toEqual([409, 'CONFLICT']);
    expect((await rejection(client.post('/v1/tasks/t-1/cancel', { why: 1 }))).status).toBe(400);
    const retry = await client.post<TaskView>('/v1/tasks/t-1/retry');
    expect([retry.retryOf, retry.status]).toEqual(['t-1', 'pending']);
  });

  it('POST /v1/domains/:name/resume answers whether it was paused', async () => {
    expect(await client.post('/v1/domains/marketing/resume')).toEqual({ domain: 'marketing', resumed: true });
  });

  it('GET /v1/tasks rejects a bad query with the issue', async () => {
    const err = await rejection(client.get('/v1/tasks?status=done'));
    expect([err.status, err.code]).toEqual([400, 'INVALID_INPUT']);
    expect(err.message).toContain('?status: expected one of pending,');
    expect((await rejection(client.get('/v1/tasks?limit=0'))).status).toBe(400);
    expect((await rejection(client.get('/v1/tasks?limit=1e3'))).status).toBe(400);
  });

  it('GET /v1/tasks/:id answers the task, or 404 NOT_FOUND', async () => {
    expect((await client.get<TaskView>('/v1/tasks/t-2')).status).toBe('awaiting_approval');
    const err = await rejection(client.get('/v1/tasks/nope'));
    expect([err.status, err.code]).toEqual([404, 'NOT_FOUND']);
  });

  it('GET /v1/approvals filters by status, in pages', async () => {
    expect((await client.get<Page<ApprovalView>>('/v1/approvals?status=pending')).items.map((a) => a.id)).toEqual(['a-1']);
    expect((await client.get<Page<ApprovalView>>('/v1/approvals')).items).toHaveLength(2);
    expect((await rejection(client.get('/v1/approvals?status=done'))).status).toBe(400);
  });

  it('GET /v1/events pages with after and limit', async () => {
    const all = await client.get<{ seq: number }[]>('/v1/events');
    expect(all.map((e) => e.seq)).toEqual([1, 2]);
    expect((await client.get<{ seq: number }[]>('/v1/events?after=1')).map((e) => e.seq)).toEqual([2]);
    expect(await client.get<unknown[]>('/v1/events?limit=1')).toHaveLength(1);
  });

  it('GET /v1/learn answers the tuned values', async () => {
    const report = await client.get<{ values: { key: string; evidence: { n: number } }[] }>('/v1/learn');
    expect(report.values.map((v) => [v.key, v.evidence.n])).toEqual([['confidenceThreshold:marketing/content', 12], ['model:marketing', 0]]);
  });
});

describe('write routes', () => {
  it('POST /v1/tasks creates a task: 201 with the view, source http', async () => {
    const res = await raw({ socketPath: h.server.socketPath, method: 'POST', path: '/v1/tasks', body: JSON.stringify({ workflow: 'lead', input: { company: 'Acme' }, priority: 'P1' }) });
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({ workflow: 'lead', priority: 'P1', input: { company: 'Acme' } });
    expect(h.fake.callsOf('createTask')[0]?.args).toEqual([{ workflow: 'lead', input: { company: 'Acme' }, priority: 'P1' }, 'http']);
  });

  it('POST /v1/tasks takes the Idempotency-Key header as the idempotencyKey, checked as the body is', async () => {
    const post = (headers: Record<string, string>, body: Record<string, unknown> = { workflow: 'lead', input: { company: 'Acme' } }) =>
      raw({ socketPath: h.server.socketPath, method: 'POST', path: '/v1/tasks', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect((await post({ 'idempotency-key': 'order-7' })).status).toBe(201);
    expect((await post({ 'idempotency-key': 'order-7' }, { workflow: 'lead', input: { company: 'Acme' }, idempotencyKey: 'order-7' })).status).toBe(201);
    expect(h.fake.callsOf('createTask').map((c) => c.args[0])).toEqual([
      { workflow: 'lead', input: { company: 'Acme' }, idempotencyKey: 'order-7' },
      { workflow: 'lead', input: { company: 'Acme' }, idempotencyKey: 'order-7' },
    ]);
    const differ = await post({ 'idempotency-key': 'order-8' }, { workflow: 'lead', input: {}, idempotencyKey: 'order-7' });
    expect([differ.status, errorOf(differ).code, errorOf(differ).message]).toEqual([400, 'INVALID_INPUT', "the Idempotency-Key header and the body's idempotencyKey differ; send one of them"]);
    const spaced = await post({ 'idempotency-key': 'two words' });
    expect([spaced.status, errorOf(spaced).code]).toEqual([400, 'INVALID_INPUT']);
    expect(errorOf(spaced).message).toContain('idempotencyKey');
    expect(h.fake.callsOf('createTask')).toHaveLength(2);
  });

  it('POST /v1/approvals/:id/approve works without a body; a second decision is 409', async () => {
    const res = await raw({ socketPath: h.server.socketPath, method: 'POST', path: '/v1/approvals/a-1/approve' });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ id: 'a-1', status: 'granted' });
    const again = await rejection(client.post('/v1/approvals/a-1/approve', { note: 'twice' }));
    expect([again.status, again.code]).toEqual([409, 'CONFLICT']);
    expect((await rejection(client.post('/v1/approvals/zzz/approve'))).status).toBe(404);
  });

  it('POST /v1/approvals/:id/reject needs a note', async () => {
    const err = await rejection(client.post('/v1/approvals/a-1/reject', {}));
    expect([err.status, err.code]).toEqual([400, 'INVALID_INPUT']);
    expect(err.message).toContain('note: expected a non-empty string');
    expect(h.fake.callsOf('reject')).toHaveLength(0);
    const ok = await client.post<ApprovalView>('/v1/approvals/a-1/reject', { note: 'off-brand tone' });
    expect(ok).toMatchObject({ status: 'rejected', note: 'off-brand tone' });
  });

  it('POST /v1/events emits: 202 with the result; a repeated id is a duplicate', async () => {
    const body = { type: 'competitor.rank_drop', data: { keyword: 'crm', drop: 7 }, id: 'ext-1' };
    const first = await raw({ socketPath: h.server.socketPath, method: 'POST', path: '/v1/events', body: JSON.stringify(body) });
    expect(first.status).toBe(202);
    expect(first.json()).toEqual({ eventId: 'ext-1', duplicate: false, outcome: 'recorded', taskIds: [] });
    expect((await client.post<EmitEventResult>('/v1/events', body)).duplicate).toBe(true);
  });

  it('POST /v1/hooks/:event answers the hook stdout verbatim, or an empty body', async () => {
    const stdout = '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"secret in file"}}\n';
    h.fake.scriptHook({ exitCode: 0, stdout, stderr: '' });
    h.fake.scriptHook({ exitCode: 0, stdout: '', stderr: '' });
    const payload = { session_id: 's1', hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: 'a.txt' } };
    const res = await raw({ socketPath: h.server.socketPath, method: 'POST', path: '/v1/hooks/PreToolUse', body: JSON.stringify(payload) });
    expect([res.status, res.text]).toEqual([200, stdout]);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(h.fake.callsOf('hook')[0]?.args).toEqual(['PreToolUse', payload]);
    const empty = await raw({ socketPath: h.server.socketPath, method: 'POST', path: '/v1/hooks/Stop', body: '{}' });
    expect([empty.status, empty.text, empty.headers['content-length']]).toEqual([200, '', '0']);
  });

  it('POST /v1/hooks/:event refuses a name that is not an event', async () => {
    const res = await raw({ socketPath: h.server.socketPath, method: 'POST', path: '/v1/hooks/..%2Fetc', body: '{}' });
    expect(res.status).toBe(400);
  });
});

describe('errors', () => {
  it('an unknown route is 404, a wrong method 405 with Allow', async () => {
    const missing = await raw({ socketPath: h.server.socketPath, path: '/v2/nothing' });
    expect([missing.status, errorOf(missing).code]).toEqual([404, 'NOT_FOUND']);
    const wrong = await raw({ socketPath: h.server.socketPath, method: 'DELETE', path: '/v1/tasks' });
    expect([wrong.status, errorOf(wrong).code, wrong.headers['allow']]).toEqual([405, 'METHOD_NOT_ALLOWED', 'GET, POST']);
  });

  it('DRAINING is 503 with Retry-After and the message', async () => {
    h.fake.failNext('createTask', new PolicyError('DRAINING', 'the supervisor is shutting down'));
    const res = await raw({ socketPath: h.server.socketPath, method: 'POST', path: '/v1/tasks', body: '{"workflow":"lead","input":{}}' });
    expect([res.status, res.headers['retry-after']]).toEqual([503, '5']);
    expect(errorOf(res)).toEqual({ code: 'DRAINING', message: 'the supervisor is shutting down' });
  });

  it('an unexpected throw is 500 INTERNAL with a generic message', async () => {
    h.fake.failNext('status', new TypeError('secret internals at /home/x'));
    const res = await raw({ socketPath: h.server.socketPath, path: '/v1/status' });
    expect(res.status).toBe(500);
    expect(errorOf(res)).toEqual({ code: 'INTERNAL', message: 'internal error (see the supervisor log)' });
    h.fake.failNext('learn', new SystemError('NOT_IMPLEMENTED', 'learn is not implemented yet'));
    expect((await raw({ socketPath: h.server.socketPath, path: '/v1/learn' })).status).toBe(501);
  });
});
