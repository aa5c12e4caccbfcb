// The PermissionRequest hook's client side: forwards the prompt to the supervisor and waits
// (long-polls) for a person's decision. Fails closed: no supervisor, a supervisor that does not
// acknowledge within ACCEPT_MS (hung), an error answer or a decision that never comes all print
// a deny with the reason. Nothing is spooled: a prompt no one could see was never decided.

import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { type HookAnswer, silent } from './answers.js';
import { locate, type HookEnv } from './locate.js';
import { denyPermission, parsePermissionRequest } from './permission-request.js';
import { MAX_INPUT_BYTES } from './protocol.js';
import { readStdin } from './read-stdin.js';
import { isHookStdout } from './supervisor-call.js';

/** The supervisor records the request and acknowledges it (status line and headers) within this. */
const ACCEPT_MS = 3000;
/** Past the approval's deadline, the supervisor's answer may take this long to arrive. */
const GRACE_MS = 10_000;
/** Under the 600 s timeout agentry installs for the PermissionRequest hook. */
const MAX_WAIT_MS = 590_000;

export interface PermissionIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly env: HookEnv;
  readonly cwd: string;
}

export interface PermissionClientOptions {
  readonly acceptMs?: number;
  readonly now?: () => number;
}

export async function answerPermissionRequest(io: PermissionIo, options: PermissionClientOptions = {}): Promise<HookAnswer> {
  const stdin = await readStdin(io.stdin, MAX_INPUT_BYTES);
  if (stdin.oversized) return denyPermission(`its request is larger than ${MAX_INPUT_BYTES} bytes`);
  let payload: unknown;
  try {
    payload = JSON.parse(stdin.bytes.toString('utf8'));
  } catch {
    return denyPermission('its request is not valid JSON');
  }
  const parsed = parsePermissionRequest(payload);
  if (!parsed.ok) return denyPermission(`its request could not be read (${parsed.reason})`);
  const { socketPath } = locate(io.cwd, io.env);
  if (!existsSync(socketPath)) return denyPermission('the agentry supervisor is not running, so no one could approve it');
  const reply = await longPoll(socketPath, stdin.bytes, options.acceptMs ?? ACCEPT_MS, options.now ?? Date.now);
  switch (reply.kind) {
    case 'unreachable':
      return denyPermission(`the agentry supervisor could not be reached (${reply.detail}), so no one could approve it`);
    case 'no-ack':
      return denyPermission(`the agentry supervisor did not acknowledge the request within ${(options.acceptMs ?? ACCEPT_MS) / 1000} s (it may be hung)`);
    case 'refused':
      return denyPermission(`the agentry supervisor refused the request (HTTP ${reply.status}${reply.detail === '' ? '' : `: ${reply.detail}`})`);
    case 'no-decision':
      return denyPermission(`no decision arrived from the agentry supervisor by approval ${reply.approvalId}'s deadline`);
    default:
      if (reply.body === '') return silent(`agentry approval ${reply.approvalId}: Claude Code's own prompt decides`);
      if (!isHookStdout(reply.body)) return denyPermission('the agentry supervisor answered something that is not a hook answer');
      return { exitCode: 0, stdout: reply.body, stderr: '' };
  }
}

type Reply =
  | { kind: 'unreachable'; detail: string }
  | { kind: 'no-ack' }
  | { kind: 'refused'; status: number; detail: string }
  | { kind: 'no-decision'; approvalId: string }
  | { kind: 'decided'; approvalId: string; body: string };

function longPoll(socketPath: string, body: Buffer, acceptMs: number, now: () => number): Promise<Reply> {
  return new Promise((resolve) => {
    let done = false;
    let timer = setTimeout(() => finish({ kind: 'no-ack' }), acceptMs);
    const req = request({
      socketPath,
      path: '/v1/hooks/PermissionRequest',
      method: 'POST',
      headers: { host: 'localhost', 'content-type': 'application/json', 'content-length': body.length },
    });
    function finish(reply: Reply): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(reply);
    }
    req.on('error', (err: NodeJS.ErrnoException) => finish({ kind: 'unreachable', detail: err.code ?? err.message }));
    req.on('response', (res) => {
      clearTimeout(timer);
      const status = res.statusCode ?? 0;
      const approvalId = header(res.headers['x-agentry-approval']);
      const deadline = Date.parse(header(res.headers['x-agentry-deadline']));
      const wait = Number.isFinite(deadline) ? Math.min(MAX_WAIT_MS, Math.max(0, deadline - now()) + GRACE_MS) : MAX_WAIT_MS;
      timer = setTimeout(() => finish({ kind: 'no-decision', approvalId }), wait);
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => finish({ kind: 'no-decision', approvalId }));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (status !== 200) finish({ kind: 'refused', status, detail: errorMessage(text) });
        else finish({ kind: 'decided', approvalId, body: text });
      });
      // A connection cut before the body ended (the supervisor died): no decision.
      res.on('aborted', () => finish({ kind: 'no-decision', approvalId }));
    });
    req.end(body);
  });
}

function header(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

function errorMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === 'string') return parsed.error.message.slice(0, 300);
  } catch {
    // not JSON
  }
  return text.slice(0, 300);
}
