// Where a hook call finds agentry: the same lookup as core/paths.ts and server/socket-path.ts
// (and hooks/agentry-hook.sh), redone here because the hook hot path loads only hooks/ files.
// test/hooks/client-locate.test.ts keeps the three in step.

import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

export interface HookLocations {
  readonly projectDir: string;
  readonly stateDir: string;
  readonly configFile: string;
  readonly spoolFile: string;
  /** The supervisor's Unix socket: the location recorded in agentry.sock.path, else <stateDir>/agentry.sock. */
  readonly socketPath: string;
}

export type HookEnv = Readonly<Record<string, string | undefined>>;

/** `$CLAUDE_PROJECT_DIR` (a hook's cwd can move), then `cwd`; `$AGENTRY_HOME` moves the state folder. */
export function locate(cwd: string, env: HookEnv): HookLocations {
  const projectDir = resolve(cwd, nonEmpty(env['CLAUDE_PROJECT_DIR']) ?? cwd);
  const stateDir = resolve(cwd, nonEmpty(env['AGENTRY_HOME']) ?? join(projectDir, '.agentry'));
  return {
    projectDir,
    stateDir,
    configFile: join(projectDir, 'agentry.config.json'),
    spoolFile: join(stateDir, 'hooks.spool.ndjson'),
    socketPath: socketPathIn(stateDir),
  };
}

// A socket path too long for the kernel is relocated by the server, which then always writes the
// record; without a record the supervisor is not running, and the direct path is as good as any.
function socketPathIn(stateDir: string): string {
  const record = join(stateDir, 'agentry.sock.path');
  try {
    if (existsSync(record)) {
      const recorded = readFileSync(record, 'utf8').trim();
      if (isAbsolute(recorded)) return recorded;
    }
  } catch {
    // unreadable record: fall through to the direct path
  }
  return join(stateDir, 'agentry.sock');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
