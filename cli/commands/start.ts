// agentry start [--detach] [--offline]: the supervisor itself lives in cli/daemon.ts, which
// reports on its own; its exit code is handed through unchanged.
import { ExitError } from '../exit-error.js';
import type { CommandContext } from './context.js';

export async function start(opts: CommandContext & { detach: boolean; offline: boolean }): Promise<void> {
  const { runDaemon } = await import('../daemon.js');
  const code = await runDaemon({ cwd: opts.cwd, env: opts.env, detach: opts.detach, offline: opts.offline, json: opts.json });
  if (code !== 0) throw ExitError.quiet(code);
}
