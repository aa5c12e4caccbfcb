// `agentry start`: the supervisor in the foreground (logs on stderr, SIGTERM drains and exits 0,
// SIGHUP reloads the config), or `--detach`ed into the background with its pid in .agentry/.
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentryError, PolicyError, SystemError } from '../core/errors.js';
import { agentryPaths } from '../core/paths.js';
import { createApiClient } from '../server/index.js';
import { boot } from './boot.js';

export interface DaemonOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  detach: boolean;
  offline: boolean;
  json: boolean;
}

export async function runDaemon(opts: DaemonOptions): Promise<number> {
  return opts.detach ? detach(opts) : foreground(opts);
}

async function foreground(opts: DaemonOptions): Promise<number> {
  const paths = agentryPaths(opts.cwd, opts.env);
  // Caught from the start: boot's socket answers before boot returns, and a SIGTERM sent as soon
  // as it answers must drain the supervisor, not kill it (leaving a stale socket and lock).
  let early: string | undefined;
  let onSignal = (signal: string): void => {
    early ??= signal;
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));
  let booted;
  try {
    booted = await boot({ paths, env: opts.env, offline: opts.offline });
  } catch (err) {
    return report(err, opts.json);
  }
  const { supervisor, server, logger } = booted;
  const line = { pid: process.pid, socket: server.socketPath, tcpPort: server.tcpPort ?? null, model: booted.modelNote, mode: supervisor.config.mode };
  process.stdout.write(opts.json ? `${JSON.stringify(line)}\n` : `agentry started · pid ${line.pid} · mode ${line.mode} · ${line.model}\n  socket ${line.socket}\n`);
  return new Promise<number>((resolve) => {
    const stop = (signal: string): void => {
      logger.info({ signal }, 'draining');
      booted
        .close(`signal ${signal}`)
        .then(() => resolve(0))
        .catch((err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          resolve(1);
        });
    };
    onSignal = stop;
    if (early !== undefined) stop(early);
    process.on('SIGHUP', () => void booted.reloadConfig());
  });
}

/** Starts `agentry start` as a background process and waits until its socket answers. */
async function detach(opts: DaemonOptions): Promise<number> {
  const paths = agentryPaths(opts.cwd, opts.env);
  await mkdir(paths.stateDir, { recursive: true, mode: 0o700 });
  await mkdir(dirname(paths.logFile), { recursive: true, mode: 0o700 });
  const client = createApiClient({ stateDir: paths.stateDir });
  if (await client.isReachable(500)) {
    const pid = (await client.get<{ health: { pid: number } }>('/v1/status')).health.pid;
    return report(new PolicyError('CONFLICT', `agentry is already running (pid ${pid}); stop it with \`agentry stop\``), opts.json);
  }
  const out = openSync(`${paths.stateDir}/logs/daemon.out`, 'a', 0o600);
  const bin = fileURLToPath(new URL('./bin.js', import.meta.url));
  const args = [bin, 'start', ...(opts.offline ? ['--offline'] : [])];
  const child = spawn(process.execPath, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', out, out] });
  child.unref();
  for (let i = 0; i < 100; i++) {
    if (await client.isReachable(200)) {
      process.stdout.write(opts.json ? `${JSON.stringify({ pid: child.pid, socket: client.where })}\n` : `agentry started in the background · pid ${child.pid}\n  logs ${paths.stateDir}/logs/\n`);
      return 0;
    }
    if (child.exitCode !== null) break;
    if (!opts.json && process.stderr.isTTY) process.stderr.write('.');
    await new Promise((r) => setTimeout(r, 100));
  }
  return report(new SystemError('INTERNAL', `the background supervisor did not come up; see ${paths.stateDir}/logs/daemon.out`), opts.json);
}

function report(err: unknown, json: boolean): number {
  const e = err instanceof AgentryError ? err : null;
  const code = e?.code ?? 'INTERNAL';
  const message = err instanceof Error ? err.message : String(err);
  if (json) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
  else process.stderr.write(`agentry: ${message}\n`);
  return code === 'INVALID_CONFIG' || code === 'USAGE' ? 2 : 1;
}
