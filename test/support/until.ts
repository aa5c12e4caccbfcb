// Polls `check` on real time (for real I/O: fsync, sockets, child processes) until it holds,
// bounded, with the thing awaited named in the error. Simulated time is advanced elsewhere.
export async function until(check: () => boolean, what = 'a condition', timeoutMs = 4000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
