// The hook's first try: POST the payload to the running supervisor over its Unix socket
// (`POST /v1/hooks/<Event>`, the same route Claude Code `http` hooks use). Any failure is an
// answer too (`undefined`): the caller then falls back to the spool and the local policy.

import { existsSync } from 'node:fs';
import type * as Http from 'node:http';
import { CALL_ID_HEADER } from './call-id.js';

export interface SupervisorCallOptions {
  /** The whole exchange, connect to last byte; past it the supervisor counts as unreachable. */
  readonly timeoutMs: number;
  /** Sent as x-agentry-hook-id, so a call that is also spooled is recorded once. */
  readonly callId?: string;
}

/** Under the 5 s Claude Code timeout agentry installs for SessionStart and UserPromptSubmit. */
export const DEFAULT_TIMEOUT_MS = 3000;

/** The body of a 200 answer when it is '' or exactly one JSON object; otherwise undefined. */
export async function callSupervisor(socketPath: string, event: string, body: Buffer, options: SupervisorCallOptions): Promise<string | undefined> {
  if (!existsSync(socketPath)) return undefined;
  const reply = await post(await import('node:http'), socketPath, `/v1/hooks/${encodeURIComponent(event)}`, body, options);
  if (reply === undefined || reply.status !== 200) return undefined;
  return isHookStdout(reply.text) ? reply.text : undefined;
}

// node:http is loaded only when a socket is there: the fallback after curl failed never needs it.
function post(http: typeof Http, socketPath: string, path: string, body: Buffer, options: SupervisorCallOptions): Promise<{ status: number; text: string } | undefined> {
  const { timeoutMs, callId } = options;
  const headers = { host: 'localhost', 'content-type': 'application/json', 'content-length': body.length, ...(callId === undefined ? {} : { [CALL_ID_HEADER]: callId }) };
  return new Promise((resolve) => {
    let done = false;
    const req = http.request(
      { socketPath, path, method: 'POST', headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => finish({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', () => finish(undefined));
      },
    );
    const timer = setTimeout(() => {
      finish(undefined);
      req.destroy();
    }, timeoutMs);
    function finish(value: { status: number; text: string } | undefined): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(value);
    }
    req.on('error', () => finish(undefined));
    req.end(body);
  });
}

/** What a hook may print: nothing, or one JSON object and nothing around it. */
export function isHookStdout(text: string): boolean {
  if (text === '') return true;
  if (!text.startsWith('{')) return false;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
