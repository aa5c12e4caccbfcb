// The console's sign-in: a one-time link carrying a short-lived token (issued over the Unix
// socket, so only someone who can reach .agentry/ gets one), exchanged once for a session held
// in an HttpOnly, SameSite=Strict cookie, plus a per-session CSRF token for state changes.
// Sessions live in memory: a restart signs everyone out, and `agentry console` signs in again.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The session cookie's name carries the console's port: browsers send 127.0.0.1's cookies to
 * every port, so two supervisors' consoles side by side must not overwrite each other's session.
 */
export const cookieNameFor = (port: number): string => `agentry_console_${port}`;
/** How long a sign-in link works (once). */
const LINK_TTL_MS = 2 * 60_000;
/** How long a session lasts without a new sign-in. */
const SESSION_TTL_MS = 12 * 60 * 60_000;
/** A bound on live sessions and links, so a script issuing links cannot grow memory forever. */
const MAX_ENTRIES = 1000;

interface ConsoleSession {
  csrf: string;
  expiresAt: number;
}

export interface ConsoleAuth {
  /** A fresh one-time token and when it stops working. */
  issueLink(): { token: string; expiresAt: number };
  /** Spends a link token: a new session, or undefined when unknown, used or expired. */
  redeem(token: string): { sessionId: string; session: ConsoleSession } | undefined;
  /** The live session named by a Cookie header, if any. */
  sessionOf(cookieHeader: string | undefined): ConsoleSession | undefined;
  /** Constant-time check of a CSRF header against the session's token. */
  csrfMatches(session: ConsoleSession, header: string | undefined): boolean;
}

/** Drops the oldest entries (Maps keep insertion order) until one more fits. */
function bounded<V>(map: Map<string, V>): void {
  while (map.size >= MAX_ENTRIES) {
    const oldest = map.keys().next().value;
    if (oldest === undefined) break;
    map.delete(oldest);
  }
}

const digest = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');
const secret = (): string => randomBytes(32).toString('base64url');

export function createConsoleAuth(now: () => number, cookieName: () => string): ConsoleAuth {
  // Keyed by the digest, so a timing leak in Map lookup reveals nothing usable.
  const links = new Map<string, number>();
  const sessions = new Map<string, ConsoleSession>();
  const prune = (): void => {
    const t = now();
    for (const [k, exp] of links) if (exp <= t) links.delete(k);
    for (const [k, s] of sessions) if (s.expiresAt <= t) sessions.delete(k);
  };
  return {
    issueLink() {
      prune();
      bounded(links);
      const token = secret();
      const expiresAt = now() + LINK_TTL_MS;
      links.set(digest(token), expiresAt);
      return { token, expiresAt };
    },
    redeem(token) {
      const key = digest(token);
      const exp = links.get(key);
      links.delete(key); // spent on the first try, valid or not
      if (exp === undefined || exp <= now()) return undefined;
      prune();
      bounded(sessions);
      const sessionId = secret();
      const session = { csrf: secret(), expiresAt: now() + SESSION_TTL_MS };
      sessions.set(digest(sessionId), session);
      return { sessionId, session };
    },
    sessionOf(cookieHeader) {
      const id = cookieValue(cookieHeader, cookieName());
      if (id === undefined) return undefined;
      const session = sessions.get(digest(id));
      if (session === undefined) return undefined;
      if (session.expiresAt <= now()) {
        sessions.delete(digest(id));
        return undefined;
      }
      return session;
    },
    csrfMatches(session, header) {
      if (header === undefined) return false;
      const a = Buffer.from(digest(header));
      const b = Buffer.from(digest(session.csrf));
      return timingSafeEqual(a, b);
    },
  };
}

/** The value of cookie `name` in a Cookie header. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie value for a new session. */
export function sessionCookie(name: string, sessionId: string): string {
  return `${name}=${sessionId}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_TTL_MS / 1000}`;
}
