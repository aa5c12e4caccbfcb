// Where the Unix socket lives. The kernel silently truncates socket paths past ~107 bytes, so
// a deep state folder gets its socket under a short runtime folder, and the real location is
// written to <stateDir>/agentry.sock.path for clients (hooks, the CLI) to find.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';

export const SOCKET_NAME = 'agentry.sock';
export const SOCKET_RECORD_NAME = 'agentry.sock.path';
/** Past this many bytes the socket moves to the runtime folder (Linux allows 107, macOS 103). */
export const MAX_SOCKET_PATH_BYTES = 100;

export interface SocketPlan {
  path: string;
  /** True when the socket is outside the state folder and must be recorded there. */
  relocated: boolean;
}

/** Where the server should listen for `stateDir`. `runtimeDir` defaults to $XDG_RUNTIME_DIR. */
export function planSocketPath(stateDir: string, runtimeDir: string | undefined = process.env['XDG_RUNTIME_DIR']): SocketPlan {
  const direct = join(resolve(stateDir), SOCKET_NAME);
  if (Buffer.byteLength(direct) <= MAX_SOCKET_PATH_BYTES) return { path: direct, relocated: false };
  const name = `${createHash('sha256').update(resolve(stateDir)).digest('hex').slice(0, 8)}.sock`;
  const candidates = [
    runtimeDir !== undefined && runtimeDir !== '' ? join(runtimeDir, 'agentry') : undefined,
    join(tmpdir(), `agentry-${process.getuid?.() ?? 'user'}`),
    `/tmp/agentry-${process.getuid?.() ?? 'user'}`,
  ];
  for (const dir of candidates) {
    if (dir !== undefined && Buffer.byteLength(join(dir, name)) <= MAX_SOCKET_PATH_BYTES) {
      return { path: join(dir, name), relocated: true };
    }
  }
  throw new UserError('INVALID_CONFIG', `no socket path under ${MAX_SOCKET_PATH_BYTES} bytes is available for ${stateDir}`);
}

/** Where clients should connect: the recorded location if there is one, else the plan. */
export function resolveSocketPath(stateDir: string): string {
  const record = join(stateDir, SOCKET_RECORD_NAME);
  if (existsSync(record)) {
    const recorded = readFileSync(record, 'utf8').trim();
    if (isAbsolute(recorded)) return recorded;
  }
  return planSocketPath(stateDir).path;
}

/**
 * Creates `dir` with mode 0700, or checks an existing one: it must be a real directory owned by
 * us (a shared /tmp lets anyone pre-create a folder with our name), then it is chmod'ed 0700.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new UserError('INVALID_CONFIG', `${dir} is not a directory (a symlink or file is in the way)`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new UserError('INVALID_CONFIG', `${dir} belongs to uid ${st.uid}, not to us (uid ${uid}); remove it or set AGENTRY_HOME`);
  }
  if ((st.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}
