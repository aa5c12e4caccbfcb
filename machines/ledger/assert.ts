// TigerBeetle-style assertions: a broken invariant is our bug, so it stops the caller loudly
// instead of letting money or policy drift.
import { SystemError } from '../../core/errors.js';
import type { ErrorDetails } from '../../core/errors.js';

export function invariant(condition: boolean, message: string, details: ErrorDetails = {}): asserts condition {
  if (!condition) throw new SystemError('INTERNAL', message, { details });
}

/** A finite number ≥ 0 (NaN would make every `>` comparison false and fail open). */
export function assertAmount(value: number, what: string): void {
  invariant(Number.isFinite(value) && value >= 0, `${what} must be a finite number >= 0, got ${String(value)}`, {
    field: what,
    value: String(value),
  });
}
