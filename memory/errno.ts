// Maps node fs failures onto the store's error codes, keeping the errno for diagnosis.
import { StoreError } from '../core/errors.js';

export function errnoOf(err: unknown): string | null {
  if (typeof err !== 'object' || err === null || !('code' in err)) return null;
  return typeof err.code === 'string' ? err.code : null;
}

/** The store could not persist: disk full, I/O error, permissions. Never an acknowledgement. */
export function storeUnavailable(path: string, action: string, err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const errno = errnoOf(err) ?? 'unknown';
  const reason = err instanceof Error ? err.message : String(err);
  return new StoreError('STORE_UNAVAILABLE', `${path}: ${action} failed (${errno}): ${reason}`, {
    details: { path, action, errno },
    cause: err,
  });
}
