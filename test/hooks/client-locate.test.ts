// hooks/locate.ts redoes core/paths.ts and server/socket-path.ts for the hot path; this keeps
// the three in step.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentryPaths } from '../../core/paths.js';
import { locate } from '../../hooks/locate.js';
import { resolveSocketPath } from '../../server/socket-path.js';
import { type TempProject, tempProject } from './client-rig.js';

let p: TempProject;
afterEach(() => p.remove());

describe('hook locations', () => {
  it.each([
    ['the project dir', (t: TempProject) => ({ CLAUDE_PROJECT_DIR: t.project })],
    ['AGENTRY_HOME', (t: TempProject) => ({ CLAUDE_PROJECT_DIR: t.project, AGENTRY_HOME: join(t.project, 'state-here') })],
    ['the cwd alone', () => ({})],
  ])('match core/paths and server/socket-path from %s', (_name, envOf) => {
    p = tempProject();
    mkdirSync(p.project, { recursive: true });
    const env = envOf(p);
    const ours = locate(p.project, env);
    const core = agentryPaths(p.project, env);
    expect({ projectDir: ours.projectDir, stateDir: ours.stateDir, configFile: ours.configFile, spoolFile: ours.spoolFile }).toEqual({
      projectDir: core.projectDir,
      stateDir: core.stateDir,
      configFile: core.configFile,
      spoolFile: core.spoolFile,
    });
    expect(ours.socketPath).toBe(resolveSocketPath(core.stateDir));
  });

  it('reads a relocated socket from agentry.sock.path, as the server’s clients do', () => {
    p = tempProject();
    mkdirSync(p.state, { recursive: true });
    writeFileSync(join(p.state, 'agentry.sock.path'), '/run/user/1000/agentry/0123abcd.sock\n');
    expect(locate(p.project, { CLAUDE_PROJECT_DIR: p.project }).socketPath).toBe('/run/user/1000/agentry/0123abcd.sock');
    expect(resolveSocketPath(p.state)).toBe('/run/user/1000/agentry/0123abcd.sock');
  });

  it('ignores a relative record', () => {
    p = tempProject();
    mkdirSync(p.state, { recursive: true });
    writeFileSync(join(p.state, 'agentry.sock.path'), 'relative.sock\n');
    expect(locate(p.project, { CLAUDE_PROJECT_DIR: p.project }).socketPath).toBe(join(p.state, 'agentry.sock'));
  });
});
