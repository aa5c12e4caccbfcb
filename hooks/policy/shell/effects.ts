// What a simple command does, as far as the guard cares: files written, links made, folders
// changed to, shell source run, or something that may write but cannot be pinned down.

import type { Word } from './words.js';

export type Effect =
  /** `path` is written; with `sources`, `path` may be a folder and path/<basename of each source> is written too. */
  | { readonly kind: 'write'; readonly path: Word; readonly sources?: readonly Word[] }
  /** Files land inside `dir`: dir/<basename of each source>, or some file in it. */
  | { readonly kind: 'write-into'; readonly dir: Word; readonly sources: readonly Word[] }
  | { readonly kind: 'link'; readonly link: Word; readonly target: Word }
  | { readonly kind: 'cd'; readonly dir: Word | undefined }
  /** Shell source to parse and check in turn (bash -c, eval, a heredoc fed to sh). */
  | { readonly kind: 'shell'; readonly source: Word; readonly via: string }
  /** Could write, and what it writes cannot be known statically: a person decides. */
  | { readonly kind: 'unknown'; readonly why: string };

/** Where the command's stdin comes from: a pipe, a file, or a heredoc's text. */
export type Stdin = 'pipe' | 'file' | { readonly text: string } | undefined;

