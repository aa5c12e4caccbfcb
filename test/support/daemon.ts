// Runs the real supervisor (`node dist/cli/bin.js start`) as a child process for end-to-end
// tests, and waits on its socket. Requires `npm run build` (npm test builds before vitest).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createApiClient } from '../../server/index.js';
import type { ApiClient } from '../../server/index.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
/** The repository, whether this file runs as source (vitest) or compiled in dist/ (a bench). */
export const REPO = basename(ROOT) === 'dist' ? dirname(ROOT) : ROOT;
export const BIN = join(REPO, 'dist', 'cli', 'bin.js');

export function assertBuilt(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does)`);
}

export interface Daemon {
  child: ChildProcess;
  client: ApiClient;
  output(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait until the process is gone. */
  kill9(): Promise<void>;
}

export async function startDaemon(opts: { projectDir: string; env?: Record<string, string>; unset?: string[]; args?: string[]; readyTimeoutMs?: number }): Promise<Daemon> {
  assertBuilt();
  const stateDir = opts.env?.['AGENTRY_HOME'] ?? join(opts.projectDir, '.agentry');
  const env = { ...process.env, AGENTRY_HOME: stateDir, CLAUDE_PROJECT_DIR: opts.projectDir, ...opts.env };
  for (const name of ['VITEST', ...(opts.unset ?? [])]) delete (env as Record<string, string | undefined>)[name];
  const child = spawn(process.execPath, [BIN, 'start', ...(opts.args ?? [])], { cwd: opts.projectDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const client = createApiClient({ stateDir }, { timeoutMs: 10_000 });
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 15_000);
  while (!(await client.isReachable(200))) {
    if (child.exitCode !== null) throw new Error(`the supervisor exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the supervisor did not answer on its socket in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    child,
    client,
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
