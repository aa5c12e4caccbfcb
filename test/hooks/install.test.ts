import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../core/errors.js';
import { type InstallOptions, isAgentryHandler, planInstall, planUninstall, readSettings, settingsPath, shellQuote, writeSettings } from '../../hooks/install.js';
import { HOOK_EVENTS } from '../../hooks/protocol.js';

const COMMAND: InstallOptions = { transport: 'command', commandPath: '/opt/agentry/hooks/agentry-hook.sh' };
const HTTP: InstallOptions = { transport: 'http', commandPath: '/opt/agentry/hooks/agentry-hook.sh', url: 'http://127.0.0.1:4141/' };

const userSettings = () => ({
  permissions: { allow: ['Bash(npm test)'] },
  hooks: {
    PreToolUse: [
      { matcher: 'Bash', hooks: [{ type: 'command', command: 'my-bash-guard', timeout: 3 }] },
      { matcher: 'Write|Edit|MultiEdit|NotebookEdit|Bash', hooks: [{ type: 'command', command: 'prettier-check' }] },
    ],
    SubagentStart: [{ hooks: [{ type: 'command', command: 'notify-start' }] }],
    PreCompact: [],
  },
  model: 'sonnet',
});

type Group = { matcher?: string; hooks: Record<string, unknown>[] };
const groups = (settings: Record<string, unknown>, event: string): Group[] =>
  ((settings['hooks'] as Record<string, unknown>)[event] ?? []) as Group[];

describe('planInstall', () => {
  it('registers every handled event, with timeouts in seconds', () => {
    const settings = planInstall({}, COMMAND);
    expect(Object.keys(settings['hooks'] as object).sort()).toEqual([...HOOK_EVENTS, 'PermissionRequest'].sort());
    const ours = HOOK_EVENTS.flatMap((e) => groups(settings, e).flatMap((g) => g.hooks));
    for (const handler of ours) {
      expect(isAgentryHandler(handler)).toBe(true);
      expect(handler['timeout']).toBeGreaterThanOrEqual(5);
      expect(handler['timeout']).toBeLessThanOrEqual(10);
    }
    expect(groups(settings, 'PreToolUse')).toEqual([
      { matcher: 'Write|Edit|MultiEdit|NotebookEdit|Bash', hooks: [{ type: 'command', command: expect.stringMatching(/^\/opt\/agentry\/hooks\/agentry-hook\.sh PreToolUse \|\| \{/), timeout: 10 }] },
    ]);
    expect(groups(settings, 'UserPromptSubmit')[0]?.hooks[0]?.['timeout']).toBe(5);
    expect(groups(settings, 'SessionStart')[0]?.hooks[0]?.['timeout']).toBe(5);
    // It waits for a person: Claude Code's full 600 s, the deadline inside it.
    expect(groups(settings, 'PermissionRequest')).toEqual([{ hooks: [{ type: 'command', command: '/opt/agentry/hooks/agentry-hook.sh PermissionRequest', timeout: 600 }] }]);
    expect(groups(settings, 'SubagentStart')).toEqual([{ hooks: [{ type: 'command', command: '/opt/agentry/hooks/agentry-hook.sh SubagentStart', timeout: 10 }] }]);
  });

  it('keeps context-returning hooks sync and makes observability hooks async', () => {
    const settings = planInstall({}, COMMAND);
    const post = groups(settings, 'PostToolUse');
    expect(post.map((g) => [g.matcher, g.hooks[0]?.['async'] ?? false])).toEqual([
      ['Agent|Task', false],
      ['^(?!(?:Agent|Task)$)', true],
    ]);
    // the two PostToolUse matchers never both match one tool
    const [agent, rest] = post.map((g) => new RegExp(g.matcher ?? ''));
    for (const tool of ['Agent', 'Task', 'Write', 'Bash', 'AgentX', 'mcp__a__Agent']) {
      const hits = [/^(?:Agent|Task)$/.test(tool), rest?.test(tool)].filter(Boolean).length;
      expect(`${tool}: ${hits}`).toBe(`${tool}: 1`);
    }
    expect(agent).toBeDefined();
    for (const event of ['PostToolUseFailure', 'SubagentStop', 'Notification']) {
      expect(groups(settings, event)[0]?.hooks[0]?.['async']).toBe(true);
    }
    // Stop and SessionEnd too: `claude -p` cancels async hooks as the run ends, just when these fire.
    for (const event of ['PreToolUse', 'SubagentStart', 'SessionStart', 'UserPromptSubmit', 'Stop', 'SessionEnd']) {
      expect(groups(settings, event)[0]?.hooks[0]?.['async']).toBeUndefined();
    }
  });

  it('is idempotent, for both transports and when switching between them', () => {
    for (const options of [COMMAND, HTTP]) {
      const once = planInstall(userSettings(), options);
      expect(planInstall(once, options)).toEqual(once);
    }
    const viaHttp = planInstall(planInstall(userSettings(), COMMAND), HTTP);
    expect(viaHttp).toEqual(planInstall(userSettings(), HTTP));
  });

  it("keeps the user's hooks, including in the same event and matcher group, and does not mutate its input", () => {
    const before = userSettings();
    const after = planInstall(before, COMMAND);
    expect(before).toEqual(userSettings());
    expect(after['permissions']).toEqual(before.permissions);
    expect(after['model']).toBe('sonnet');
    const pre = groups(after, 'PreToolUse');
    expect(pre[0]).toEqual(before.hooks.PreToolUse[0]);
    expect(pre[1]?.hooks).toEqual([{ type: 'command', command: 'prettier-check' }, expect.objectContaining({ command: expect.stringMatching(/^\/opt\/agentry\/hooks\/agentry-hook\.sh PreToolUse /) })]);
    expect(pre).toHaveLength(2);
    expect(groups(after, 'SubagentStart')[0]?.hooks.map((h) => h['command'])).toEqual(['notify-start', '/opt/agentry/hooks/agentry-hook.sh SubagentStart']);
    expect(groups(after, 'PreCompact')).toEqual([]);
  });

  it('builds http handlers with an env-var bearer token, except SessionStart and the gates, which stay commands', () => {
    const settings = planInstall({}, { ...HTTP, tokenEnvVar: 'MY_TOKEN' });
    expect(groups(settings, 'Stop')[0]?.hooks).toEqual([
      {
        type: 'http',
        url: 'http://127.0.0.1:4141/v1/hooks/Stop',
        headers: { Authorization: 'Bearer $MY_TOKEN' },
        allowedEnvVars: ['MY_TOKEN'],
        timeout: 10,
      },
    ]);
    // An http hook that gets 401 or cannot connect fails open; the command answers from the local policy.
    expect(groups(settings, 'PreToolUse')[0]?.hooks[0]).toMatchObject({ type: 'command', timeout: 10 });
    expect(groups(settings, 'PermissionRequest')[0]?.hooks[0]).toMatchObject({ type: 'command' });
    expect(groups(settings, 'PostToolUse')).toHaveLength(1);
    expect(groups(settings, 'PostToolUse')[0]?.matcher).toBeUndefined();
    expect(groups(settings, 'SessionStart')[0]?.hooks[0]?.['type']).toBe('command');
    for (const event of HOOK_EVENTS) for (const g of groups(settings, event)) expect(g.hooks[0]?.['async']).toBeUndefined();
  });

  it('fails closed: PreToolUse blocks (exit 2, reason on stderr) when its command cannot run at all', () => {
    const command = String(groups(planInstall({}, COMMAND), 'PreToolUse')[0]?.hooks[0]?.['command']);
    expect(command.startsWith('/opt/agentry/hooks/agentry-hook.sh PreToolUse || {')).toBe(true);
    const missing = spawnSync('sh', ['-c', command.replace('/opt/agentry/hooks/agentry-hook.sh', '/nonexistent/agentry-hook.sh')], { input: '{}', encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('agentry blocked this tool call: its PreToolUse hook could not run (exit 127)');
    const blocked = spawnSync('sh', ['-c', command.replace('/opt/agentry/hooks/agentry-hook.sh', 'exit 2; :')], { input: '{}', encoding: 'utf8' });
    expect([blocked.status, blocked.stderr]).toEqual([2, '']); // a block of its own passes through unchanged
    const fine = spawnSync('sh', ['-c', command.replace('/opt/agentry/hooks/agentry-hook.sh', 'echo "{}"; :')], { input: '{}', encoding: 'utf8' });
    expect([fine.status, fine.stdout]).toEqual([0, '{}\n']);
    expect(groups(planInstall({}, COMMAND), 'Stop')[0]?.hooks[0]?.['command']).toBe('/opt/agentry/hooks/agentry-hook.sh Stop');
  });

  it('quotes the command path safely and accepts the agentry binary or $CLAUDE_PROJECT_DIR', () => {
    const spaced = planInstall({}, { transport: 'command', commandPath: "/Users/o'neil/My Tools/agentry-hook.sh" });
    expect(groups(spaced, 'Stop')[0]?.hooks[0]?.['command']).toBe(`'/Users/o'\\''neil/My Tools/agentry-hook.sh' Stop`);
    const bin = planInstall({}, { transport: 'command', commandPath: '/usr/local/bin/agentry' });
    expect(groups(bin, 'Stop')[0]?.hooks[0]?.['command']).toBe('/usr/local/bin/agentry hook Stop');
    const project = planInstall({}, { transport: 'command', commandPath: '${CLAUDE_PROJECT_DIR}/node_modules/agentry/hooks/agentry-hook.sh' });
    expect(groups(project, 'Stop')[0]?.hooks[0]?.['command']).toBe('"$CLAUDE_PROJECT_DIR"/node_modules/agentry/hooks/agentry-hook.sh Stop');
    const onPath = planInstall({}, { transport: 'command', commandPath: 'agentry' });
    expect(groups(onPath, 'Stop')[0]?.hooks[0]?.['command']).toBe('agentry hook Stop');
    expect(shellQuote('a b')).toBe("'a b'");
  });

  it.each([
    [{ transport: 'command', commandPath: 'hooks/agentry-hook.sh' }, /absolute/],
    [{ transport: 'command', commandPath: '/bin/sh' }, /agentry-hook.sh or the agentry binary/],
    [{ transport: 'http', commandPath: '/a/agentry-hook.sh' }, /needs a url/],
    [{ transport: 'http', commandPath: '/a/agentry-hook.sh', url: 'ftp://x' }, /http or https/],
    [{ transport: 'http', commandPath: '/a/agentry-hook.sh', url: 'http://x', tokenEnvVar: 'A B' }, /environment variable/],
  ] as [InstallOptions, RegExp][])('refuses bad options %j', (options, message) => {
    expect(() => planInstall({}, options)).toThrowError(message);
  });

  it('refuses settings it cannot merge into', () => {
    expect(() => planInstall([], COMMAND)).toThrowError(UserError);
    expect(() => planInstall({ hooks: 'x' }, COMMAND)).toThrowError(/"hooks" must be an object/);
    expect(() => planInstall({ hooks: { Stop: {} } }, COMMAND)).toThrowError(/"hooks.Stop" must be an array/);
  });
});

describe('planUninstall', () => {
  it('removes only ours and restores what the user had', () => {
    for (const options of [COMMAND, HTTP]) {
      expect(planUninstall(planInstall(userSettings(), options))).toEqual(userSettings());
      expect(planUninstall(planInstall({}, options))).toEqual({});
    }
  });

  it("keeps empty groups and events the user had, and malformed entries it does not understand", () => {
    const odd = { hooks: { PreCompact: [], SessionEnd: [{ matcher: 'x', hooks: [] }, 'junk', { hooks: 'nope' }] }, other: 1 };
    expect(planUninstall(odd)).toEqual(odd);
    expect(planUninstall(planInstall(odd, COMMAND))).toEqual(odd);
    expect(planUninstall({ hooks: { Stop: [] } })).toEqual({ hooks: { Stop: [] } });
    expect(planUninstall({ hooks: {} })).toEqual({ hooks: {} });
  });

  it('recognises our handlers in every form we have written', () => {
    expect(isAgentryHandler({ type: 'command', command: 'node', args: ['/x/agentry-hook.js', 'Stop'] })).toBe(true);
    expect(isAgentryHandler({ type: 'command', command: 'npx agentry hook Stop' })).toBe(true);
    expect(isAgentryHandler({ type: 'http', url: 'http://127.0.0.1:1/v1/hooks/Stop' })).toBe(true);
    expect(isAgentryHandler({ type: 'command', command: 'my-agentry-tools' })).toBe(false);
    expect(isAgentryHandler({ type: 'http', url: 'http://x/hooks/Stop' })).toBe(false);
    expect(isAgentryHandler(null)).toBe(false);
  });
});

describe('settings files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentry-settings-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('maps scopes to paths', () => {
    expect(settingsPath('project', '/p', '/h')).toBe('/p/.claude/settings.json');
    expect(settingsPath('local', '/p', '/h')).toBe('/p/.claude/settings.local.json');
    expect(settingsPath('user', '/p', '/h')).toBe('/h/.claude/settings.json');
  });

  it('reads a missing or blank file as {}', async () => {
    expect(await readSettings(join(dir, 'nope.json'))).toEqual({});
    await writeFile(join(dir, 'blank.json'), '  \n');
    expect(await readSettings(join(dir, 'blank.json'))).toEqual({});
  });

  it('refuses an invalid file, names it, and leaves it untouched', async () => {
    const path = join(dir, 'settings.json');
    const broken = '{ "hooks": { "Stop": [ } // oops\n';
    await writeFile(path, broken);
    const error = await readSettings(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ code: 'INVALID_CONFIG', details: { path } });
    expect((error as Error).message).toContain(path);
    expect(await readFile(path, 'utf8')).toBe(broken);
    await writeFile(path, '[1, 2]');
    await expect(readSettings(path)).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });

  it('writes atomically as 2-space JSON with a trailing newline, keeping the mode and leaving no temp files', async () => {
    const path = join(dir, '.claude', 'settings.json');
    await writeSettings(path, planInstall({}, COMMAND));
    const text = await readFile(path, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "hooks": {\n');
    expect(JSON.parse(text)).toEqual(planInstall({}, COMMAND));
    await mkdir(dir, { recursive: true });
    const { chmod } = await import('node:fs/promises');
    await chmod(path, 0o600);
    await writeSettings(path, { a: 1 });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, '.claude'))).toEqual(['settings.json']);
  });

  it('round-trips: install, uninstall, and the user file comes back', async () => {
    const path = settingsPath('project', dir, '/nowhere');
    await writeSettings(path, userSettings());
    await writeSettings(path, planInstall(await readSettings(path), COMMAND));
    await writeSettings(path, planInstall(await readSettings(path), COMMAND));
    expect(await readSettings(path)).toEqual(planInstall(userSettings(), COMMAND));
    await writeSettings(path, planUninstall(await readSettings(path)));
    expect(await readSettings(path)).toEqual(userSettings());
  });
});
