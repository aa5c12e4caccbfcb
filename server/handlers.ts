// The JSON routes: each parses its input, calls one SupervisorApi method, and answers its view.
import type { ApiCancelTask, ApiCreateTask, ApiDecideApproval, ApiEmitEvent, ApiRetryTask } from '../schemas/generated/types.js';
import { CALL_ID_HEADER, callKey, isCallId } from '../hooks/call-id.js';
import { MAX_INPUT_BYTES as MAX_HOOK_INPUT_BYTES } from '../hooks/protocol.js';
import { taskStatusValues } from '../schemas/generated/enums.js';
import { validate } from '../schemas/registry.js';
import type { AnyApprovalStatus } from './contract.js';
import { CLIENT_HEADER } from './api-client.js';
import { parseJson } from './body.js';
import type { Handler, Reply } from './context.js';
import { HttpError } from './errors-http.js';
import { followEvents, resumeAfter } from './event-stream.js';
import { startNdjson } from './respond.js';
import type { SupervisorEvent } from '../machines/events.js';
import { MAX_LIST_LIMIT, enumParam, flagParam, intParam, stringParam } from './query.js';

const APPROVAL_STATUSES: readonly AnyApprovalStatus[] = ['pending', 'granted', 'rejected', 'timed_out', 'escalated', 'withdrawn', 'cancelled'];
/** Hook event names are Claude Code's PascalCase identifiers. */
const HOOK_EVENT = /^[A-Za-z]{1,64}$/;

const ok = (json: unknown, status = 200): Reply => ({ status, json });

export const getStatus: Handler = (ctx) => Promise.resolve(ok(ctx.deps.api.status()));

/** One page of every task ever accepted, newest first: `{ items, nextCursor }`. */
export const listTasks: Handler = async (ctx) => {
  const q = ctx.query;
  const status = enumParam(q, 'status', taskStatusValues);
  const limit = intParam(q, 'limit', 1, MAX_LIST_LIMIT);
  const strings = { workflow: stringParam(q, 'workflow'), since: stringParam(q, 'since', 40), search: stringParam(q, 'search'), parentId: stringParam(q, 'parent'), after: stringParam(q, 'after', 400) };
  const defined = Object.fromEntries(Object.entries(strings).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return ok(await ctx.deps.api.queryTasks({ ...defined, ...(status && { status }), ...(limit !== undefined && { limit }) }));
};

export const createTask: Handler = async (ctx) => {
  const req = withHeaderKey(await ctx.json<ApiCreateTask>('api.create-task'), ctx.req.headers['idempotency-key']);
  // The CLI says it is the CLI (a label for the task's record, not an authentication).
  const source = ctx.req.headers[CLIENT_HEADER] === 'cli' ? 'cli' : 'http';
  return ok(await ctx.deps.api.createTask(req, source), 201);
};

/** The Idempotency-Key header as the body's idempotencyKey, checked by the same schema. */
function withHeaderKey(body: ApiCreateTask, sent: string | string[] | undefined): ApiCreateTask {
  const header = Array.isArray(sent) ? sent.join(', ') : sent;
  if (header === undefined || header === body.idempotencyKey) return body;
  if (body.idempotencyKey !== undefined) throw new HttpError('INVALID_INPUT', 'the Idempotency-Key header and the body\'s idempotencyKey differ; send one of them', { details: { path: '/idempotencyKey' } });
  return validate<ApiCreateTask>('api.create-task', { ...body, idempotencyKey: header });
}

export const getTask: Handler = async (ctx) => {
  const id = ctx.param('id');
  const task = await ctx.deps.api.findTask(id);
  if (task === undefined) throw new HttpError('NOT_FOUND', `no task ${JSON.stringify(id)}`, { details: { id } });
  return ok(task);
};

export const cancelTask: Handler = async (ctx) => {
  const req = await ctx.json<ApiCancelTask>('api.cancel-task', {});
  return ok(await ctx.deps.api.cancelTask(ctx.param('id'), req));
};

/** `{"delivery":true}` re-sends a task's failed deliveries; otherwise a new task re-runs it from the step that failed. */
export const retryTask: Handler = async (ctx) => {
  const body = await ctx.json<ApiRetryTask>('api.retry-task', {});
  if (body.delivery === true) return ok({ taskId: ctx.param('id'), deliveries: await ctx.deps.api.retryDeliveries(ctx.param('id')) });
  return ok(await ctx.deps.api.retryTask(ctx.param('id')), 201);
};

export const resumeDomain: Handler = async (ctx) => ok(await ctx.deps.api.resumeDomain(ctx.param('name')));

/** One page of every approval ever requested, newest task first: `{ items, nextCursor }`. */
export const listApprovals: Handler = async (ctx) => {
  const status = enumParam(ctx.query, 'status', APPROVAL_STATUSES);
  const limit = intParam(ctx.query, 'limit', 1, MAX_LIST_LIMIT);
  const after = stringParam(ctx.query, 'after', 400);
  return ok(await ctx.deps.api.queryApprovals({ ...(status && { status }), ...(limit !== undefined && { limit }), ...(after !== undefined && { after }) }));
};

/** GET /v1/export?since=DATE: every task created since then, oldest first, one JSON view per line. */
export const exportTasks: Handler = async (ctx) => {
  const raw = stringParam(ctx.query, 'since', 40);
  const since = raw === undefined ? 0 : Date.parse(raw);
  if (raw !== undefined && (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(since))) {
    throw new HttpError('INVALID_INPUT', `query: ?since: expected an ISO date such as 2026-01-31, got ${JSON.stringify(raw)}`);
  }
  startNdjson(ctx.res);
  await ctx.deps.api.exportTasks(since, (task) => ctx.res.write(`${JSON.stringify(task)}\n`));
  ctx.res.end();
  return 'streamed';
};

export const approve: Handler = async (ctx) => {
  const id = ctx.param('id');
  const req = await ctx.json<ApiDecideApproval>('api.decide-approval', {});
  return ok(await ctx.deps.api.approve(id, req));
};

export const reject: Handler = async (ctx) => {
  const req = await ctx.json<ApiDecideApproval>('api.decide-approval', {});
  if (req.note === undefined || req.note.trim() === '') {
    const line = 'note: expected a non-empty string (a rejection needs a reason), got nothing';
    throw new HttpError('INVALID_INPUT', `api.decide-approval: ${line}`, { details: { issues: [line] } });
  }
  return ok(await ctx.deps.api.reject(ctx.param('id'), req));
};

export const listEvents: Handler = (ctx) => {
  const after = intParam(ctx.query, 'after', 0, Number.MAX_SAFE_INTEGER);
  const task = stringParam(ctx.query, 'task');
  // ?task=ID: the events of that task (and of a flow's children, which name it as parentId).
  const keep = (e: SupervisorEvent): boolean => task === undefined || ('taskId' in e && e.taskId === task) || ('parentId' in e && e.parentId === task);
  if (flagParam(ctx.query, 'follow')) return followEvents(ctx, resumeAfter(ctx, after), keep);
  const limit = intParam(ctx.query, 'limit', 1, MAX_LIST_LIMIT);
  if (task === undefined) return Promise.resolve(ok(ctx.deps.api.events({ ...(after !== undefined && { after }), ...(limit !== undefined && { limit }) })));
  const all = ctx.deps.api.events(after === undefined ? {} : { after }).filter((e) => keep(e.event));
  return Promise.resolve(ok(limit === undefined ? all : all.slice(-limit)));
};

export const emitEvent: Handler = async (ctx) => {
  const req = await ctx.json<ApiEmitEvent>('api.emit-event');
  return ok(await ctx.deps.api.emitEvent(req), 202);
};

// Claude Code `http` hooks can only block through the JSON body, so the body is exactly what
// the command hook would print; the exit code travels in a header for diagnostics.
export const hook: Handler = async (ctx) => {
  const event = ctx.param('event');
  if (!HOOK_EVENT.test(event)) throw new HttpError('INVALID_INPUT', `hook event ${JSON.stringify(event.slice(0, 64))} is not a Claude Code event name`);
  // A hook payload (a Write's whole content) may be as large as the hook client accepts: a 413
  // here would be a non-blocking error to Claude Code, and the policy would never run.
  const payload = parseJson(await ctx.body(Math.max(ctx.deps.maxBodyBytes, MAX_HOOK_INPUT_BYTES)));
  // The hook client's own id for the call (absent from Claude Code `http` hooks): the supervisor
  // keeps one record per id, whether the call also reaches it through the spool.
  const callId = ctx.req.headers[CALL_ID_HEADER];
  const result = await ctx.deps.api.hook(event, payload, isCallId(callId) ? { id: callKey(callId) } : {});
  if (result.exitCode === 2 && result.stdout.trim() === '') {
    ctx.deps.logger.warn({ event }, 'hook blocked with exit 2 and no JSON: an http hook cannot see that block');
  }
  return { status: 200, raw: result.stdout, headers: { 'x-agentry-hook-exit': String(result.exitCode) } };
};

export const learn: Handler = (ctx) => Promise.resolve(ok(ctx.deps.api.learn()));
