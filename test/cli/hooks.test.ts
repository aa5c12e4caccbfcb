import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseJson, tempProject } from './harness.js';
import type { Project } from './harness.js';

const SCRIPT = resolve('hooks/agentry-hook.sh');
const USER_HOOK = { matcher: 'Bash', hooks: [{ type: 'command', command: 'echo mine' }] };

describe('agentry hooks install / uninstall', () => {
  let p: Project;
  let settings: string;
  beforeEach(() => {
    p = tempProject();
    settings = join(p.dir, '.claude', 'settings.json');
  });
  afterEach(() => p.remove());

  it('installing twice: the second run says "already installed" and leaves the file byte for byte', async () => {
    const first = await p.run(['hooks', 'install']);
    expect(first.code).toBe(0);
    const mcpFile = join(p.dir, '.mcp.json');
    expect(first.stdout).toBe(`installed agentry hooks in ${settings} (project, command): added 12 handlers\nregistered the agentry MCP server (agentry mcp) in ${mcpFile}\n`);
    const mcpAfter = readFileSync(mcpFile, 'utf8');
    const after = readFileSync(settings, 'utf8');
    const second = await p.run(['hooks', 'install']);
    expect({ code: second.code, stdout: second.stdout }).toEqual({ code: 0, stdout: `agentry hooks already installed in ${settings} (12 handlers); nothing changed\n` });
    expect(readFileSync(settings, 'utf8')).toBe(after);
    expect(readFileSync(mcpFile, 'utf8')).toBe(mcpAfter);
  });

  it("registers agentry mcp in the project's .mcp.json beside the user's servers, and uninstall removes only it", async () => {
    const mcpFile = join(p.dir, '.mcp.json');
    writeFileSync(mcpFile, JSON.stringify({ mcpServers: { github: { command: 'gh-mcp' } } }));
    await p.run(['hooks', 'install']);
    const servers = (JSON.parse(readFileSync(mcpFile, 'utf8')) as { mcpServers: Record<string, { command: string; args?: string[] }> }).mcpServers;
    expect(Object.keys(servers)).toEqual(['github', 'agentry']);
    expect(servers['agentry']).toEqual({ type: 'stdio', command: 'node', args: [resolve('dist/cli/bin.js'), 'mcp'] });
    await p.run(['hooks', 'uninstall']);
    expect(JSON.parse(readFileSync(mcpFile, 'utf8'))).toEqual({ mcpServers: { github: { command: 'gh-mcp' } } });
  });

  it('local and user scope point command hooks at the packaged agentry-hook.sh by absolute path', async () => {
    await p.run(['hooks', 'install', '--scope', 'local']);
    const local = join(p.dir, '.claude', 'settings.local.json');
    const written = JSON.parse(readFileSync(local, 'utf8')) as { hooks: Record<string, { hooks: { command: string }[] }[]> };
    expect(existsSync(SCRIPT)).toBe(true);
    expect(written.hooks['Stop']?.[0]?.hooks[0]?.command).toBe(`${SCRIPT} Stop`);
    expect(written.hooks['PreToolUse']?.[0]?.hooks[0]?.command.startsWith(`${SCRIPT} PreToolUse || {`)).toBe(true);
  });

  it('project scope, shared, names no absolute path: `agentry` from PATH when agentry is not in the project', async () => {
    const r = await p.run(['hooks', 'install']);
    const written = readFileSync(settings, 'utf8');
    expect(written).not.toContain(SCRIPT);
    const parsed = JSON.parse(written) as { hooks: Record<string, { hooks: { command: string }[] }[]> };
    expect(parsed.hooks['Stop']?.[0]?.hooks[0]?.command).toBe('agentry hook Stop');
    expect(r.stderr).toContain('agentry is not installed inside this project');
  });

  it("keeps the user's own hooks through install and uninstall", async () => {
    mkdirSync(join(p.dir, '.claude'));
    writeFileSync(settings, JSON.stringify({ permissions: { allow: ['Bash(ls)'] }, hooks: { PreToolUse: [USER_HOOK] } }));
    await p.run(['hooks', 'install']);
    const off = await p.run(['hooks', 'uninstall', '--json']);
    expect(parseJson(off.stdout)).toEqual({ scope: 'project', path: settings, changed: true, added: 0, removed: 12, handlers: 0, mcp: { path: join(p.dir, '.mcp.json'), changed: true } });
    expect(JSON.parse(readFileSync(settings, 'utf8'))).toEqual({ permissions: { allow: ['Bash(ls)'] }, hooks: { PreToolUse: [USER_HOOK] } });
    const again = await p.run(['hooks', 'uninstall']);
    expect(again.stdout).toBe(`no agentry hooks in ${settings}; nothing changed\n`);
  });

  it('--scope user writes under $HOME; --scope local writes settings.local.json', async () => {
    await p.run(['hooks', 'install', '--scope', 'user']);
    expect(existsSync(join(p.home, '.claude', 'settings.json'))).toBe(true);
    await p.run(['hooks', 'install', '--scope', 'local']);
    expect(existsSync(join(p.dir, '.claude', 'settings.local.json'))).toBe(true);
    expect(existsSync(settings)).toBe(false);
  });

  it('--transport http posts to the loopback port from the config, with the token variable', async () => {
    writeFileSync(join(p.dir, 'agentry.config.json'), JSON.stringify({ version: 1, server: { tcp: { enabled: true, port: 4141 } } }));
    const r = await p.run(['hooks', 'install', '--transport', 'http', '--json']);
    expect(r.code).toBe(0);
    expect(parseJson(r.stdout)).toMatchObject({ transport: 'http', changed: true, added: 11 });
    const written = JSON.parse(readFileSync(settings, 'utf8')) as { hooks: Record<string, { hooks: Record<string, unknown>[] }[]> };
    expect(written.hooks['Stop']?.[0]?.hooks[0]).toMatchObject({
      type: 'http',
      url: 'http://127.0.0.1:4141/v1/hooks/Stop',
      headers: { Authorization: 'Bearer $AGENTRY_TOKEN' },
    });
    // Fails closed under http too: an http hook that cannot connect is a non-blocking error.
    expect(written.hooks['PermissionRequest']?.[0]?.hooks[0]).toMatchObject({ type: 'command', timeout: 600 });
    expect(r.stderr).toContain('export AGENTRY_TOKEN=');
  });

  it('an unknown scope or transport is a usage error', async () => {
    expect((await p.run(['hooks', 'install', '--scope', 'global'])).code).toBe(2);
    const r = await p.run(['hooks', 'install', '--transport', 'grpc']);
    expect(r.stderr.split('\n')[0]).toBe('agentry: --transport must be one of command, http, got "grpc"');
    expect(existsSync(settings)).toBe(false);
  });
});
