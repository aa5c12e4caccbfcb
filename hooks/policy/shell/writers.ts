// The commands that write files, and where: tee, truncate, touch, cp, mv, install, ln, rsync,
// scp, dd of=, sed -i, curl -o/-O, wget -O/-P, tar -cf / tar -x -C, unzip -d; also cd and eval,
// which the walk follows.

import type { Effect } from './effects.js';
import { has, readOptions, valuesOf } from './options.js';
import { type Word, isStatic, unknownWord } from './words.js';

type Writer = (args: readonly Word[]) => Effect[];

const WRITERS = new Map<string, Writer>([
  ['tee', (args) => writes(readOptions(args, {}).operands)],
  ['truncate', (args) => writes(readOptions(args, { short: 'sr', long: ['size', 'reference'] }).operands)],
  ['touch', (args) => writes(readOptions(args, { short: 'drt', long: ['date', 'reference'] }).operands)],
  ['cp', (args) => copyLike('cp', args)],
  ['mv', (args) => copyLike('mv', args)],
  ['install', (args) => copyLike('install', args)],
  ['ln', (args) => copyLike('ln', args)],
  ['rsync', (args) => copyLike('rsync', local(args), 'ef')],
  ['scp', (args) => copyLike('scp', local(args), 'FiloPSJc')],
  ['dd', (args) => args.flatMap((a): Effect[] => (isStatic(a) && a.text.startsWith('of=') ? [{ kind: 'write', path: { text: a.text.slice(3) } }] : []))],
  ['sed', (args) => inPlace(args, 'ef')],
  ['curl', (args) => curl(args)],
  ['wget', (args) => wget(args)],
  ['tar', (args) => tar(args)],
  ['unzip', (args) => valuesOf(readOptions(args, { short: 'dx' }), 'd').map((dir): Effect => ({ kind: 'write-into', dir, sources: [] }))],
  ['eval', (args) => (args.length === 0 ? [] : [{ kind: 'shell', source: joinWords(args), via: 'eval' }])],
  ['cd', (args) => [{ kind: 'cd', dir: readOptions(args, {}).operands[0] ?? { text: '~' } }]],
  ['pushd', (args) => [{ kind: 'cd', dir: readOptions(args, {}).operands[0] ?? { text: '~' } }]],
  ['popd', () => [{ kind: 'cd', dir: unknownWord('popd') }]],
]);

export function writerEffects(name: string, args: readonly Word[]): Effect[] {
  return WRITERS.get(name)?.(args) ?? [];
}

/** rsync/scp operands naming another host (host:path) are not local files. */
function local(args: readonly Word[]): Word[] {
  return args.filter((a) => !(isStatic(a) && /^[^/]*:/.test(a.text) && !a.text.startsWith('-')));
}

/** perl -i rewrites files in place like sed -i (interpreters.ts sends it here). */
export { inPlace };

function writes(paths: readonly Word[]): Effect[] {
  return paths.filter((p) => !(isStatic(p) && p.text === '-')).map((path) => ({ kind: 'write', path }));
}

/** cp/mv/install/ln: the last operand, or -t DIR; the destination may be a folder. */
function copyLike(name: string, args: readonly Word[], valued = 'tSmog'): Effect[] {
  const read = readOptions(args, { short: valued, long: ['target-directory', 'suffix', 'mode', 'owner', 'group', 'backup'] });
  const operands = [...read.operands];
  const into = valuesOf(read, 't', 'target-directory');
  if (into.length > 0) return into.map((dir) => ({ kind: 'write-into', dir, sources: operands }));
  if (name === 'install' && has(read, 'd', 'directory')) return [];
  const dest = operands.pop();
  if (dest === undefined) return [];
  if (name === 'ln' && operands.length === 0) return [{ kind: 'write', path: { text: '.' }, sources: [dest] }];
  const effects: Effect[] = [{ kind: 'write', path: dest, sources: operands }];
  if (name === 'ln' && operands.length === 1 && operands[0] !== undefined) effects.push({ kind: 'link', link: dest, target: operands[0] });
  return effects;
}

/** sed -i / perl -i: every operand after the script is rewritten in place. */
function inPlace(args: readonly Word[], scriptLetters: string): Effect[] {
  const inPlaceFlag = args.some((a) => isStatic(a) && (/^-[A-Za-z]*i/.test(a.text) || a.text.startsWith('--in-place')));
  if (!inPlaceFlag) return [];
  // -i takes an optional suffix glued to it (-i.bak), never the next word.
  const read = readOptions(args, { short: scriptLetters, long: ['expression', 'file'] });
  const scriptGiven = scriptLetters.split('').some((l) => read.options.has(l)) || has(read, 'expression', 'file');
  return writes(scriptGiven ? read.operands : read.operands.slice(1));
}

function curl(args: readonly Word[]): Effect[] {
  const read = readOptions(args, { short: 'oDcKHdXuAeEFTwxrYyzmbCUQ', long: ['output', 'dump-header', 'cookie-jar', 'output-dir', 'trace', 'trace-ascii', 'stderr', 'config', 'header', 'data', 'data-raw', 'data-binary', 'request', 'user', 'url', 'form'] });
  const dir = valuesOf(read, 'output-dir')[0];
  const inDir = (path: Word): Word => (dir !== undefined && isStatic(dir) && isStatic(path) && !path.text.startsWith('/') ? { text: `${dir.text}/${path.text}` } : path);
  const effects: Effect[] = [...valuesOf(read, 'o', 'output').map(inDir), ...valuesOf(read, 'D', 'dump-header', 'c', 'cookie-jar', 'trace', 'trace-ascii', 'stderr')].map(
    (path): Effect => ({ kind: 'write', path }),
  );
  if (has(read, 'O', 'remote-name', 'remote-name-all')) {
    if (has(read, 'J', 'remote-header-name')) effects.push({ kind: 'unknown', why: 'curl -J names the file it writes after the server’s answer' });
    for (const url of [...read.operands, ...valuesOf(read, 'url')]) effects.push({ kind: 'write', path: inDir(urlBasename(url)) });
  }
  return effects;
}

function wget(args: readonly Word[]): Effect[] {
  const read = readOptions(args, { short: 'OoaPeiUTtwlABDIXR', long: ['output-document', 'output-file', 'append-output', 'directory-prefix', 'execute', 'input-file', 'user-agent', 'timeout', 'tries', 'wait', 'level', 'accept', 'reject', 'domains', 'include-directories', 'exclude-directories'] });
  const named = valuesOf(read, 'O', 'output-document');
  const logs = valuesOf(read, 'o', 'output-file', 'a', 'append-output');
  const effects: Effect[] = [...named, ...logs].map((path) => ({ kind: 'write', path }));
  if (named.length === 0) {
    const prefix = valuesOf(read, 'P', 'directory-prefix')[0];
    for (const url of read.operands) {
      const base = urlBasename(url);
      effects.push({ kind: 'write', path: prefix !== undefined && isStatic(prefix) && isStatic(base) ? { text: `${prefix.text}/${base.text}` } : base });
    }
  }
  return effects;
}

/** tar: -f FILE when creating, the -C folder when extracting. A first word without a dash is a bundle (tar xzf a.tgz). */
function tar(args: readonly Word[]): Effect[] {
  const first = args[0];
  const bundled = first !== undefined && isStatic(first) && /^[A-Za-z]+$/.test(first.text) ? [{ text: `-${first.text}` }, ...args.slice(1)] : args;
  const read = readOptions(bundled, { short: 'fCbHKLNTVXgI', long: ['file', 'directory', 'exclude', 'transform', 'owner', 'group', 'mode', 'files-from', 'use-compress-program'] });
  const effects: Effect[] = [];
  const creating = has(read, 'c', 'r', 'u', 'A', 'create', 'append', 'update');
  if (creating) effects.push(...valuesOf(read, 'f', 'file').map((path): Effect => ({ kind: 'write', path })));
  if (has(read, 'x', 'extract', 'get')) effects.push(...valuesOf(read, 'C', 'directory').map((dir): Effect => ({ kind: 'write-into', dir, sources: [] })));
  return effects;
}

function urlBasename(url: Word): Word {
  if (!isStatic(url)) return url;
  const path = url.text.replace(/[?#].*$/, '').replace(/^[a-z]+:\/\/[^/]*/i, '');
  const base = path.split('/').at(-1) ?? '';
  return { text: base === '' ? 'index.html' : base };
}

function joinWords(words: readonly Word[]): Word {
  if (!words.every(isStatic)) return unknownWord(words.map((w) => ('text' in w ? w.text : w.dynamic)).join(' '));
  return { text: words.map((w) => (w as { text: string }).text).join(' ') };
}
