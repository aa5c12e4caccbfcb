// The CLI entry as a function: parse argv with node:util parseArgs, find the command in the
// table, run it, and turn whatever it throws into an exit code and one line (or one JSON
// document with --json). Never calls process.exit; bin.ts does.
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { createContext } from './commands/context.js';
import type { CliIo } from './commands/context.js';
import { COMMANDS, subcommandsOf } from './commands/table.js';
import type { CommandSpec } from './commands/table.js';
import { failureJson, failureOf, renderFailure, usageError } from './exit-error.js';
import { commandHelp, groupHelp, helpJson, topHelp } from './format/help.js';

export type { CliIo };

const HELP = new Set(['--help', '-h', 'help']);

interface Resolved {
  spec: CommandSpec;
  rest: readonly string[];
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let spec: CommandSpec | undefined;
  const leadingJson = argv[0] === '--json';
  let json = argv.includes('--json');
  try {
    const resolved = resolve(leadingJson ? argv.slice(1) : argv, io, json);
    if (resolved === undefined) return 0;
    spec = resolved.spec;
    const parsed = parse(spec, resolved.rest);
    json = leadingJson || parsed.values['json'] === true;
    if (parsed.values['help'] === true) {
      io.stdout.write(json ? `${JSON.stringify(helpJson([spec]), null, 2)}\n` : `${commandHelp(spec).join('\n')}\n`);
      return 0;
    }
    const [min, max] = spec.positionals;
    if (parsed.positionals.length < min) throw usageError('a required argument is missing');
    if (parsed.positionals.length > max) throw usageError(`unexpected argument ${JSON.stringify(parsed.positionals[max])}`);
    await spec.run(parsed, createContext(io, json));
    return 0;
  } catch (err) {
    return report(err, io, json, spec);
  }
}

/** The command named by the first one or two words; undefined when help was printed. */
function resolve(argv: readonly string[], io: CliIo, json: boolean): Resolved | undefined {
  const first = argv[0];
  if (first === undefined) throw usageError('no command given', 'agentry <command> [flags] (agentry --help lists them)');
  if (HELP.has(first)) {
    io.stdout.write(json ? `${JSON.stringify(helpJson(Object.values(COMMANDS)), null, 2)}\n` : `${topHelp(COMMANDS).join('\n')}\n`);
    return undefined;
  }
  const direct = COMMANDS[first];
  if (direct !== undefined) return { spec: direct, rest: argv.slice(1) };
  const subs = subcommandsOf(first);
  if (subs.length === 0) throw usageError(`unknown command ${JSON.stringify(first)}`, 'agentry <command> [flags] (agentry --help lists them)');
  const groupSpecs = subs.map((name) => COMMANDS[name]).filter((s): s is CommandSpec => s !== undefined);
  const second = argv[1];
  if (second !== undefined && HELP.has(second)) {
    io.stdout.write(json ? `${JSON.stringify(helpJson(groupSpecs), null, 2)}\n` : `${groupHelp(first, groupSpecs).join('\n')}\n`);
    return undefined;
  }
  const spec = second === undefined ? undefined : COMMANDS[`${first} ${second}`];
  if (spec === undefined) {
    const what = second === undefined || second.startsWith('-') ? `\`${first}\` needs a subcommand` : `unknown command "${first} ${second}"`;
    throw usageError(what, groupSpecs.map((s) => `agentry ${s.usage}`).join('\n'));
  }
  return { spec, rest: argv.slice(2) };
}

function parse(spec: CommandSpec, args: readonly string[]): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const options: ParseArgsConfig['options'] = { ...spec.options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };
  try {
    const parsed = parseArgs({ args: attachDashValues(args, spec), options, allowPositionals: true, strict: true });
    // No option sets `multiple`, so no value is an array.
    return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
  } catch (err) {
    throw usageError(parseProblem(err as Error & { code?: string }));
  }
}

/**
 * `--limit -1` → `--limit=-1`: a value that starts with a dash is still the flag's value when the
 * flag takes one, so the flag's own check says what is wrong with it ("must be an integer ≥ 1").
 */
function attachDashValues(args: readonly string[], spec: CommandSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const next = args[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name !== undefined && spec.options[name]?.type === 'string' && next !== undefined && /^-\d|^-$/.test(next)) {
      out.push(`${arg}=${next}`);
      i += 1;
    } else out.push(arg);
  }
  return out;
}

/** Node's parseArgs messages, said in one line a person can act on. */
function parseProblem(err: Error & { code?: string }): string {
  const flag = /'(-{1,2}[^' ]+)/.exec(err.message)?.[1] ?? 'a flag';
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown flag ${flag}`;
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(err.message)) return `${flag} takes no value`;
    return `${flag} needs a value`;
  }
  return err.message.split('\n')[0] ?? 'invalid arguments';
}

function report(err: unknown, io: CliIo, json: boolean, spec: CommandSpec | undefined): number {
  const failure = failureOf(err);
  if (failure.silent) return failure.exitCode;
  const usage = failure.code === 'USAGE' && spec !== undefined ? (failure.usage ?? `agentry ${spec.usage}`) : failure.usage;
  if (json) io.stdout.write(`${JSON.stringify(failureJson(failure))}\n`);
  else io.stderr.write(`${renderFailure({ ...failure, usage }).join('\n')}\n`);
  return failure.exitCode;
}
