// Usage text: the whole command list, one group (task, event, hooks, config), or one command.
import type { CommandSpec } from '../commands/table.js';

const GLOBAL = 'Every command takes --json (one JSON document on stdout) and --help.';
const EXIT_CODES = 'Exit codes: 0 ok, 1 failure, 2 usage or invalid input; `hook` follows the Claude Code protocol.';

export function topHelp(commands: Readonly<Record<string, CommandSpec>>): string[] {
  const specs = Object.values(commands);
  const width = Math.max(...specs.map((s) => s.usage.length));
  return [
    'usage: agentry <command> [flags]',
    '',
    'Commands:',
    ...specs.map((s) => `  ${s.usage.padEnd(width)}  ${s.summary}`),
    '',
    GLOBAL,
    EXIT_CODES,
  ];
}

export function groupHelp(group: string, specs: readonly CommandSpec[]): string[] {
  const width = Math.max(...specs.map((s) => s.usage.length));
  return [`usage: agentry ${group} <subcommand> [flags]`, '', ...specs.map((s) => `  ${s.usage.padEnd(width)}  ${s.summary}`)];
}

export function commandHelp(spec: CommandSpec): string[] {
  return [`usage: agentry ${spec.usage} [--json]`, '', `  ${spec.summary}`, '', GLOBAL];
}
