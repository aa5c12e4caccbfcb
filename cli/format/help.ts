// Usage text: the whole command list, one group (task, event, hooks, config), or one command.
import type { CommandSpec } from '../commands/table.js';

const GLOBAL = 'Every command takes --json (one JSON document on stdout) and --help.';
const EXIT_CODES = 'Exit codes: 0 ok, 1 failure, 2 usage or invalid input; `hook` follows the Claude Code protocol.';

/** Usage and summary side by side; a long usage gets its summary on the next line. */
const USAGE_WIDTH = 34;

function listing(specs: readonly CommandSpec[]): string[] {
  return specs.flatMap((s) =>
    s.usage.length <= USAGE_WIDTH ? [`  ${s.usage.padEnd(USAGE_WIDTH)}  ${s.summary}`] : [`  ${s.usage}`, `  ${' '.repeat(USAGE_WIDTH)}  ${s.summary}`],
  );
}

export function topHelp(commands: Readonly<Record<string, CommandSpec>>): string[] {
  return ['usage: agentry <command> [flags]', '', 'Commands:', ...listing(Object.values(commands)), '', GLOBAL, EXIT_CODES];
}

export function groupHelp(group: string, specs: readonly CommandSpec[]): string[] {
  return [`usage: agentry ${group} <subcommand> [flags]`, '', ...listing(specs)];
}

export function commandHelp(spec: CommandSpec): string[] {
  return [`usage: agentry ${spec.usage} [--json]`, '', `  ${spec.summary}`, '', GLOBAL];
}

/** The --help --json form: every command (or one) with its usage, summary and flags. */
export function helpJson(specs: readonly CommandSpec[]): { commands: { usage: string; summary: string; flags: string[] }[]; global: string; exitCodes: Record<string, string> } {
  return {
    commands: specs.map((s) => ({ usage: `agentry ${s.usage}`, summary: s.summary, flags: [...Object.keys(s.options).map((o) => `--${o}`), '--json', '--help'] })),
    global: GLOBAL,
    exitCodes: { '0': 'ok', '1': 'failure (one-line reason on stderr)', '2': 'usage or invalid input' },
  };
}
