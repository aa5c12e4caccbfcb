// The API routes the console adds: a sign-in link (asked for over the Unix socket by
// `agentry console`), the session's CSRF token (console listener only), and the mode switch,
// which writes agentry.config.json the way `agentry mode` does (the supervisor applies it).
import { writeMode } from '../config/edit-file.js';
import type { ApiSetMode } from '../schemas/generated/types.js';
import type { Handler } from './context.js';
import { HttpError } from './errors-http.js';

export const consoleLink: Handler = (ctx) => {
  const c = ctx.deps.console;
  if (c?.origin === undefined) throw new HttpError('NOT_CONFIGURED', 'the console is off: set `console.enabled: true` in agentry.config.json and restart');
  const { token, expiresAt } = c.auth.issueLink();
  const url = `${c.origin}/console/auth?token=${encodeURIComponent(token)}`;
  return Promise.resolve({ status: 201, json: { url, consoleUrl: `${c.origin}/console/`, expiresAt: new Date(expiresAt).toISOString() } });
};

export const consoleSession: Handler = (ctx) => {
  const session = ctx.deps.console?.auth.sessionOf(ctx.req.headers.cookie);
  if (session === undefined) throw new HttpError('UNAUTHORIZED', 'no console session: run `agentry console` for a sign-in link');
  return Promise.resolve({ status: 200, json: { csrf: session.csrf, expiresAt: new Date(session.expiresAt).toISOString() } });
};

export const setMode: Handler = async (ctx) => {
  const { mode } = await ctx.json<ApiSetMode>('api.set-mode');
  const file = ctx.deps.configFile;
  if (file === undefined) throw new HttpError('NOT_CONFIGURED', 'this server has no config file to write');
  const change = await writeMode(file, mode);
  return { status: 200, json: { ...change, previous: change.previous ?? null } };
};
