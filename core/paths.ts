// Where agentry keeps things (DESIGN §9): the config at the project root, state under
// .agentry/ (or $AGENTRY_HOME). Hooks find the project from $CLAUDE_PROJECT_DIR, since a hook's
// cwd can move.
import { join, resolve } from 'node:path';

export interface AgentryPaths {
  projectDir: string;
  configFile: string;
  stateDir: string;
  pidFile: string;
  spoolFile: string;
  logFile: string;
  tokenFile: string;
}

/** An empty variable counts as unset, as the hook script reads it (`${AGENTRY_HOME:-…}`). */
const set = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);

export function agentryPaths(cwd: string, env: Record<string, string | undefined> = process.env): AgentryPaths {
  const projectDir = resolve(set(env['CLAUDE_PROJECT_DIR']) ?? cwd);
  const stateDir = resolve(set(env['AGENTRY_HOME']) ?? join(projectDir, '.agentry'));
  return {
    projectDir,
    configFile: join(projectDir, 'agentry.config.json'),
    stateDir,
    pidFile: join(stateDir, 'agentry.pid'),
    spoolFile: join(stateDir, 'hooks.spool.ndjson'),
    logFile: join(stateDir, 'logs', 'agentry.ndjson'),
    tokenFile: join(stateDir, 'token'),
  };
}
