// The bash parser: tree-sitter-bash (the grammar GitHub and editors use) in WebAssembly through
// web-tree-sitter, both maintained by the tree-sitter project. Loading costs ~30 ms once: the
// supervisor loads it when its hook handler is made, the Node fallback only for a Bash call.
// Parsing is synchronous once loaded, so the policy stays a pure function of its input.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Node, Parser as TreeSitterParser } from 'web-tree-sitter';

export type { Node as SyntaxNode } from 'web-tree-sitter';

export interface BashParser {
  /** Calls `use` with the syntax tree's root; the tree is freed afterwards (it lives in wasm memory). */
  withTree<T>(source: string, use: (root: Node) => T): T;
}

let loaded: BashParser | undefined;
let loading: Promise<BashParser> | undefined;

/** The parser, loading it on the first call; later calls share the one instance. */
export function loadBashParser(): Promise<BashParser> {
  loading ??= load().then(
    (parser) => (loaded = parser),
    (err: unknown) => {
      loading = undefined; // a later call may try again
      throw err;
    },
  );
  return loading;
}

/** The parser if it is loaded, without waiting. */
export function bashParser(): BashParser | undefined {
  return loaded;
}

async function load(): Promise<BashParser> {
  const { Parser, Language } = await import('web-tree-sitter');
  await Parser.init();
  const require = createRequire(import.meta.url);
  const language = await Language.load(await readFile(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm')));
  const parser: TreeSitterParser = new Parser();
  parser.setLanguage(language);
  return {
    withTree(source, use) {
      const tree = parser.parse(source);
      if (tree === null) throw new Error('the bash parser returned no tree');
      try {
        return use(tree.rootNode);
      } finally {
        tree.delete();
      }
    },
  };
}
