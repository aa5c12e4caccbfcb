// Everything under hooks/ except the installer is loaded on every Claude Code tool call, so it may
// import only node builtins and other hooks/ files (no xstate, SDK, lowdb, ajv or pino).

import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const HOOKS = join(import.meta.dirname, '../../hooks');
const INSTALLER = new Set(['install.ts', 'install-plan.ts', 'settings-file.ts', 'mcp-config.ts']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('hook hot path', () => {
  it('imports only node builtins and sibling hooks/ files', () => {
    const offenders: string[] = [];
    for (const file of sources(HOOKS).filter((f) => !INSTALLER.has(relative(HOOKS, f)))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*from\s+'([^']+)'/gm)) {
        const [, , typeOnly, spec = ''] = match;
        if (typeOnly !== undefined || spec.startsWith('node:')) continue;
        const inside = spec.startsWith('.') && !relative(HOOKS, resolve(file, '..', spec)).startsWith('..');
        if (!inside || INSTALLER.has(relative(HOOKS, resolve(file, '..', spec)).replace(/\.js$/, '.ts'))) offenders.push(`${relative(HOOKS, file)} -> ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
