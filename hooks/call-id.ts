// The id a hook client makes for each hook call (DESIGN §1): sent with the live request in the
// x-agentry-hook-id header and written in the spool line, so the supervisor keeps one record per
// call whichever way, or however many ways, it arrives. agentry-hook.sh makes it (a kernel UUID)
// and hands it to the Node fallback in AGENTRY_HOOK_CALL_ID; a client started some other way makes
// its own.

export const CALL_ID_HEADER = 'x-agentry-hook-id';
const CALL_ID_ENV = 'AGENTRY_HOOK_CALL_ID';

const CALL_ID = /^[A-Za-z0-9-]{16,64}$/;

export function isCallId(value: unknown): value is string {
  return typeof value === 'string' && CALL_ID.test(value);
}

/** The id handed down by agentry-hook.sh when it is one, else a fresh one. */
export function callIdFrom(env: Readonly<Record<string, string | undefined>>): string {
  const given = env[CALL_ID_ENV];
  // The global, loaded on first use: a call handed its id loads no crypto (about 6 ms of a hook's start).
  return isCallId(given) ? given : crypto.randomUUID();
}

/** The idempotency key the supervisor remembers a call under (the spool line's id). */
export function callKey(callId: string): string {
  return `hook:${callId}`;
}
