// The value of a shell word as far as it can be known without running anything: quotes removed
// and escapes decoded, or `dynamic` when an expansion ($F, ${F}, $(…), backticks, $((…))) decides it.

import type { SyntaxNode } from './parser.js';

export type Word = { readonly text: string } | { readonly dynamic: string };

export function isStatic(word: Word): word is { readonly text: string } {
  return 'text' in word;
}

/** A word whose value comes from somewhere the parser cannot see (xargs' stdin, find's {}). */
export function unknownWord(what: string): Word {
  return { dynamic: what };
}

/** Variables whose value is known where the command runs ($HOME); the rest are dynamic. */
export type KnownVars = ReadonlyMap<string, string>;

const NONE: KnownVars = new Map();

export function wordOf(node: SyntaxNode, known: KnownVars = NONE): Word {
  switch (node.type) {
    case 'word':
    case 'number':
      return { text: unescapeBare(node.text) };
    case 'raw_string':
      return { text: node.text.slice(1, -1) };
    case 'ansi_c_string':
      return { text: decodeAnsiC(node.text.slice(2, -1)) };
    case 'string':
    case 'translated_string':
      return stringOf(node, known);
    case 'simple_expansion':
    case 'expansion':
      return knownVar(node, known) ?? { dynamic: node.text };
    case 'concatenation': {
      let text = '';
      for (const part of named(node)) {
        const w = wordOf(part, known);
        if (!isStatic(w)) return { dynamic: node.text };
        text += w.text;
      }
      return { text };
    }
    default:
      return { dynamic: node.text };
  }
}

/** $HOME or ${HOME} when HOME is known; ${HOME:-x} and the like stay dynamic. */
function knownVar(node: SyntaxNode, known: KnownVars): Word | undefined {
  const match = /^\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})$/.exec(node.text);
  const name = match?.[1] ?? match?.[2];
  const value = name === undefined ? undefined : known.get(name);
  return value === undefined ? undefined : { text: value };
}

function stringOf(node: SyntaxNode, known: KnownVars): Word {
  let text = '';
  for (const part of named(node)) {
    if (part.type === 'simple_expansion' || part.type === 'expansion') {
      const value = knownVar(part, known);
      if (value === undefined || !isStatic(value)) return { dynamic: node.text };
      text += value.text;
    } else if (part.type === 'string') {
      const inner = stringOf(part, known); // $"…" wraps a string
      if (!isStatic(inner)) return inner;
      text += inner.text;
    } else if (part.type === 'string_content') {
      text += part.text.replace(/\\([$`"\\\n])/g, (_m, ch: string) => (ch === '\n' ? '' : ch));
    } else {
      return { dynamic: node.text };
    }
  }
  return { text };
}

function unescapeBare(text: string): string {
  return text.replace(/\\(.)/gs, (_m, ch: string) => (ch === '\n' ? '' : ch));
}

const ANSI_C: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

function decodeAnsiC(body: string): string {
  return body.replace(/\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)/gs, (_m, esc: string) => {
    if (esc.startsWith('x') && esc.length > 1) return String.fromCharCode(Number.parseInt(esc.slice(1), 16));
    if (/^[0-7]+$/.test(esc)) return String.fromCharCode(Number.parseInt(esc, 8));
    return ANSI_C[esc] ?? `\\${esc}`;
  });
}

export function named(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((c): c is SyntaxNode => c !== null);
}
