// agentry hooks install | uninstall: merges our handlers into (or out of) Claude Code settings,
// idempotently, keeping every other hook; says what changed.
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { loadConfig } from '../../config/load.js';
import { DEFAULT_TOKEN_ENV_VAR, planInstall, planUninstall, readSettings, writeSettings } from '../../hooks/install.js';
import type { InstallOptions, SettingsScope, Transport } from '../../hooks/install.js';
import { mcpServerEntry, planMcpInstall, planMcpUninstall } from '../../hooks/mcp-config.js';
import { oneOf } from './args.js';
import { note, output } from './context.js';
import type { CommandContext } from './context.js';
import { SCOPES, cliPath, hookScriptPath, ourHandlers, scopePath } from './hook-settings.js';

const TRANSPORTS: readonly Transport[] = ['command', 'http'];

export interface HooksOptions extends CommandContext {
  scope: string | undefined;
  transport?: string | undefined;
}

export async function hooksInstall(opts: HooksOptions): Promise<void> {
  const scope = oneOf(opts.scope, SCOPES, '--scope') ?? 'project';
  const transport = oneOf(opts.transport, TRANSPORTS, '--transport') ?? 'command';
  const install = await installOptions(opts, transport, scope);
  const path = scopePath(opts, scope);
  const before = await readSettings(path);
  const after = planInstall(before, install);
  const change = await apply(path, before, after);
  const mcp = await registerMcp(opts, scope, (file) => planMcpInstall(file, mcpServerEntry(cliPath())));
  output(opts, { scope, transport, path, ...change, ...(mcp ? { mcp } : {}) }, () => [
    change.changed
      ? `installed agentry hooks in ${path} (${scope}, ${transport}): added ${change.added}${change.removed > 0 ? `, replaced ${change.removed}` : ''} handlers`
      : `agentry hooks already installed in ${path} (${change.handlers} handlers); nothing changed`,
    ...(mcp?.changed ? [`registered the agentry MCP server (agentry mcp) in ${mcp.path}`] : []),
  ]);
}

/**
 * The project's .mcp.json, for the project and local scopes (user-scope MCP servers live in
 * Claude Code's own ~/.claude.json, which agentry does not edit): merged, other servers kept.
 */
async function registerMcp(opts: CommandContext, scope: SettingsScope, plan: (file: Record<string, unknown>) => Record<string, unknown>): Promise<{ path: string; changed: boolean } | undefined> {
  if (scope === 'user') return undefined;
  const path = join(opts.paths.projectDir, '.mcp.json');
  const before = await readSettings(path);
  const after = plan(before);
  const changed = !isDeepStrictEqual(before, after);
  if (changed) await writeSettings(path, after);
  return { path, changed };
}

export async function hooksUninstall(opts: HooksOptions): Promise<void> {
  const scope: SettingsScope = oneOf(opts.scope, SCOPES, '--scope') ?? 'project';
  const path = scopePath(opts, scope);
  const before = await readSettings(path);
  const change = await apply(path, before, planUninstall(before));
  const mcp = await registerMcp(opts, scope, planMcpUninstall);
  output(opts, { scope, path, ...change, ...(mcp ? { mcp } : {}) }, () => [
    change.changed ? `removed ${change.removed} agentry handlers from ${path}; other hooks kept` : `no agentry hooks in ${path}; nothing changed`,
  ]);
}

interface Change {
  changed: boolean;
  added: number;
  removed: number;
  /** Our handlers in the file afterwards. */
  handlers: number;
}

async function apply(path: string, before: Record<string, unknown>, after: Record<string, unknown>): Promise<Change> {
  const was = new Set(ourHandlers(before));
  const now = ourHandlers(after);
  const changed = !isDeepStrictEqual(before, after);
  if (changed) await writeSettings(path, after);
  const added = now.filter((h) => !was.has(h)).length;
  const removed = [...was].filter((h) => !now.includes(h)).length;
  return { changed, added, removed, handlers: now.length };
}

async function installOptions(opts: CommandContext, transport: Transport, scope: SettingsScope): Promise<InstallOptions> {
  // SessionStart, PreToolUse and PermissionRequest are commands under http too, so the script path is needed.
  const script = hookScriptPath();
  if (!existsSync(script)) note(opts, `warning: ${script} is missing; the hooks will fail until it exists (reinstall agentry)`);
  const commandPath = scope === 'project' ? sharedCommandPath(opts, script) : script;
  if (transport === 'command') return { transport, commandPath };
  const { tcp } = (await loadConfig(opts.paths.configFile)).server;
  if (!tcp.enabled) note(opts, 'warning: server.tcp.enabled is false in agentry.config.json; http hooks fail until it is true');
  const host = tcp.host === '::1' ? '[::1]' : tcp.host;
  note(opts, `http hooks send $${DEFAULT_TOKEN_ENV_VAR} as the token: export ${DEFAULT_TOKEN_ENV_VAR}="$(cat ${opts.paths.tokenFile})" where Claude Code runs`);
  return { transport, commandPath, url: `http://${host}:${tcp.port}`, tokenEnvVar: DEFAULT_TOKEN_ENV_VAR };
}

/**
 * Project settings are committed and shared, so they name no absolute path: the script under
 * $CLAUDE_PROJECT_DIR when agentry is installed in the project, else `agentry` on PATH.
 */
function sharedCommandPath(opts: CommandContext, script: string): string {
  const project = realpathOr(opts.paths.projectDir);
  const rel = relative(project, realpathOr(script));
  if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return `$CLAUDE_PROJECT_DIR/${rel.split(sep).join('/')}`;
  note(
    opts,
    'note: agentry is not installed inside this project, so the shared project settings run `agentry hook` from PATH ' +
      '(every user needs agentry installed; `npm i -D agentry` keeps it in the project, `--scope local` keeps the path to this copy private)',
  );
  return 'agentry';
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
