// agentry console [--no-open]: asks the running supervisor (over its Unix socket) for a one-time
// sign-in link and opens it in the browser; prints it where no browser can be opened.
import { spawn } from 'node:child_process';
import { apiClient } from './api.js';
import { output } from './context.js';
import type { CommandContext } from './context.js';

interface ConsoleLink {
  url: string;
  consoleUrl: string;
  expiresAt: string;
}

export async function openConsole(opts: CommandContext & { open: boolean }): Promise<void> {
  const link = await apiClient(opts).post<ConsoleLink>('/v1/console/link');
  const opener = opts.open ? browserCommand(process.platform, opts.env) : undefined;
  const opened = opener !== undefined && (await launch(opener, link.url));
  output(opts, { ...link, opened }, () => [
    opened ? `opened the console in your browser: ${link.consoleUrl}` : `open this link to sign in to the console (it works once, until ${link.expiresAt}):`,
    ...(opened ? [] : [`  ${link.url}`]),
  ]);
}

/** The platform's "open a URL" command, or undefined where there is no desktop to open it on. */
export function browserCommand(platform: NodeJS.Platform, env: Record<string, string | undefined>): string[] | undefined {
  if (env['BROWSER'] !== undefined && env['BROWSER'] !== '') return [env['BROWSER']];
  if (platform === 'darwin') return ['open'];
  if (platform === 'win32') return ['cmd', '/c', 'start', '""'];
  const desktop = Boolean(env['DISPLAY'] ?? env['WAYLAND_DISPLAY']);
  return desktop ? ['xdg-open'] : undefined;
}

/** Starts the opener detached; false when it cannot be started or exits with an error at once. */
function launch(command: string[], url: string): Promise<boolean> {
  const [cmd, ...args] = command;
  if (cmd === undefined) return Promise.resolve(false);
  return new Promise((resolve) => {
    const child = spawn(cmd, [...args, url], { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}
