// .mcp.json registration: merged into the user's file, idempotent, removed without a trace.
import { describe, expect, it } from 'vitest';
import { mcpServerEntry, planMcpInstall, planMcpUninstall } from '../../hooks/mcp-config.js';

const entry = mcpServerEntry('/opt/agentry/dist/cli/bin.js');

describe('.mcp.json registration', () => {
  it('adds agentry beside the user servers and keeps every other key', () => {
    const theirs = { mcpServers: { github: { command: 'gh-mcp' } }, note: 'mine' };
    const once = planMcpInstall(theirs, entry);
    expect(once).toEqual({ mcpServers: { github: { command: 'gh-mcp' }, agentry: { type: 'stdio', command: 'node', args: ['/opt/agentry/dist/cli/bin.js', 'mcp'] } }, note: 'mine' });
    expect(planMcpInstall(once, entry)).toEqual(once);
    expect(theirs).toEqual({ mcpServers: { github: { command: 'gh-mcp' } }, note: 'mine' });
    expect(planMcpUninstall(once)).toEqual(theirs);
  });

  it('creates the file, and uninstall leaves no empty mcpServers behind', () => {
    const created = planMcpInstall(undefined, entry);
    expect(Object.keys(created)).toEqual(['mcpServers']);
    expect(planMcpUninstall(created)).toEqual({});
    expect(planMcpUninstall({ other: 1 })).toEqual({ other: 1 });
  });

  it('refuses a file it cannot merge into', () => {
    expect(() => planMcpInstall([], entry)).toThrow(/top level/);
    expect(() => planMcpInstall({ mcpServers: [] }, entry)).toThrow(/mcpServers/);
  });
});
