// Shells that run a string (bash -c, sh reading a heredoc) and interpreters whose inline code may
// write (python -c, node -e, perl -e, ruby -e, php -r): parsed in turn, or asked about.

import type { Effect, Stdin } from './effects.js';
import { has, readOptions, valuesOf } from './options.js';
import { type Word, isStatic } from './words.js';
import { inPlace } from './writers.js';

export const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'yash', 'fish']);

/** bash -c STRING runs STRING; bash reading its stdin runs whatever the pipe or file holds. */
export function shellEffects(name: string, args: readonly Word[], stdin: Stdin): Effect[] {
  const read = readOptions(args, { short: 'oO', long: ['rcfile', 'init-file'], stopAtOperand: true });
  const command = has(read, 'c');
  if (command) {
    const source = read.rest[0];
    return source === undefined ? [] : [{ kind: 'shell', source, via: `${name} -c` }];
  }
  if (read.rest.length > 0 && !has(read, 's')) return []; // runs a script file: its writes are its own
  return fromStdin(name, stdin, (text) => [{ kind: 'shell', source: { text }, via: `${name} reading a heredoc` }]);
}

interface Interpreter {
  /** Options whose value is code to run. */
  readonly code: string;
  readonly long?: readonly string[];
  /** Options that take a value that is not code. */
  readonly valued?: string;
  readonly language: string;
}

const INTERPRETERS: Readonly<Record<string, Interpreter>> = {
  python: { code: 'c', valued: 'mWX', language: 'Python' },
  node: { code: 'ep', long: ['eval', 'print'], valued: 'r', language: 'JavaScript' },
  bun: { code: 'e', long: ['eval', 'print'], language: 'JavaScript' },
  deno: { code: '', long: ['eval'], language: 'JavaScript' },
  perl: { code: 'eE', valued: 'IMm', language: 'Perl' },
  ruby: { code: 'e', valued: 'Ir', language: 'Ruby' },
  php: { code: 'r', valued: 'cdz', language: 'PHP' },
  Rscript: { code: 'e', language: 'R' },
  lua: { code: 'e', valued: 'l', language: 'Lua' },
};

// Calls that write, rename, delete or run things, in the languages above. Reading is left alone.
const WRITES_CODE =
  /open\s*\([^)]*,\s*(?:mode\s*=\s*)?['"][^'"]*[wax+]|\bopen\s*\(?\s*(?:my\s+)?\$?\w*\s*,\s*['"]?\s*(?:>|\+<)|\.write(?:_text|_bytes|lines)?\s*\(|\b(?:writeFile|appendFile|createWriteStream|copyFile|cp|rename|symlink|link|unlink|rm|rmdir|truncate|chmod|utime|mkdir|makedirs|rmtree|copy|copyfile|copytree|copy2|move|replace|remove|system|popen|exec|spawn|fork|subprocess|child_process|FileUtils|IO\.write|File\.(?:write|open|rename|delete|symlink)|file_put_contents|fwrite|fopen|sink|writeLines|saveRDS|io\.open)(?:Sync|s)?\b|`|\bqx\b|%x/;

export function interpreterEffects(name: string, args: readonly Word[], stdin: Stdin): Effect[] | undefined {
  const base = /^python[0-9.]*$/.test(name) ? 'python' : name === 'nodejs' ? 'node' : name;
  const spec = Object.hasOwn(INTERPRETERS, base) ? INTERPRETERS[base] : undefined;
  if (spec === undefined) return undefined;
  const read = readOptions(args, { short: `${spec.code}${spec.valued ?? ''}`, long: spec.long ?? [], stopAtOperand: true });
  // perl -i edits files in place: sed's rule applies.
  if (base === 'perl' && read.options.has('i')) return inPlace(args, 'eE');
  return inlineCode(name, base, spec, read, stdin);
}

function inlineCode(name: string, base: string, spec: Interpreter, read: ReturnType<typeof readOptions>, stdin: Stdin): Effect[] {
  const code = valuesOf(read, ...spec.code.split(''), ...(spec.long ?? []));
  if (base === 'deno' && read.rest[0] !== undefined && isStatic(read.rest[0]) && read.rest[0].text === 'eval') code.push(...read.rest.slice(1, 2));
  if (code.length > 0) {
    return code.flatMap((c): Effect[] => {
      if (!isStatic(c)) return [{ kind: 'unknown', why: `it runs ${spec.language} code that is only known at run time (${name})` }];
      return WRITES_CODE.test(c.text) ? [{ kind: 'unknown', why: `it runs inline ${spec.language} (${name}) that may write files` }] : [];
    });
  }
  if (read.rest.length > 0 && !(isStatic(read.rest[0] as Word) && (read.rest[0] as { text: string }).text === '-')) return []; // a script file, or a module
  if (has(read, 'm', 'r', 'v', 'V', 'version', 'h', 'help')) return [];
  return fromStdin(name, stdin, () => [{ kind: 'unknown', why: `it runs the ${spec.language} code given to ${name} on its input` }]);
}

function fromStdin(name: string, stdin: Stdin, heredoc: (text: string) => Effect[]): Effect[] {
  if (stdin === undefined) return [];
  if (stdin === 'pipe') return [{ kind: 'unknown', why: `it runs a script that ${name} reads from a pipe (as in base64 -d … | ${name})` }];
  if (stdin === 'file') return [{ kind: 'unknown', why: `it runs a script that ${name} reads from a file` }];
  return heredoc(stdin.text);
}

