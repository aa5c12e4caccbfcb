// Polls `check` on real time (for real I/O: fsync, sockets, child processes) until it holds,
// bounded, with the thing awaited named in the error. Simulated time is advanced elsewhere.
// The bound only decides how long a failing test takes to say so: generous, so a loaded machine
// (another `npm test` beside this one) does not fail a passing test.
export async function until(check: () => boolean, what = 'a condition', timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Polls the async `probe` on real time until it gives a value, bounded like `until`. */
export async function untilValue<T>(probe: () => Promise<T | undefined>, what = 'a value', timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
