// What every command receives: the process's I/O, injected so tests run commands as functions,
// and a few helpers to print human text or exactly one JSON document.
import { agentryPaths } from '../../core/paths.js';
import type { AgentryPaths } from '../../core/paths.js';

type OutStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  /** Only `hook` reads stdin. */
  stdin?: NodeJS.ReadableStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** ms since the epoch; default Date.now. Relative ages ("12m ago") use it. */
  now?: () => number;
  /** Ends long-running commands (events --follow) as Ctrl-C does. */
  signal?: AbortSignal;
}

export interface CommandContext {
  io: CliIo;
  cwd: string;
  env: Record<string, string | undefined>;
  json: boolean;
  paths: AgentryPaths;
  now: () => number;
  /** Colours only on a terminal, and never with NO_COLOR. */
  color: boolean;
}

export function createContext(io: CliIo, json: boolean): CommandContext {
  const noColor = io.env['NO_COLOR'] !== undefined && io.env['NO_COLOR'] !== '';
  return {
    io,
    cwd: io.cwd,
    env: io.env,
    json,
    paths: agentryPaths(io.cwd, io.env),
    now: io.now ?? Date.now,
    color: io.stdout.isTTY === true && !noColor && !json,
  };
}

/** The terminal's width, when stdout is one; undefined for a pipe or a file. */
export function terminalWidth(ctx: CommandContext): number | undefined {
  const out = ctx.io.stdout;
  return out.isTTY === true ? Math.max(60, out.columns ?? 100) : undefined;
}

function printLines(ctx: CommandContext, lines: readonly string[]): void {
  if (lines.length > 0) ctx.io.stdout.write(`${lines.join('\n')}\n`);
}

function printJson(ctx: CommandContext, value: unknown): void {
  ctx.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** JSON when --json was given, else the human lines. */
export function output(ctx: CommandContext, value: unknown, human: () => readonly string[]): void {
  if (ctx.json) printJson(ctx, value);
  else printLines(ctx, human());
}

/** A note for a person on stderr (never mixed into --json stdout). */
export function note(ctx: CommandContext, line: string): void {
  ctx.io.stderr.write(`${line}\n`);
}
