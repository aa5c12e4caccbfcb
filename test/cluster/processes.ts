// What the tests of real `agentry start` processes on one Postgres share: the CLI as a child
// process, and polling on real time (real processes, a real database).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { BIN } from '../support/daemon.js';
import { untilValue } from '../support/until.js';

/** Long enough for two supervisors and a few hundred offline tasks on a loaded 2-core machine. */
const WAIT_MS = 240_000;

export function cli(project: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, AGENTRY_HOME: join(project, '.agentry'), CLAUDE_PROJECT_DIR: project };
    delete env['VITEST'];
    execFile(process.execPath, [BIN, ...args], { cwd: project, env, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

/** Polls `probe` until it gives a value, as long as a cluster test may take. */
export const eventually = <T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = WAIT_MS): Promise<T> => untilValue(probe, what, timeoutMs);
