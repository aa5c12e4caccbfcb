// The command table (DESIGN §9): usage, flags and a lazy loader per command, so a call loads only
// its own module (`hook` must stay fast). --json and --help are added to every command by main.
import { commaList, flag, jsonObject, optInt, optString, positional, reqInt, reqString } from './args.js';
import type { Args } from './args.js';
import type { CommandContext } from './context.js';

interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
}

export interface CommandSpec {
  usage: string;
  summary: string;
  options: Readonly<Record<string, OptionSpec>>;
  /** [min, max] positional arguments. */
  positionals: readonly [number, number];
  run(a: Args, ctx: CommandContext): Promise<void>;
}

const S: OptionSpec = { type: 'string' };
const B: OptionSpec = { type: 'boolean' };

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  start: {
    usage: 'start [--detach] [--offline]',
    summary: 'run the supervisor (foreground, or in the background with --detach)',
    options: { detach: B, offline: B },
    positionals: [0, 0],
    run: async (a, ctx) => (await import('./start.js')).start({ ...ctx, detach: flag(a, 'detach'), offline: flag(a, 'offline') }),
  },
  stop: {
    usage: 'stop',
    summary: 'stop the supervisor and wait until it is gone',
    options: {},
    positionals: [0, 0],
    run: async (_a, ctx) => (await import('./stop.js')).stop(ctx),
  },
  status: {
    usage: 'status',
    summary: 'the dashboard: mode, agents, queue, approvals, spend, today',
    options: {},
    positionals: [0, 0],
    run: async (_a, ctx) => (await import('./status.js')).status(ctx),
  },
  'task create': {
    usage: 'task create --workflow W --input JSON [--priority P] [--depends-on ID,...]',
    summary: 'start a task of a workflow',
    options: { workflow: S, input: S, priority: S, 'depends-on': S },
    positionals: [0, 0],
    run: async (a, ctx) =>
      (await import('./tasks.js')).taskCreate({
        ...ctx,
        workflow: reqString(a, 'workflow'),
        input: jsonObject(a, 'input'),
        priority: optString(a, 'priority'),
        dependsOn: commaList(a, 'depends-on'),
      }),
  },
  'task show': {
    usage: 'task show ID',
    summary: 'one task in full',
    options: {},
    positionals: [1, 1],
    run: async (a, ctx) => (await import('./tasks.js')).taskShow({ ...ctx, id: positional(a, 0) }),
  },
  'task retry': {
    usage: 'task retry ID --delivery',
    summary: "send a task's failed deliveries again (same idempotency keys)",
    options: { delivery: B },
    positionals: [1, 1],
    run: async (a, ctx) => (await import('./retry.js')).taskRetry({ ...ctx, id: positional(a, 0), delivery: flag(a, 'delivery') }),
  },
  tasks: {
    usage: 'tasks [--status S] [--limit N]',
    summary: 'list tasks',
    options: { status: S, limit: S },
    positionals: [0, 0],
    run: async (a, ctx) => (await import('./tasks.js')).tasks({ ...ctx, status: optString(a, 'status'), limit: optInt(a, 'limit', 1) }),
  },
  approvals: {
    usage: 'approvals [--status S]',
    summary: 'list approvals (pending, granted, rejected, timed_out)',
    options: { status: S },
    positionals: [0, 0],
    run: async (a, ctx) => (await import('./approvals.js')).approvals({ ...ctx, status: optString(a, 'status') }),
  },
  approve: {
    usage: 'approve ID [--note TEXT] [--always]',
    summary: 'grant a pending approval (--always: also add the permission rule it offers to Claude Code)',
    options: { note: S, always: B },
    positionals: [1, 1],
    run: async (a, ctx) =>
      (await import('./approvals.js')).decide({ ...ctx, id: positional(a, 0), verdict: 'approve', note: optString(a, 'note'), always: flag(a, 'always') }),
  },
  reject: {
    usage: 'reject ID --note TEXT',
    summary: 'reject a pending approval, with the reason',
    options: { note: S },
    positionals: [1, 1],
    run: async (a, ctx) => (await import('./approvals.js')).decide({ ...ctx, id: positional(a, 0), verdict: 'reject', note: reqString(a, 'note') }),
  },
  mode: {
    usage: 'mode [manual|semi|full]',
    summary: 'show the autonomy mode, or set it in agentry.config.json',
    options: {},
    positionals: [0, 1],
    run: async (a, ctx) => (await import('./mode.js')).mode({ ...ctx, to: a.positionals[0] }),
  },
  events: {
    usage: 'events [--follow] [--after SEQ] [--limit N]',
    summary: 'recent events, or a live stream with --follow (Ctrl-C ends it)',
    options: { follow: B, after: S, limit: S },
    positionals: [0, 0],
    run: async (a, ctx) =>
      (await import('./events.js')).events({ ...ctx, follow: flag(a, 'follow'), after: optInt(a, 'after'), limit: optInt(a, 'limit', 1) }),
  },
  'event emit': {
    usage: 'event emit TYPE --data JSON [--id ID]',
    summary: 'send a business event to the routing rules',
    options: { data: S, id: S },
    positionals: [1, 1],
    run: async (a, ctx) =>
      (await import('./events.js')).eventEmit({ ...ctx, type: positional(a, 0), data: jsonObject(a, 'data'), id: optString(a, 'id') }),
  },
  learn: {
    usage: 'learn [--all] [--verbose]',
    summary: 'tuned values with their evidence and rule (--all: with n=0 rows; --verbose: each rule in full)',
    options: { all: B, verbose: B },
    positionals: [0, 0],
    run: async (a, ctx) => (await import('./learn.js')).learn({ ...ctx, all: flag(a, 'all'), verbose: flag(a, 'verbose') }),
  },
  console: {
    usage: 'console [--no-open]',
    summary: 'open the web console (a one-time sign-in link; printed when no browser can be opened)',
    options: { 'no-open': B },
    positionals: [0, 0],
    run: async (a, ctx) => (await import('./console.js')).openConsole({ ...ctx, open: !flag(a, 'no-open') }),
  },
  hook: {
    usage: 'hook EVENT',
    summary: 'the Claude Code hook handler (stdin JSON in, protocol answer out)',
    options: {},
    positionals: [1, 1],
    run: async (a, ctx) => (await import('./hook.js')).hook({ ...ctx, event: positional(a, 0) }),
  },
  mcp: {
    usage: 'mcp',
    summary: 'the MCP server on stdio (tools for tasks, approvals, status, learning; task outputs as resources)',
    options: {},
    positionals: [0, 0],
    run: async (_a, ctx) => (await import('./mcp.js')).mcp(ctx),
  },
  'hooks install': {
    usage: 'hooks install [--scope project|local|user] [--transport command|http]',
    summary: 'add agentry to Claude Code settings (idempotent)',
    options: { scope: S, transport: S },
    positionals: [0, 0],
    run: async (a, ctx) =>
      (await import('./hooks.js')).hooksInstall({ ...ctx, scope: optString(a, 'scope'), transport: optString(a, 'transport') }),
  },
  'hooks uninstall': {
    usage: 'hooks uninstall [--scope project|local|user]',
    summary: 'remove agentry from Claude Code settings, keeping every other hook',
    options: { scope: S },
    positionals: [0, 0],
    run: async (a, ctx) => (await import('./hooks.js')).hooksUninstall({ ...ctx, scope: optString(a, 'scope') }),
  },
  'config validate': {
    usage: 'config validate [--file F]',
    summary: 'check agentry.config.json against its schema',
    options: { file: S },
    positionals: [0, 0],
    run: async (a, ctx) => (await import('./config.js')).configValidate({ ...ctx, file: optString(a, 'file') }),
  },
  repair: {
    usage: 'repair --truncate-at LINE',
    summary: 'cut a journal damaged in the middle back to the lines before LINE (the supervisor must be stopped)',
    options: { 'truncate-at': S },
    positionals: [0, 0],
    run: async (a, ctx) => (await import('./repair.js')).repair({ ...ctx, truncateAt: reqInt(a, 'truncate-at', 1) }),
  },
  doctor: {
    usage: 'doctor',
    summary: 'check the set-up: config, state folder, supervisor, API key, hooks',
    options: {},
    positionals: [0, 0],
    run: async (_a, ctx) => (await import('./doctor.js')).doctor(ctx),
  },
  demo: {
    usage: 'demo',
    summary: 'a scripted run with the offline model',
    options: {},
    positionals: [0, 0],
    run: async (_a, ctx) => (await import('./demo.js')).demo(ctx),
  },
};

/** Group words that need a subcommand: task, event, hooks, config. */
export function subcommandsOf(group: string): string[] {
  return Object.keys(COMMANDS).filter((name) => name.startsWith(`${group} `));
}
