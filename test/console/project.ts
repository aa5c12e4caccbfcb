// A project folder for the console tests, the supervisor in it as a real child process (offline
// model), and the real CLI run beside it.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, startDaemon } from '../support/daemon.js';
import type { Daemon } from '../support/daemon.js';

export interface ConsoleProject {
  dir: string;
  configFile: string;
  daemon: Daemon;
  /** Runs `agentry ARGS --json` and parses its stdout. */
  cli<T>(args: readonly string[]): Promise<T>;
}

export async function startProject(config: Record<string, unknown>): Promise<ConsoleProject> {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-console-'));
  const configFile = join(dir, 'agentry.config.json');
  writeFileSync(configFile, `${JSON.stringify({ version: 1, ...config }, null, 2)}\n`);
  const daemon = await startDaemon({ projectDir: dir, args: ['--offline'] });
  const env = { ...process.env, AGENTRY_HOME: join(dir, '.agentry'), CLAUDE_PROJECT_DIR: dir };
  delete (env as Record<string, string | undefined>)['VITEST'];
  const cli = <T>(args: readonly string[]): Promise<T> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args, '--json'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.once('error', reject);
      child.once('exit', (code) => {
        if (code !== 0) reject(new Error(`agentry ${args.join(' ')} exited ${code}: ${err}${out}`));
        else resolve(JSON.parse(out) as T);
      });
    });
  return { dir, configFile, daemon, cli };
}
