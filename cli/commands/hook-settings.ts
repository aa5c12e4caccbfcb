// What `hooks install` and `doctor` need to know about Claude Code settings: where our hook script
// is, where each scope's settings file is, and which handlers in a file are ours.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAgentryHandler, settingsPath } from '../../hooks/install.js';
import type { SettingsScope } from '../../hooks/install.js';
import type { CommandContext } from './context.js';

export const SCOPES: readonly SettingsScope[] = ['project', 'local', 'user'];

/**
 * The package root: the nearest folder above this module with a package.json. This file runs as
 * cli/commands/x.ts in tests and as dist/cli/commands/x.js when installed, so no fixed `../..`
 * fits both.
 */
export function packageRoot(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(from)}`);
    dir = up;
  }
}

/** Absolute path of the CLI in the installed package: what .mcp.json starts as `agentry mcp`. */
export function cliPath(): string {
  return join(packageRoot(), 'dist', 'cli', 'bin.js');
}

/** Absolute path of hooks/agentry-hook.sh in the installed package (the `files` list ships it). */
export function hookScriptPath(): string {
  return join(packageRoot(), 'hooks', 'agentry-hook.sh');
}

export function scopePath(ctx: CommandContext, scope: SettingsScope): string {
  return settingsPath(scope, ctx.paths.projectDir, ctx.env['HOME'] ?? homedir());
}

/** Our handlers in a settings object, each as a stable string `event|matcher|handler JSON`. */
export function ourHandlers(settings: unknown): string[] {
  const hooks = field(settings, 'hooks');
  if (typeof hooks !== 'object' || hooks === null) return [];
  const out: string[] = [];
  for (const [event, groups] of Object.entries(hooks as Record<string, unknown>)) {
    if (!Array.isArray(groups)) continue;
    for (const group of groups) {
      const handlers = field(group, 'hooks');
      if (!Array.isArray(handlers)) continue;
      const matcher = field(group, 'matcher');
      for (const h of handlers) if (isAgentryHandler(h)) out.push(`${event}|${typeof matcher === 'string' ? matcher : ''}|${JSON.stringify(h)}`);
    }
  }
  return out;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}
