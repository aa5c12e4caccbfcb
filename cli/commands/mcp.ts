// agentry mcp: the Model Context Protocol server on stdio (cli/mcp/), a thin client of the
// running supervisor's HTTP API. Claude Code starts it from the project's .mcp.json (written by
// `agentry hooks install`) or from agentry's plugin. It serves until stdin closes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { apiClient } from './api.js';
import type { CommandContext } from './context.js';
import { packageRoot } from './hook-settings.js';

export async function mcp(opts: CommandContext): Promise<void> {
  const { serveMcp } = await import('../mcp/server.js');
  const config = await loadConfig(opts.paths.configFile);
  const { version } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  await serveMcp({ api: apiClient(opts), config, version, stdin: opts.io.stdin ?? process.stdin, stdout: opts.io.stdout });
}
