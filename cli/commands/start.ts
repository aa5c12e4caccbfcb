// agentry start [--detach] [--offline]: the supervisor itself lives in cli/daemon.ts.
import type { CommandContext } from './context.js';
import { loadExport, passExitCode } from './delegate.js';

export interface DaemonOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  detach: boolean;
  offline: boolean;
  json: boolean;
}

type RunDaemon = (opts: DaemonOptions) => Promise<number>;

export async function start(opts: CommandContext & { detach: boolean; offline: boolean }): Promise<void> {
  // A computed specifier: cli/daemon.ts is written separately and may not be in this build.
  const runDaemon = await loadExport<RunDaemon>((s) => import(s), '../daemon.js', 'runDaemon', 'agentry start');
  passExitCode(await runDaemon({ cwd: opts.cwd, env: opts.env, detach: opts.detach, offline: opts.offline, json: opts.json }));
}
