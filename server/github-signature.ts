// GitHub's X-Hub-Signature-256: `sha256=` + hex HMAC-SHA256 of the raw payload bytes.
// Checked before any parsing, in constant time, and never throwing on a malformed header.
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER = /^sha256=([0-9a-fA-F]{64})$/;

/** The header value GitHub would send for `payload` under `secret`. */
export function signGithubPayload(secret: string, payload: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`;
}

/**
 * True only for a well-formed `sha256=<64 hex>` header matching the payload. The shape check
 * guarantees both buffers are 32 bytes, so timingSafeEqual cannot throw; `sha1=`, missing,
 * non-hex and wrong-length headers are simply false.
 */
export function verifyGithubSignature(secret: string, payload: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const m = HEADER.exec(header.trim());
  if (m?.[1] === undefined) return false;
  const given = Buffer.from(m[1], 'hex');
  const expected = createHmac('sha256', secret).update(payload).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
