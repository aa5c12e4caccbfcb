// The Claude Code plugin shipped in claude-plugin/ (installable from the package's own marketplace,
// .claude-plugin/marketplace.json): its hooks are exactly the entries `agentry hooks install`
// writes, run through the plugin's entry script; its MCP server is `agentry mcp`.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plannedHooks } from '../../hooks/install-plan.js';
import { REPO } from '../support/daemon.js';

const PLUGIN = join(REPO, 'claude-plugin');
const read = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
type Group = { matcher?: string; hooks: Record<string, unknown>[] };

describe('the Claude Code plugin', () => {
  it('hooks/hooks.json holds the same handlers hooks install plans, through the plugin script', () => {
    const file = read(join(PLUGIN, 'hooks', 'hooks.json'));
    const groups = file['hooks'] as Record<string, Group[]>;
    const actual = Object.entries(groups).flatMap(([event, gs]) => gs.flatMap((g) => g.hooks.map((h) => ({ event, matcher: g.matcher, handler: h }))));
    const expected = plannedHooks({ transport: 'command', commandPath: '/PLUGIN/agentry-hook.sh' }).map((h) => ({
      event: h.event,
      matcher: h.matcher,
      handler: { ...h.handler, command: String(h.handler['command']).replace('/PLUGIN/agentry-hook.sh', '"${CLAUDE_PLUGIN_ROOT}/bin/agentry-plugin.sh" hook') },
    }));
    expect(actual).toEqual(expected);
  });

  it('names agentry mcp as its server, and the marketplace lists it', () => {
    const mcp = read(join(PLUGIN, '.mcp.json'));
    expect(mcp).toEqual({ mcpServers: { agentry: { command: '${CLAUDE_PLUGIN_ROOT}/bin/agentry-plugin.sh', args: ['mcp'] } } });
    expect(read(join(PLUGIN, '.claude-plugin', 'plugin.json'))).toMatchObject({ name: 'agentry' });
    const market = read(join(REPO, '.claude-plugin', 'marketplace.json'));
    expect(market).toMatchObject({ name: 'agentry', plugins: [{ name: 'agentry', source: './claude-plugin' }] });
    expect(statSync(join(PLUGIN, 'bin', 'agentry-plugin.sh')).mode & 0o111).not.toBe(0);
  });
});
