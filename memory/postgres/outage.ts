// Whether an error from pg means the server could not be reached (down, restarting, the network
// gone) rather than that it refused what was asked. An outage passes: waiting and trying again
// is right. A refusal (a constraint, a bad query) comes back the same however long one waits.

/** SQLSTATE classes and codes of a lost server: connection exceptions, shutdowns, start-up, too many connections. */
const OUTAGE_SQLSTATE = /^(08...|57P0[1-3]|53300)$/;
const OUTAGE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** What pg says, with no code, when a connection drops or cannot be made in time. */
const OUTAGE_MESSAGE = /connection terminated|timeout exceeded when trying to connect|server closed the connection|connection error/i;

export function isOutage(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (OUTAGE_SQLSTATE.test(code) || OUTAGE_ERRNO.has(code))) return true;
  return typeof message === 'string' && OUTAGE_MESSAGE.test(message);
}
