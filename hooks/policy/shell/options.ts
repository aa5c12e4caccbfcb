// getopt-style reading of a command's arguments: bundled short flags (-xvf FILE, -oFILE),
// long options (--output FILE, --output=FILE) and `--`. Which options take a value is per command.

import { type Word, isStatic } from './words.js';

export interface OptionSpec {
  /** Short option letters that take a value. */
  readonly short?: string;
  /** Long option names (without --) that take a value. */
  readonly long?: readonly string[];
  /** Stop at the first operand (the rest belongs to a command being run). */
  readonly stopAtOperand?: boolean;
}

export interface ReadOptions {
  /** Option name (a letter, or a long name) to its values; a flag without a value maps to ['']. */
  readonly options: ReadonlyMap<string, readonly Word[]>;
  readonly operands: readonly Word[];
  /** With stopAtOperand: the words from the first operand on. */
  readonly rest: readonly Word[];
}

export function readOptions(args: readonly Word[], spec: OptionSpec): ReadOptions {
  const options = new Map<string, Word[]>();
  const operands: Word[] = [];
  const add = (name: string, value: Word): void => {
    const list = options.get(name) ?? [];
    list.push(value);
    options.set(name, list);
  };
  const next = { at: 0 };
  const take = (): Word => args[++next.at] ?? { text: '' };
  for (; next.at < args.length; next.at++) {
    const arg = args[next.at] as Word;
    const text = isStatic(arg) ? arg.text : undefined;
    if (text === '--') {
      operands.push(...args.slice(next.at + 1));
      break;
    }
    if (text === undefined || text === '-' || !text.startsWith('-')) {
      if (spec.stopAtOperand === true) return { options, operands, rest: args.slice(next.at) };
      operands.push(arg);
    } else if (text.startsWith('--')) {
      readLong(text, new Set(spec.long ?? []), add, take);
    } else {
      readShort(text, spec.short ?? '', add, take);
    }
  }
  return { options, operands, rest: [] };
}

type Add = (name: string, value: Word) => void;

function readLong(text: string, valued: ReadonlySet<string>, add: Add, take: () => Word): void {
  const eq = text.indexOf('=');
  const name = eq === -1 ? text.slice(2) : text.slice(2, eq);
  if (eq !== -1) add(name, { text: text.slice(eq + 1) });
  else add(name, valued.has(name) ? take() : { text: '' });
}

/** -xvf FILE, -oFILE: letters are flags until one that takes a value, which takes the rest or the next word. */
function readShort(text: string, valued: string, add: Add, take: () => Word): void {
  for (let j = 1; j < text.length; j++) {
    const letter = text[j] ?? '';
    if (!valued.includes(letter)) {
      add(letter, { text: '' });
      continue;
    }
    const inline = text.slice(j + 1);
    add(letter, inline !== '' ? { text: inline } : take());
    return;
  }
}

/** Every value given to any of `names`. */
export function valuesOf(read: ReadOptions, ...names: string[]): Word[] {
  return names.flatMap((n) => [...(read.options.get(n) ?? [])]);
}

export function has(read: ReadOptions, ...names: string[]): boolean {
  return names.some((n) => read.options.has(n));
}
