// Whether a process exists, for the lock, the pid file and `agentry stop`: one answer everywhere.

/** Signal 0 checks existence only. EPERM means it exists but belongs to another user: alive. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
