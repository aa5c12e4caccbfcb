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
    usage: 'task create --workflow W --input JSON [--priority P] [--depends-on ID,...] [--idempotency-key KEY] [--wait]',
    summary: 'start a task of a workflow (--idempotency-key: the same key again answers the task it made; --wait: follow it to its end; exit 0 completed, 1 otherwise)',
    options: { workflow: S, input: S, priority: S, 'depends-on': S, 'idempotency-key': S, wait: B },
    positionals: [0, 0],
    run: async (a, ctx) =>
      (await import('./tasks.js')).taskCreate({
        ...ctx,
        workflow: reqString(a, 'workflow'),
        input: jsonObject(a, 'input'),
        priority: optString(a, 'priority'),
        dependsOn: commaList(a, 'depends-on'),
        idempotencyKey: optString(a, 'idempotency-key'),
        wait: flag(a, 'wait'),
      }),
  },
  'task show': {
    usage: 'task show ID [--raw]',
    summary: 'one task in full, live or finished: the output, reviews, gate, decision and timeline (--raw: the JSON)',
    options: { raw: B },
    positionals: [1, 1],
    run: async (a, ctx) => (await import('./tasks.js')).taskShow({ ...ctx, id: positional(a, 0), raw: flag(a, 'raw') }),
  },
  'task cancel': {
    usage: 'task cancel ID [--reason TEXT]',
    summary: "end a task now (a flow's open children too; its approval withdrawn)",
    options: { reason: S },
    positionals: [1, 1],
    run: async (a, ctx) => (await import('./tasks.js')).taskCancel({ ...ctx, id: positional(a, 0), reason: optString(a, 'reason') }),
  },
  'task retry': {
    usage: 'task retry ID [--delivery]',
    summary: "run a failed, rejected or cancelled task again from the step that failed, as a new task (--delivery: send its failed deliveries again, same idempotency keys)",
    options: { delivery: B },
    positionals: [1, 1],
    run: async (a, ctx) =>
      flag(a, 'delivery')
        ? (await import('./retry.js')).taskRetry({ ...ctx, id: positional(a, 0), delivery: true })
        : (await import('./tasks.js')).taskRetry({ ...ctx, id: positional(a, 0) }),
  },
  tasks: {
    usage: 'tasks [--status S] [--workflow W] [--since DATE] [--search TEXT] [--parent ID] [--limit N] [--after CURSOR]',
    summary: 'list every task ever accepted, newest first, a page at a time',
    options: { status: S, workflow: S, since: S, search: S, parent: S, limit: S, after: S },
    positionals: [0, 0],
    run: async (a, ctx) =>
      (await import('./tasks.js')).tasks({
        ...ctx,
        status: optString(a, 'status'),
        workflow: optString(a, 'workflow'),
        since: optString(a, 'since'),
        search: optString(a, 'search'),
        parent: optString(a, 'parent'),
        limit: optInt(a, 'limit', 1),
        after: optString(a, 'after'),
      }),
  },
  approvals: {
    usage: 'approvals [--status S] [--limit N] [--after CURSOR]',
    summary: 'list approvals (pending, granted, rejected, timed_out, escalated, withdrawn) with who decided, when and the note',
    options: { status: S, limit: S, after: S },
    positionals: [0, 0],
    run: async (a, ctx) => (await import('./approvals.js')).approvals({ ...ctx, status: optString(a, 'status'), limit: optInt(a, 'limit', 1), after: optString(a, 'after') }),
  },
  approve: {
    usage: 'approve ID [--note TEXT] [--edit FILE] [--always]',
    summary: "grant a pending approval (--edit: publish the output in FILE instead, checked against the agent's schema; --always: also add the permission rule it offers to Claude Code)",
    options: { note: S, edit: S, always: B },
    positionals: [1, 1],
    run: async (a, ctx) =>
      (await import('./approvals.js')).decide({ ...ctx, id: positional(a, 0), verdict: 'approve', note: optString(a, 'note'), edit: optString(a, 'edit'), always: flag(a, 'always') }),
  },
  reject: {
    usage: 'reject ID --note TEXT',
    summary: 'reject a pending approval, with the reason',
    options: { note: S },
    positionals: [1, 1],
    run: async (a, ctx) => (await import('./approvals.js')).decide({ ...ctx, id: positional(a, 0), verdict: 'reject', note: reqString(a, 'note'), edit: undefined }),
  },
  'domain resume': {
    usage: 'domain resume NAME',
    summary: 'let a paused domain (an SLA escalation or the coordinator paused it) act again',
    options: {},
    positionals: [1, 1],
    run: async (a, ctx) => (await import('./domain.js')).domainResume({ ...ctx, name: positional(a, 0) }),
  },
  export: {
    usage: 'export [--since DATE]',
    summary: 'every task created since DATE, oldest first, as NDJSON (one task view a line)',
    options: { since: S },
    positionals: [0, 0],
    run: async (a, ctx) => (await import('./export.js')).exportTasks({ ...ctx, since: optString(a, 'since') }),
  },
  mode: {
    usage: 'mode [manual|semi|full]',
    summary: 'show the autonomy mode, or set it in agentry.config.json',
    options: {},
    positionals: [0, 1],
    run: async (a, ctx) => (await import('./mode.js')).mode({ ...ctx, to: a.positionals[0] }),
  },
  events: {
    usage: 'events [--follow] [--after SEQ] [--limit N] [--task ID]',
    summary: "recent events, or a live stream with --follow (Ctrl-C ends it); --task keeps one task's (a flow's children's too)",
    options: { follow: B, after: S, limit: S, task: S },
    positionals: [0, 0],
    run: async (a, ctx) =>
      (await import('./events.js')).events({ ...ctx, follow: flag(a, 'follow'), after: optInt(a, 'after'), limit: optInt(a, 'limit', 1), task: optString(a, 'task') }),
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
  'db init': {
    usage: 'db init',
    summary: 'create the Postgres schema (store.url or AGENTRY_DATABASE_URL), or bring it to this version; idempotent',
    options: {},
    positionals: [0, 0],
    run: async (_a, ctx) => (await import('./db.js')).dbInit(ctx),
  },
  'db migrate': {
    usage: 'db migrate',
    summary: 'apply the pending schema migrations to an initialized Postgres (safe while supervisors run)',
    options: {},
    positionals: [0, 0],
    run: async (_a, ctx) => (await import('./db.js')).dbMigrate(ctx),
  },
  'db status': {
    usage: 'db status',
    summary: "the Postgres schema version, this agentry's, and the pending migrations (the database as host/db only)",
    options: {},
    positionals: [0, 0],
    run: async (_a, ctx) => (await import('./db.js')).dbStatus(ctx),
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

/** Group words that need a subcommand: task, event, hooks, config, domain, db. */
export function subcommandsOf(group: string): string[] {
  return Object.keys(COMMANDS).filter((name) => name.startsWith(`${group} `));
}
