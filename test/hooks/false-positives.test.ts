// False-positive budget (reliability.md §9 test 29): ordinary source code must almost never trip
// the secret scanner. Prints the measured rate so regressions are visible.

import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanText } from '../../hooks/policy/secrets.js';

const ROOT = join(import.meta.dirname, '../..');
const NODE_MODULES_SAMPLE = 2_000;
const MAX_RATE = 0.01;

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'coverage', '.agentry']);
// Packages whose own test data may hold real-looking credentials on purpose.
const SECRETISH_PACKAGE = /secret|token|jwt|credential|gitleaks|keygrip/i;

function walk(dir: string, keep: (path: string) => boolean, skipDir: (path: string, name: string) => boolean, out: string[] = [], limit = Infinity): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (out.length >= limit) break;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skipDir(path, entry.name)) walk(path, keep, skipDir, out, limit);
    } else if (entry.isFile() && keep(path)) {
      out.push(path);
    }
  }
  return out;
}

function projectFiles(): string[] {
  const fixtures = join(ROOT, 'test/fixtures/secrets');
  return walk(
    ROOT,
    (p) => /\.(?:ts|json|md|mjs)$/.test(p),
    (p, name) => SKIP_DIRS.has(name) || p === fixtures || p === join(ROOT, 'bench/peers'),
  );
}

function dependencyFiles(): string[] {
  return walk(
    join(ROOT, 'node_modules'),
    (p) => /\.(?:js|ts)$/.test(p),
    (_p, name) => name === '.bin' || name === '.cache' || /^(?:__)?(?:fixtures?|__tests__)(?:__)?$/.test(name) || SECRETISH_PACKAGE.test(name),
    [],
    NODE_MODULES_SAMPLE,
  );
}

function measure(files: readonly string[]): { rate: number; flagged: string[] } {
  const flagged = files.filter((f) => scanText(readFileSync(f, 'utf8')).length > 0);
  return { rate: files.length === 0 ? 0 : flagged.length / files.length, flagged };
}

describe('secret scanner false positives', () => {
  it(`flags at most ${MAX_RATE * 100} % of ordinary source files`, () => {
    const own = projectFiles();
    const deps = dependencyFiles();
    expect(own.length).toBeGreaterThan(10);
    expect(deps.length).toBe(NODE_MODULES_SAMPLE);
    const all = [...own, ...deps];
    const { rate, flagged } = measure(all);
    const ownFlagged = flagged.filter((f) => !f.includes('/node_modules/'));
    console.log(
      `secret scan false-positive rate: ${flagged.length}/${all.length} files (${(rate * 100).toFixed(2)} %); ` +
        `project ${ownFlagged.length}/${own.length}, node_modules ${flagged.length - ownFlagged.length}/${deps.length}` +
        (flagged.length > 0 ? `; flagged: ${flagged.map((f) => relative(ROOT, f)).join(', ')}` : ''),
    );
    expect(rate).toBeLessThanOrEqual(MAX_RATE);
  });
});
