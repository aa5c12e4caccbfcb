// The hook client runs on every Claude Code tool call: its whole static import graph (type-only
// imports aside, they are erased) must stay off the heavy modules (DESIGN §1).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const HEAVY = ['xstate', '@anthropic-ai/sdk', 'lowdb', 'ajv', 'ajv-formats', 'pino', 'pino-pretty', 'croner'];

/** Every module `entry` loads: relative ones as repo paths, packages and builtins by name. */
function importGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop() ?? '';
    const key = relative(ROOT, file);
    if (seen.has(key)) continue;
    seen.add(key);
    const text = readFileSync(file, 'utf8');
    const follow = (spec: string, name: string): void => {
      if (spec.startsWith('.')) todo.push(resolve(dirname(file), spec).replace(/\.js$/, '.ts'));
      else seen.add(name);
    };
    for (const m of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'([^']+)'/gm)) {
      const [, typeOnly, spec = ''] = m;
      if (typeOnly === undefined) follow(spec, spec);
    }
    // Loaded on demand: our own files are followed and builtins named as such, so only a package is marked dynamic.
    for (const [, spec = ''] of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) follow(spec, spec.startsWith('node:') ? spec : `dynamic:${spec}`);
  }
  return seen;
}

describe('hook client imports', () => {
  const graph = importGraph(join(ROOT, 'hooks/client.ts'));

  it('reaches the policy through hooks/ files only', () => {
    expect(graph).toContain('hooks/policy/pre-tool-use.ts');
    expect([...graph].filter((m) => m.endsWith('.ts') && !m.startsWith('hooks/'))).toEqual([]);
    expect(graph).not.toContain('hooks/install.ts');
    expect(graph).not.toContain('hooks/handler.ts');
  });

  it('loads no heavy package: node builtins, and the shell parser on demand', () => {
    const packages = [...graph].filter((m) => !m.endsWith('.ts'));
    expect(packages.filter((m) => HEAVY.some((h) => m === h || m.startsWith(`${h}/`)))).toEqual([]);
    // The shell parser (WebAssembly, ~30 ms) is loaded on demand, for a Bash call only.
    expect(packages.filter((m) => !m.startsWith('node:'))).toEqual(['dynamic:web-tree-sitter']);
  });
});

describe('the bundled Node fallback (dist/hooks/fallback/, npm run build:hook)', () => {
  it('imports only node builtins, its own chunks and, on demand, the shell parser', () => {
    const dir = join(ROOT, 'dist/hooks/fallback');
    const imports = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const m of text.matchAll(/^import\s[^;]*?from\s+"([^"]+)"|\bimport\("([^"]+)"\)/gm)) imports.add(m[1] ?? m[2] ?? '');
    }
    expect([...imports].filter((s) => !s.startsWith('node:') && !s.startsWith('./'))).toEqual(['web-tree-sitter']);
    for (const s of [...imports].filter((i) => i.startsWith('./'))) expect(existsSync(join(dir, s))).toBe(true);
  });
});
