// The wrappers that run another command (env, nohup, timeout, nice, stdbuf, xargs, busybox,
// sudo …): the command they run, and what the wrapper itself does (env -C changes folder).

import type { Effect } from './effects.js';
import { type ReadOptions, has, readOptions, valuesOf } from './options.js';
import { type Word, isStatic, unknownWord } from './words.js';

export interface Unwrapped {
  readonly argv: readonly Word[];
  readonly effects: readonly Effect[];
}

type Unwrap = (args: readonly Word[], inner: (argv: readonly Word[]) => Effect[]) => Unwrapped;

const run = (rest: readonly Word[], effects: readonly Effect[] = []): Unwrapped => ({ argv: rest, effects });
const rest = (spec: Parameters<typeof readOptions>[1], skip = 0): Unwrap => (args) => run(readOptions(args, { ...spec, stopAtOperand: true }).rest.slice(skip));
const cds = (read: ReadOptions, ...names: string[]): Effect[] => valuesOf(read, ...names).map((dir) => ({ kind: 'cd', dir }));

const WRAPPERS = new Map<string, Unwrap>([
  ['env', (args) => {
    const read = readOptions(args, { short: 'uCS', long: ['unset', 'chdir', 'split-string'], stopAtOperand: true });
    const argv = [...read.rest];
    while (argv[0] !== undefined && isStatic(argv[0]) && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[0].text)) argv.shift();
    const splits = valuesOf(read, 'S', 'split-string').map((source): Effect => ({ kind: 'shell', source, via: 'env -S' }));
    return run(argv, [...cds(read, 'C', 'chdir'), ...splits]);
  }],
  ['nohup', (args) => run(args)],
  ['builtin', (args) => run(args)],
  ['chronic', (args) => run(args)],
  ['unbuffer', (args) => run(args)],
  ['busybox', (args) => run(args)],
  ['time', rest({ short: 'fo' })],
  ['command', (args) => commandOrExec(args)],
  ['exec', (args) => commandOrExec(args)],
  ['nice', rest({ short: 'n', long: ['adjustment'] })],
  ['timeout', rest({ short: 'sk', long: ['signal', 'kill-after'] }, 1)],
  ['stdbuf', rest({ short: 'ioe', long: ['input', 'output', 'error'] })],
  ['sudo', (args) => sudo(args)],
  ['doas', (args) => sudo(args)],
  ['setsid', rest({ short: 'c' })],
  ['ionice', rest({ short: 'cnp' })],
  ['chrt', rest({ short: 'p' }, 1)],
  ['taskset', rest({ short: 'c' }, 1)],
  ['flock', (args) => {
    const read = readOptions(args, { short: 'cwE', long: ['command', 'timeout', 'conflict-exit-code'], stopAtOperand: true });
    const command = valuesOf(read, 'c', 'command');
    if (command.length > 0) return run([], command.map((source): Effect => ({ kind: 'shell', source, via: 'flock -c' })));
    return run(read.rest.slice(1));
  }],
  ['xargs', (args) => {
    const read = readOptions(args, {
      short: 'adEILlnPs',
      long: ['arg-file', 'delimiter', 'eof', 'replace', 'max-lines', 'max-args', 'max-procs', 'max-chars', 'process-slot-var'],
      stopAtOperand: true,
    });
    const inner = read.rest.length === 0 ? [{ text: 'echo' }] : read.rest;
    return run([...inner, unknownWord('the arguments xargs reads from its input')]);
  }],
  ['find', (args, inner) => findExec(args, inner)],
]);

/** The command a wrapper runs, or undefined when `name` is not a wrapper. */
export function unwrap(name: string, args: readonly Word[], inner: (argv: readonly Word[]) => Effect[]): Unwrapped | undefined {
  return WRAPPERS.get(name)?.(args, inner);
}

function commandOrExec(args: readonly Word[]): Unwrapped {
  const read = readOptions(args, { short: 'a', stopAtOperand: true });
  return has(read, 'v', 'V') ? run([]) : run(read.rest);
}

function sudo(args: readonly Word[]): Unwrapped {
  const read = readOptions(args, {
    short: 'ugCDhprtTUa',
    long: ['user', 'group', 'chdir', 'host', 'prompt', 'role', 'type', 'other-user', 'close-from'],
    stopAtOperand: true,
  });
  return run(read.rest, cds(read, 'D', 'chdir'));
}

/** find … -exec CMD {} ; runs CMD with unknown paths; -fprint writes a file. */
function findExec(args: readonly Word[], inner: (argv: readonly Word[]) => Effect[]): Unwrapped {
  const effects: Effect[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as Word;
    if (!isStatic(arg)) continue;
    if (['-fprint', '-fprint0', '-fls', '-fprintf'].includes(arg.text)) effects.push({ kind: 'write', path: args[i + 1] ?? unknownWord('') });
    if (['-exec', '-execdir', '-ok', '-okdir'].includes(arg.text)) {
      const end = args.findIndex((a, j) => j > i && isStatic(a) && (a.text === ';' || a.text === '+'));
      const argv = args.slice(i + 1, end === -1 ? undefined : end).map((a) => (isStatic(a) && a.text.includes('{}') ? unknownWord('the paths find passes in {}') : a));
      effects.push(...inner(argv));
      i = end === -1 ? args.length : end;
    }
  }
  return { argv: [], effects };
}
