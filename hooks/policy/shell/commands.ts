// What one simple command does to files, by its name: wrappers are unwrapped (wrappers.ts), shells
// and interpreters are looked into (interpreters.ts), and writing commands name their files
// (writers.ts).

import type { Effect, Stdin } from './effects.js';
import { SHELLS, interpreterEffects, shellEffects } from './interpreters.js';
import { type Word, isStatic } from './words.js';
import { unwrap } from './wrappers.js';
import { writerEffects } from './writers.js';

export type { Effect, Stdin } from './effects.js';

const MAX_WRAPPERS = 16;

export function commandEffects(argv: readonly Word[], stdin: Stdin, depth = 0): Effect[] {
  const [first, ...args] = argv;
  if (first === undefined || depth > MAX_WRAPPERS || !isStatic(first)) return [];
  const name = first.text.split('/').at(-1) ?? '';
  const wrapped = unwrap(name, args, (inner) => commandEffects(inner, undefined, depth + 1));
  if (wrapped !== undefined) return [...wrapped.effects, ...commandEffects(wrapped.argv, stdin, depth + 1)];
  if (SHELLS.has(name)) return shellEffects(name, args, stdin);
  return interpreterEffects(name, args, stdin) ?? writerEffects(name, args);
}
