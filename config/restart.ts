// Settings read once at start-up: the API listener, the logger and the model client are built
// by boot from the config, so a change to them is recorded but takes effect only at the next
// start. Everything else (mode, risk, limits, workflows, schedules, …) applies at once.

const AT_START: readonly string[] = ['server', 'logging', 'prices', 'models.maxRetries', 'models.structuredOutput', 'models.repairAttempts'];

/** The changed paths that need a restart, e.g. `server.tcp.enabled`. */
export function needsRestart(paths: readonly string[]): string[] {
  return paths.filter((p) => p === '*' || AT_START.some((prefix) => p === prefix || p.startsWith(`${prefix}.`)));
}
