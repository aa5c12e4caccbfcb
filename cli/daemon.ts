// `agentry start`: the supervisor in the foreground (logs on stderr, SIGTERM drains and exits 0,
// SIGHUP reloads the config), or `--detach`ed into the background with its pid in .agentry/.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentryError, ERROR_CODES, PolicyError, SystemError } from '../core/errors.js';
import type { ErrorCode, ErrorDetails } from '../core/errors.js';
import { agentryPaths } from '../core/paths.js';
import { createApiClient } from '../server/index.js';
import { NO_KEY_LINE, boot, hasApiKey } from './boot.js';

export interface DaemonOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  detach: boolean;
  offline: boolean;
  json: boolean;
}

export async function runDaemon(opts: DaemonOptions): Promise<number> {
  return opts.detach ? detach(opts) : foreground(opts);
}

async function foreground(opts: DaemonOptions): Promise<number> {
  const paths = agentryPaths(opts.cwd, opts.env);
  // Caught from the start: boot's socket answers before boot returns, and a SIGTERM sent as soon
  // as it answers must drain the supervisor, not kill it (leaving a stale socket and lock).
  let early: string | undefined;
  let onSignal = (signal: string): void => {
    early ??= signal;
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));
  let booted;
  try {
    booted = await boot({ paths, env: opts.env, offline: opts.offline });
  } catch (err) {
    await tellParent({ type: 'failed', error: errorBody(err) });
    return report(err, opts.json);
  }
  const { supervisor, server, logger } = booted;
  const noKey = supervisor.status().health.model === 'none';
  const line = { pid: process.pid, socket: server.socketPath, tcpPort: server.tcpPort ?? null, model: booted.modelNote, mode: supervisor.config.mode, ...(noKey && { warning: NO_KEY_LINE }) };
  await tellParent({ type: 'ready', pid: process.pid, socket: server.socketPath });
  const warning = noKey ? `  ${NO_KEY_LINE}\n` : '';
  process.stdout.write(opts.json ? `${JSON.stringify(line)}\n` : `agentry started · pid ${line.pid} · mode ${line.mode} · ${line.model}\n${warning}  socket ${line.socket}\n`);
  return new Promise<number>((resolve) => {
    const stop = (signal: string): void => {
      logger.info({ signal }, 'draining');
      booted
        .close(`signal ${signal}`)
        .then(() => resolve(0))
        .catch((err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          resolve(1);
        });
    };
    onSignal = stop;
    if (early !== undefined) stop(early);
    process.on('SIGHUP', () => void booted.reloadConfig());
  });
}

/**
 * Starts `agentry start` as a background process and waits for its word over an IPC channel:
 * `ready` once it holds the lock and serves (exit 0), or `failed` with its real error (exit 1, or
 * 2 for a bad config), so a starter that lost the lock never reports another's supervisor as its
 * own, and a bad config or journal is named here as in the foreground.
 */
async function detach(opts: DaemonOptions): Promise<number> {
  const paths = agentryPaths(opts.cwd, opts.env);
  await mkdir(paths.stateDir, { recursive: true, mode: 0o700 });
  await mkdir(dirname(paths.logFile), { recursive: true, mode: 0o700 });
  const client = createApiClient({ stateDir: paths.stateDir });
  if (await client.isReachable(500)) {
    const pid = await client.get<{ health: { pid: number } }>('/v1/status').then((st) => st.health.pid, () => undefined);
    if (pid !== undefined) return report(alreadyRunning(pid), opts.json);
  }
  const out = openSync(`${paths.stateDir}/logs/daemon.out`, 'a', 0o600);
  const bin = fileURLToPath(new URL('./bin.js', import.meta.url));
  const args = [bin, 'start', ...(opts.offline ? ['--offline'] : [])];
  const child = spawn(process.execPath, args, {
    cwd: opts.cwd,
    env: { ...opts.env, [DETACHED_CHILD]: '1' },
    detached: true,
    stdio: ['ignore', out, out, 'ipc'],
  });
  closeSync(out);
  const word = await childWord(child, DETACH_WAIT_MS);
  if (child.connected) child.disconnect();
  child.unref();
  if (word.type === 'ready') {
    const noKey = !opts.offline && !hasApiKey(opts.env);
    const model = opts.offline ? 'offline' : noKey ? 'none' : 'claude';
    const warning = noKey ? `  ${NO_KEY_LINE}\n` : '';
    const label = opts.offline ? ' · OFFLINE model' : noKey ? ' · no model' : '';
    process.stdout.write(
      opts.json
        ? `${JSON.stringify({ pid: word.pid, socket: word.socket, model, ...(noKey && { warning: NO_KEY_LINE }) })}\n`
        : `agentry started in the background · pid ${word.pid}${label}\n${warning}  logs ${paths.stateDir}/logs/\n`,
    );
    return 0;
  }
  if (word.type === 'failed') return report(fromBody(word.error), opts.json);
  if (word.type === 'exited') return report(new SystemError('INTERNAL', `the background supervisor exited (${word.how}) before it came up; see ${paths.stateDir}/logs/daemon.out`), opts.json);
  return report(new SystemError('INTERNAL', `the background supervisor did not come up within ${DETACH_WAIT_MS / 1000} s (pid ${child.pid ?? '?'}); see ${paths.stateDir}/logs/daemon.out`), opts.json);
}

/** Set in the background child's environment: it reports to its parent over IPC. */
const DETACHED_CHILD = 'AGENTRY_DETACHED_CHILD';
/** How long `start --detach` waits for the child's word (a large journal takes a while to replay). */
const DETACH_WAIT_MS = 120_000;

interface ErrorBodyOut {
  code: string;
  message: string;
  details?: ErrorDetails;
}

type ChildMessage = { type: 'ready'; pid: number; socket: string } | { type: 'failed'; error: ErrorBodyOut };
type ChildWord = ChildMessage | { type: 'exited'; how: string } | { type: 'timeout' };

function childWord(child: ChildProcess, waitMs: number): Promise<ChildWord> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ type: 'timeout' }), waitMs);
    const done = (word: ChildWord): void => {
      clearTimeout(timer);
      resolve(word);
    };
    child.once('message', (m: ChildMessage) => done(m));
    // 'close', not 'exit': it comes after the IPC channel is drained, so a last message is never lost.
    child.once('close', (code, signal) => done({ type: 'exited', how: signal === null ? `code ${code ?? '?'}` : `signal ${signal}` }));
    child.once('error', (err) => done({ type: 'exited', how: err.message }));
  });
}

/** The background child's report to `start --detach`; a no-op in the foreground. */
async function tellParent(message: ChildMessage): Promise<void> {
  if (process.env[DETACHED_CHILD] !== '1' || process.send === undefined || !process.connected) return;
  // A parent that went away (Ctrl-C) is no reason to fail: the word is simply not heard.
  await new Promise<void>((resolve) => {
    try {
      process.send?.(message, undefined, {}, () => resolve());
    } catch {
      resolve();
    }
  });
  if (process.connected) process.disconnect();
}

function errorBody(err: unknown): ErrorBodyOut {
  const e = err instanceof AgentryError ? err : null;
  return { code: e?.code ?? 'INTERNAL', message: err instanceof Error ? err.message : String(err), ...(e ? { details: e.details } : {}) };
}

function fromBody(body: ErrorBodyOut): AgentryError {
  const code = Object.hasOwn(ERROR_CODES, body.code) ? (body.code as ErrorCode) : 'INTERNAL';
  return new SystemError(code, body.message, body.details === undefined ? {} : { details: body.details });
}

function alreadyRunning(pid: number): AgentryError {
  return new PolicyError('STORE_LOCKED', `agentry is already running (pid ${pid}); stop it with \`agentry stop\``, { details: { pid } });
}

/** A lost lock race reads as what it is: another agentry runs. */
function asReported(err: unknown): unknown {
  if (err instanceof AgentryError && err.code === 'STORE_LOCKED' && typeof err.details['pid'] === 'number' && !err.message.startsWith('agentry is already running')) {
    return alreadyRunning(err.details['pid']);
  }
  return err;
}

function report(raw: unknown, json: boolean): number {
  const err = asReported(raw);
  const e = err instanceof AgentryError ? err : null;
  const code = e?.code ?? 'INTERNAL';
  const message = err instanceof Error ? err.message : String(err);
  if (json) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
  else process.stderr.write(`agentry: ${message}\n`);
  return code === 'INVALID_CONFIG' || code === 'USAGE' ? 2 : 1;
}
