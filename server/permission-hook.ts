// POST /v1/hooks/PermissionRequest: a Claude Code permission prompt held open until a person
// decides. The status line and headers go out as soon as the approval is durable (the hook
// client's sign that the supervisor is alive: `x-agentry-approval`, `x-agentry-deadline`); the
// body, exactly what the hook prints, follows with the decision. If Claude Code hangs up first,
// the approval is cancelled. Invalid payloads are denied (fail closed), never waved through.
import { MAX_INPUT_BYTES } from '../hooks/protocol.js';
import { denyPermission, parsePermissionRequest, permissionAnswer } from '../hooks/permission-request.js';
import { parseJson } from './body.js';
import type { Handler } from './context.js';

const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;

export const permissionHook: Handler = async (ctx) => {
  const payload = parseJson(await ctx.body(Math.max(ctx.deps.maxBodyBytes, MAX_INPUT_BYTES)));
  const parsed = parsePermissionRequest(payload);
  if (!parsed.ok) {
    ctx.deps.logger.warn({ reason: parsed.reason }, 'PermissionRequest hook payload refused');
    return { status: 200, raw: denyPermission(`its request could not be read (${parsed.reason})`).stdout };
  }
  const { api, logger } = ctx.deps;
  const opened = await api.requestPermission(parsed.ask);
  const { res } = ctx;
  const id = opened.approval.id;
  res.writeHead(200, { ...HEADERS, 'x-agentry-approval': id, 'x-agentry-deadline': opened.approval.deadline });
  res.flushHeaders();
  let answered = false;
  res.on('close', () => {
    if (!answered) api.cancelPermission(id, 'Claude Code stopped waiting for the decision');
  });
  // Answered in the background: a request waiting for a person does not hold an in-flight slot.
  opened.verdict.then(
    (verdict) => {
      answered = true;
      if (!res.destroyed) res.end(permissionAnswer(verdict).stdout);
    },
    (err: unknown) => {
      answered = true;
      logger.error({ err, approvalId: id }, 'permission request failed');
      if (!res.destroyed) res.end(denyPermission('the supervisor failed while it waited for a decision').stdout);
    },
  );
  return 'streamed';
};
