// The JSON routes: each parses its input, calls one SupervisorApi method, and answers its view.
import type { ApiCreateTask, ApiDecideApproval, ApiEmitEvent, ApiRetryTask } from '../schemas/generated/types.js';
import { CALL_ID_HEADER, callKey, isCallId } from '../hooks/call-id.js';
import { MAX_INPUT_BYTES as MAX_HOOK_INPUT_BYTES } from '../hooks/protocol.js';
import type { AnyApprovalStatus, CreateTaskRequest, DecideApprovalRequest, EmitEventRequest, TaskStatus } from './contract.js';
import { CLIENT_HEADER } from './api-client.js';
import { parseJson } from './body.js';
import type { Handler, Reply } from './context.js';
import { HttpError } from './errors-http.js';
import { checkEditedOutput } from './approval-edit.js';
import { followEvents, resumeAfter } from './event-stream.js';
import { MAX_LIST_LIMIT, enumParam, flagParam, intParam } from './query.js';

const TASK_STATUSES: readonly TaskStatus[] = [
  'pending',
  'blocked',
  'running',
  'reviewing',
  'awaiting_approval',
  'completed',
  'rejected',
  'failed',
];
const APPROVAL_STATUSES: readonly AnyApprovalStatus[] = ['pending', 'granted', 'rejected', 'timed_out', 'cancelled'];
/** Hook event names are Claude Code's PascalCase identifiers. */
const HOOK_EVENT = /^[A-Za-z]{1,64}$/;

const ok = (json: unknown, status = 200): Reply => ({ status, json });

export const getStatus: Handler = (ctx) => Promise.resolve(ok(ctx.deps.api.status()));

export const listTasks: Handler = (ctx) => {
  const status = enumParam(ctx.query, 'status', TASK_STATUSES);
  const limit = intParam(ctx.query, 'limit', 1, MAX_LIST_LIMIT);
  return Promise.resolve(ok(ctx.deps.api.listTasks({ ...(status && { status }), ...(limit !== undefined && { limit }) })));
};

export const createTask: Handler = async (ctx) => {
  const body = await ctx.json<ApiCreateTask>('api.create-task');
  // The schema-derived type must keep fitting the contract's hand-written one.
  const req: CreateTaskRequest = body;
  // The CLI says it is the CLI (a label for the task's record, not an authentication).
  const source = ctx.req.headers[CLIENT_HEADER] === 'cli' ? 'cli' : 'http';
  return ok(await ctx.deps.api.createTask(req, source), 201);
};

export const getTask: Handler = (ctx) => {
  const id = ctx.param('id');
  const task = ctx.deps.api.getTask(id);
  if (task === undefined) throw new HttpError('NOT_FOUND', `no task ${JSON.stringify(id)}`, { details: { id } });
  return Promise.resolve(ok(task));
};

/** Only the delivery retry is built here; re-running a task's steps is issue 11 part 3. */
export const retryTask: Handler = async (ctx) => {
  const body = await ctx.json<ApiRetryTask>('api.retry-task', {});
  if (body.delivery !== true) throw new HttpError('NOT_IMPLEMENTED', 'retrying a task\'s steps is not built yet; retry its deliveries with {"delivery":true}');
  return ok({ taskId: ctx.param('id'), deliveries: await ctx.deps.api.retryDeliveries(ctx.param('id')) });
};

export const listApprovals: Handler = (ctx) => {
  const status = enumParam(ctx.query, 'status', APPROVAL_STATUSES);
  return Promise.resolve(ok(ctx.deps.api.listApprovals(status ? { status } : {})));
};

export const approve: Handler = async (ctx) => {
  const req: DecideApprovalRequest = await ctx.json<ApiDecideApproval>('api.decide-approval', {});
  if (req.output !== undefined) checkEditedOutput(ctx.deps.api, ctx.param('id'), req.output);
  return ok(await ctx.deps.api.approve(ctx.param('id'), req));
};

export const reject: Handler = async (ctx) => {
  const req: DecideApprovalRequest = await ctx.json<ApiDecideApproval>('api.decide-approval', {});
  if (req.note === undefined || req.note.trim() === '') {
    const line = 'note: expected a non-empty string (a rejection needs a reason), got nothing';
    throw new HttpError('INVALID_INPUT', `api.decide-approval: ${line}`, { details: { issues: [line] } });
  }
  return ok(await ctx.deps.api.reject(ctx.param('id'), req));
};

export const listEvents: Handler = (ctx) => {
  const after = intParam(ctx.query, 'after', 0, Number.MAX_SAFE_INTEGER);
  if (flagParam(ctx.query, 'follow')) return followEvents(ctx, resumeAfter(ctx, after));
  const limit = intParam(ctx.query, 'limit', 1, MAX_LIST_LIMIT);
  const opts = { ...(after !== undefined && { after }), ...(limit !== undefined && { limit }) };
  return Promise.resolve(ok(ctx.deps.api.events(opts)));
};

export const emitEvent: Handler = async (ctx) => {
  const req: EmitEventRequest = await ctx.json<ApiEmitEvent>('api.emit-event');
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
