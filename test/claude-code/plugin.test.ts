// agentry's plugin and MCP server as the real Claude Code CLI sees them: the package's marketplace
// adds and its plugin installs with `claude plugin …` (no prompt), both manifests validate, and the
// `.mcp.json` that `agentry hooks install` wrote starts a server Claude Code can connect to.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../support/daemon.js';
import { claudeBinary } from './support/claude.js';
import { createRig, type Rig } from './support/rig.js';

const home = mkdtempSync(join(tmpdir(), 'agentry-claude-plugin-'));
let rig: Rig | undefined;
afterAll(async () => {
  await rig?.close();
  rmSync(home, { recursive: true, force: true });
});

function claude(args: string[], cwd = home): { code: number | null; out: string } {
  const bin = claudeBinary();
  if (bin === undefined) throw new Error('the Claude Code binary is not installed: run `npm run test:claude-code`');
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, DISABLE_TELEMETRY: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1', ANTHROPIC_API_KEY: 'sk-ant-dummy' };
  const r = spawnSync(bin, args, { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe('the Claude Code plugin and MCP server', () => {
  it('both manifests validate', () => {
    expect(claude(['plugin', 'validate', join(REPO, 'claude-plugin')])).toMatchObject({ code: 0 });
    expect(claude(['plugin', 'validate', REPO])).toMatchObject({ code: 0 });
  });

  it('installs from the package as a local marketplace', () => {
    const added = claude(['plugin', 'marketplace', 'add', REPO]);
    expect(added).toMatchObject({ code: 0 });
    const installed = claude(['plugin', 'install', 'agentry@agentry']);
    expect(installed).toMatchObject({ code: 0 });
    const list = claude(['plugin', 'list', '--json']);
    expect(list).toMatchObject({ code: 0 });
    expect(list.out).toContain('agentry@agentry');
  });

  it('starts the server hooks install registered in .mcp.json, and offers its tools to the model', async () => {
    rig = await createRig('up');
    // The person's approval of the project's MCP server (Claude Code asks for it once).
    const settingsFile = join(rig.dir, '.claude', 'settings.json');
    writeFileSync(settingsFile, JSON.stringify({ ...(JSON.parse(readFileSync(settingsFile, 'utf8')) as object), enabledMcpjsonServers: ['agentry'] }));
    // Claude Code defers MCP tools: the model loads one with ToolSearch, then calls it.
    const turns = [{ tool: 'ToolSearch', input: { query: 'select:mcp__agentry__status' } }, { tool: 'mcp__agentry__status', input: {} }, { text: 'done' }];
    const run = await rig.run('what is agentry doing?', turns, { allowedTools: ['ToolSearch', 'mcp__agentry__status'] });
    expect(run.result.permission_denials).toEqual([]);
    const [, second, third] = rig.model.requests;
    if (second === undefined || third === undefined) throw new Error(`the model was asked ${rig.model.requests.length} times`);
    const listed = `${rig.model.textOf(second)}\n${JSON.stringify(second.body['tools'] ?? [])}`;
    for (const tool of ['create_content_task', 'list_approvals', 'approve', 'learning_report']) expect(listed).toContain(`mcp__agentry__${tool}`);
    // The status tool's answer: the running supervisor's dashboard, through agentry mcp.
    expect(rig.model.textOf(third)).toContain('"mode": "semi"');
  });
});
