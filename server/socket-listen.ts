// Listening on the Unix socket: a socket file left by a killed supervisor is replaced, a live
// one is refused, and the new socket is 0600 inside a 0700 folder (the folder is the portable
// protection; the socket mode is Linux's extra check).
import { chmodSync, lstatSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { UserError } from '../core/errors.js';
import { MAX_SOCKET_PATH_BYTES, SOCKET_RECORD_NAME, ensurePrivateDir, planSocketPath } from './socket-path.js';

const PROBE_TIMEOUT_MS = 1000;

/** Makes the state folder private, picks the socket path, records it when relocated. */
export async function prepareSocket(stateDir: string, explicit?: string, runtimeDir?: string): Promise<string> {
  ensurePrivateDir(stateDir);
  const plan = explicit !== undefined ? { path: explicit, relocated: false } : planSocketPath(stateDir, runtimeDir);
  if (Buffer.byteLength(plan.path) > MAX_SOCKET_PATH_BYTES) {
    throw new UserError('INVALID_CONFIG', `socket path ${plan.path} is over ${MAX_SOCKET_PATH_BYTES} bytes; the kernel would truncate it`);
  }
  ensurePrivateDir(dirname(plan.path));
  await clearStaleSocket(plan.path);
  const record = join(stateDir, SOCKET_RECORD_NAME);
  if (plan.relocated) writeFileSync(record, `${plan.path}\n`, { mode: 0o600 });
  else rmSync(record, { force: true });
  return plan.path;
}

/** Unlinks a socket nobody answers on; refuses when a supervisor is live or a non-socket is there. */
async function clearStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return; // nothing there
  }
  if (!isSocket) throw new UserError('CONFLICT', `${path} exists and is not a socket; remove it by hand`);
  const state = await probe(path);
  if (state === 'live') throw new UserError('CONFLICT', `another supervisor is listening on ${path}`);
  unlinkSync(path);
}

/** 'live' when something accepts a connection, 'stale' on ECONNREFUSED/ENOENT. */
function probe(path: string): Promise<'live' | 'stale'> {
  return new Promise((resolve, reject) => {
    const sock = createConnection({ path });
    const timer = setTimeout(() => {
      sock.destroy();
      // A listener that accepts nothing within the timeout is still a listener.
      resolve('live');
    }, PROBE_TIMEOUT_MS);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.destroy();
      resolve('live');
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT') resolve('stale');
      else reject(new UserError('CONFLICT', `cannot probe ${path}: ${err.message}`, { cause: err }));
    });
  });
}

/** Listens on `path` and makes the socket 0600 at once (the 0700 folder covers the gap). */
export function listenUnix(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const msg = err.code === 'EADDRINUSE' ? `another supervisor is listening on ${path}` : `cannot listen on ${path}: ${err.message}`;
      reject(new UserError('CONFLICT', msg, { cause: err }));
    };
    server.once('error', onError);
    server.listen(path, () => {
      server.off('error', onError);
      try {
        chmodSync(path, 0o600);
        resolve();
      } catch (err) {
        server.close();
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}
