// Loopback TCP hardening (reliability.md §6): a bearer token from a 0600 file compared in
// constant time, an exact Host allowlist against DNS rebinding, and no browser Origin at all.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../core/errors.js';
import { HttpError } from './errors-http.js';
import type { RequestGuard } from './request-handler.js';
import { ensurePrivateDir } from './socket-path.js';

const MIN_TOKEN_CHARS = 32;

/** Reads the token, refusing a file that others could read or that is not ours. */
export function readTokenFile(path: string): string {
  let st;
  try {
    st = lstatSync(path);
  } catch (err) {
    throw new UserError('INVALID_CONFIG', `token file ${path} cannot be read: ${(err as Error).message}`, { cause: err });
  }
  if (!st.isFile()) throw new UserError('INVALID_CONFIG', `token file ${path} is not a regular file (symlinks are refused)`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new UserError('INVALID_CONFIG', `token file ${path} belongs to uid ${st.uid}, not to us (uid ${uid})`);
  }
  const mode = st.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    const octal = mode.toString(8).padStart(4, '0');
    throw new UserError('INVALID_CONFIG', `token file ${path} has mode ${octal}, so other users can read it; run \`chmod 600 ${path}\``);
  }
  const token = readFileSync(path, 'utf8').trim();
  if (token.length < MIN_TOKEN_CHARS) {
    throw new UserError('INVALID_CONFIG', `token file ${path} holds a token shorter than ${MIN_TOKEN_CHARS} characters`);
  }
  return token;
}

/** Creates a random 32-byte hex token (mode 0600) if `path` is missing; returns the token. */
export function ensureTokenFile(path: string): string {
  ensurePrivateDir(dirname(path));
  try {
    // 'wx' fails if the file exists, so a concurrent creator never gets overwritten.
    writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readTokenFile(path);
}

// Both sides are hashed first, so the compare is over equal lengths and never throws; the
// hash also hides the token's length from timing.
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time check of an `Authorization: Bearer <token>` header. */
export function bearerMatches(header: string | undefined, tokenDigest: Buffer): boolean {
  if (header === undefined) return false;
  const m = /^Bearer +(\S+) *$/i.exec(header);
  const given = digest(m?.[1] ?? '');
  return timingSafeEqual(given, tokenDigest) && m !== null;
}

/** The TCP listener's guard: 403 for an Origin or a Host not allowed, 401 without the bearer token (unless the route is signed). */
export function createTcpGuard(token: string, port: number, allowedHosts: readonly string[] = []): RequestGuard {
  const tokenDigest = digest(token);
  const hosts = new Set([`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, ...allowedHosts].map((h) => h.toLowerCase()));
  return {
    check(req, route) {
      // Hooks and the CLI never send Origin; a browser always does on cross-site requests.
      if (req.headers.origin !== undefined) throw new HttpError('FORBIDDEN', 'requests with an Origin header are refused');
      const host = req.headers.host?.toLowerCase();
      if (host === undefined || !hosts.has(host)) {
        throw new HttpError('FORBIDDEN', `Host ${JSON.stringify(req.headers.host ?? '')} is not allowed`);
      }
      if (route?.signed !== true && !bearerMatches(req.headers.authorization, tokenDigest)) {
        throw new HttpError('UNAUTHORIZED', 'a valid `Authorization: Bearer <token>` header is required', {
          headers: { 'www-authenticate': 'Bearer' },
        });
      }
    },
  };
}
