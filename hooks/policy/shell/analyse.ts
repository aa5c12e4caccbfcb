// Walks a bash syntax tree and lists what the command writes: redirection targets and the files
// of writing commands (commands.ts), with `cd` followed within the command, strings run by
// bash -c / eval parsed in turn, and what cannot be known statically reported as `unknown`.

import { statSync } from 'node:fs';
import { posix } from 'node:path';
import { type Effect, type Stdin, commandEffects } from './commands.js';
import type { BashParser, SyntaxNode } from './parser.js';
import { type KnownVars, type Word, isStatic, named, wordOf } from './words.js';

export const MAX_COMMAND_CHARS = 200_000;
const MAX_DEPTH = 8;

export interface ShellWrite {
  /** Absolute when the folder it is in is known, else as written. */
  readonly path: string;
  /** A symlink made earlier in the same command resolves the path to this one. */
  readonly linkedTo?: string;
}

export interface ShellAnalysis {
  readonly writes: readonly ShellWrite[];
  /** Reasons a write cannot be ruled out or pinned down (a person then decides). */
  readonly unknown: readonly string[];
}

export interface ShellContext {
  /** The session's working directory ('' when unknown). */
  readonly cwd: string;
  readonly home: string;
}

interface State {
  /** undefined: a `cd` went somewhere only known at run time. */
  cwd: string | undefined;
  readonly home: string;
  /** Symlinks made earlier in the command: link path to what it points at. */
  readonly links: Map<string, string>;
}

interface Walk {
  readonly parser: BashParser;
  readonly ctx: ShellContext;
  readonly writes: ShellWrite[];
  readonly unknown: string[];
  readonly depth: number;
}

export function analyseCommand(parser: BashParser, commandText: string, ctx: ShellContext): ShellAnalysis {
  const walk: Walk = { parser, ctx, writes: [], unknown: [], depth: 0 };
  if (commandText.length > MAX_COMMAND_CHARS) {
    return { writes: [], unknown: [`the command is longer than ${MAX_COMMAND_CHARS.toLocaleString('en-US')} characters, too long to check`] };
  }
  source(walk, commandText, { cwd: ctx.cwd === '' ? undefined : ctx.cwd, home: ctx.home, links: new Map() });
  return { writes: walk.writes, unknown: [...new Set(walk.unknown)] };
}

function source(walk: Walk, text: string, state: State): void {
  if (walk.depth > MAX_DEPTH) {
    walk.unknown.push(`it nests shells more than ${MAX_DEPTH} deep`);
    return;
  }
  walk.parser.withTree(text, (root) => {
    if (root.hasError) walk.unknown.push('part of it does not parse as shell');
    visit(walk, root, state, undefined);
  });
}

function visit(walk: Walk, node: SyntaxNode, state: State, stdin: Stdin): void {
  switch (node.type) {
    case 'command':
      command(walk, node, state, stdin);
      return;
    case 'redirected_statement':
      redirected(walk, node, state, stdin);
      return;
    case 'pipeline':
      named(node).forEach((part, i) => visit(walk, part, copy(state), i === 0 ? stdin : 'pipe'));
      return;
    case 'subshell':
    case 'command_substitution':
    case 'process_substitution':
      for (const child of named(node)) visit(walk, child, copy(state), undefined);
      return;
    case 'file_redirect':
      redirect(walk, node, state);
      return;
    case 'heredoc_body':
    case 'comment':
      return;
    default:
      for (const child of named(node)) visit(walk, child, state, stdin);
  }
}

function command(walk: Walk, node: SyntaxNode, state: State, stdin: Stdin): void {
  const argv: Word[] = [];
  for (const child of named(node)) {
    if (child.type === 'command_name') {
      const word = named(child)[0];
      if (word !== undefined) argv.push(wordOf(word, known(state)));
    } else if (argv.length > 0 && child.type !== 'file_redirect' && child.type !== 'herestring_redirect' && child.type !== 'heredoc_redirect') {
      argv.push(wordOf(child, known(state)));
    }
  }
  let input = stdin;
  for (const child of named(node)) {
    if (child.type === 'herestring_redirect') input = { text: herestring(child) };
    if (child.type === 'file_redirect' && operator(child) === '<') input = 'file';
  }
  // Substitutions in the words run first, then the command; its own redirects are visited too.
  for (const child of named(node)) visit(walk, child, state, undefined);
  for (const effect of commandEffects(argv, input)) apply(walk, effect, state);
}

function redirected(walk: Walk, node: SyntaxNode, state: State, stdin: Stdin): void {
  let input = stdin;
  const redirects = node.childrenForFieldName('redirect').filter((c): c is SyntaxNode => c !== null);
  for (const r of redirects) {
    if (r.type === 'heredoc_redirect') input = { text: heredoc(r) };
    else if (r.type === 'herestring_redirect') input = { text: herestring(r) };
    else if (operator(r) === '<') input = 'file';
  }
  const body = node.childForFieldName('body');
  // tree-sitter-bash hangs `a && b > f` on the whole list; b's redirect then sees a's `cd`, as bash does.
  if (body !== null) visit(walk, body, state, input);
  for (const r of redirects) {
    if (r.type === 'file_redirect') redirect(walk, r, state);
    else for (const child of named(r)) if (child.type !== 'heredoc_body') visit(walk, child, state, undefined);
  }
}

const WRITE_OPERATORS = new Set(['>', '>>', '>|', '&>', '&>>', '<>', '>&']);

function redirect(walk: Walk, node: SyntaxNode, state: State): void {
  const destination = node.childForFieldName('destination');
  if (destination === null) return;
  if (!WRITE_OPERATORS.has(operator(node))) {
    visit(walk, destination, state, undefined);
    return;
  }
  if (destination.type === 'number' || (destination.type === 'word' && /^-$|^\d+-?$/.test(destination.text))) return; // >&2, >&-
  visit(walk, destination, state, undefined); // a $(…) in the name runs
  apply(walk, { kind: 'write', path: wordOf(destination, known(state)) }, state);
}

function apply(walk: Walk, effect: Effect, state: State): void {
  switch (effect.kind) {
    case 'write':
    case 'write-into':
      writeEffect(walk, effect, state);
      return;
    case 'link': {
      const link = resolve(effect.link, state);
      if (link === undefined || !isStatic(effect.target)) return;
      state.links.set(link, posix.resolve(posix.dirname(link), expandHome(effect.target.text, state.home)));
      return;
    }
    case 'cd':
      state.cwd = effect.dir === undefined ? undefined : resolve(effect.dir, state);
      return;
    case 'shell':
      if (!isStatic(effect.source)) {
        walk.unknown.push(`it runs a shell command built at run time (${effect.via} ${clip(effect.source.dynamic)})`);
        return;
      }
      source({ ...walk, depth: walk.depth + 1 }, effect.source.text, state);
      return;
    case 'unknown':
      walk.unknown.push(effect.why);
  }
}

function writeEffect(walk: Walk, effect: Extract<Effect, { kind: 'write' | 'write-into' }>, state: State): void {
  if (effect.kind === 'write') {
    write(walk, effect.path, state);
    if (effect.sources === undefined || !mayBeFolder(effect.path, state)) return;
    for (const src of effect.sources) if (isStatic(src)) write(walk, { text: `${pathText(effect.path)}/${basename(src.text)}` }, state, effect.path);
    return;
  }
  if (effect.sources.length === 0) write(walk, { text: `${pathText(effect.dir)}/*` }, state, effect.dir);
  for (const src of effect.sources) write(walk, isStatic(src) ? { text: `${pathText(effect.dir)}/${basename(src.text)}` } : src, state, effect.dir);
}

/** Records a write; `whole`, when given, is the word the path was built from (for a dynamic folder). */
function write(walk: Walk, path: Word, state: State, whole?: Word): void {
  const from = whole !== undefined && !isStatic(whole) ? whole : path;
  if (!isStatic(from) || !isStatic(path)) {
    walk.unknown.push(`it writes to a path only known at run time (${clip('dynamic' in from ? from.dynamic : (path as { dynamic: string }).dynamic)})`);
    return;
  }
  if (path.text === '' || path.text.startsWith('/dev/')) return;
  const absolute = resolve(path, state);
  if (absolute === undefined) {
    walk.writes.push({ path: expandHome(path.text, state.home) });
    return;
  }
  const linked = state.links.get(absolute);
  walk.writes.push(linked === undefined ? { path: absolute } : { path: absolute, linkedTo: linked });
}

/** The absolute path a static word names from the current folder, or undefined when that folder is unknown. */
function resolve(word: Word, state: State): string | undefined {
  if (!isStatic(word)) return undefined;
  return resolveText(word.text, state);
}

function resolveText(text: string, state: State): string | undefined {
  const path = expandHome(text, state.home);
  if (path.startsWith('/')) return posix.normalize(path);
  if (state.cwd === undefined) return undefined;
  return posix.join(state.cwd, path);
}

function expandHome(text: string, home: string): string {
  if (home === '') return text;
  if (text === '~') return home;
  if (text.startsWith('~/')) return `${home.replace(/\/$/, '')}${text.slice(1)}`;
  return text;
}

/**
 * Whether a cp/mv/ln destination may be a folder the sources land in: written with a trailing
 * slash, a folder on disk, or a name without an extension (`.git`, `.ssh`, `hooks`); `.env.example`
 * and `a.txt` name files.
 */
function mayBeFolder(dest: Word, state: State): boolean {
  if (!isStatic(dest)) return true;
  if (dest.text.endsWith('/')) return true;
  const absolute = resolve(dest, state);
  if (absolute !== undefined) {
    try {
      if (statSync(absolute).isDirectory()) return true;
    } catch {
      // not there (yet)
    }
  }
  return !basename(dest.text).replace(/^\./, '').includes('.');
}

function pathText(word: Word): string {
  return isStatic(word) ? word.text : word.dynamic;
}

function basename(path: string): string {
  return path.replace(/\/+$/, '').split('/').at(-1) ?? path;
}

function operator(node: SyntaxNode): string {
  for (const child of node.children) if (child !== null && !child.isNamed) return child.type;
  return '';
}

function heredoc(node: SyntaxNode): string {
  return named(node).find((c) => c.type === 'heredoc_body')?.text ?? '';
}

function herestring(node: SyntaxNode): string {
  const word = named(node)[0];
  if (word === undefined) return '';
  const value = wordOf(word);
  return isStatic(value) ? value.text : '';
}

/** $HOME, the one variable whose value the hook knows as the command will see it. */
function known(state: State): KnownVars {
  return state.home === '' ? new Map() : new Map([['HOME', state.home]]);
}

function copy(state: State): State {
  return { cwd: state.cwd, home: state.home, links: new Map(state.links) };
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}
