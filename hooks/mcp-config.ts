// The project's `.mcp.json` (Claude Code's project-scope MCP servers): `agentry hooks install`
// registers `agentry mcp` there as the server "agentry", keeping every other server and key;
// uninstall removes only ours. Pure planning; the caller reads and writes the file.

import { UserError } from '../core/errors.js';
import { isObject, own } from './own.js';

const MCP_SERVER_NAME = 'agentry';

type Mutable = Record<string, unknown>;

/** How Claude Code starts `agentry mcp`: node and the CLI's absolute path. */
export function mcpServerEntry(binPath: string): Mutable {
  return { type: 'stdio', command: 'node', args: [binPath, 'mcp'] };
}

/** The file with our server (re)registered. Idempotent. */
export function planMcpInstall(file: unknown, entry: Mutable): Mutable {
  const next = clone(file);
  const servers = serversOf(next);
  Object.defineProperty(servers, MCP_SERVER_NAME, { value: entry, enumerable: true, writable: true, configurable: true });
  return next;
}

/** The file without our server; `mcpServers` goes only if we emptied it. */
export function planMcpUninstall(file: unknown): Mutable {
  const next = clone(file);
  const servers = own(next, 'mcpServers');
  if (!isObject(servers) || !Object.hasOwn(servers, MCP_SERVER_NAME)) return next;
  delete (servers as Mutable)[MCP_SERVER_NAME];
  if (Object.keys(servers).length === 0) delete next['mcpServers'];
  return next;
}

function clone(file: unknown): Mutable {
  if (file === undefined) return {};
  if (!isObject(file)) throw invalid('the top level must be a JSON object');
  return JSON.parse(JSON.stringify(file)) as Mutable;
}

function serversOf(file: Mutable): Mutable {
  const servers = own(file, 'mcpServers');
  if (servers === undefined) {
    const table: Mutable = {};
    file['mcpServers'] = table;
    return table;
  }
  if (!isObject(servers)) throw invalid('"mcpServers" must be an object');
  return servers;
}

function invalid(what: string): UserError {
  return new UserError('INVALID_CONFIG', `.mcp.json: ${what}`, { details: { problem: what } });
}
