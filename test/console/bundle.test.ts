// The built console (npm run build → dist/console/): under 150 kB gzipped in all, and nothing in
// it loads from anywhere but its own origin (no CDN, no remote font): it works offline.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/daemon.js';

const DIR = join(REPO, 'dist', 'console');
const LIMIT_BYTES = 150 * 1024;

function files(): string[] {
  const assets = readdirSync(join(DIR, 'assets')).map((f) => join(DIR, 'assets', f));
  return [join(DIR, 'index.html'), ...assets];
}

describe('the console bundle', () => {
  it('is built, and under 150 kB gzipped', () => {
    const list = files();
    expect(list.some((f) => f.endsWith('.js'))).toBe(true);
    expect(list.some((f) => f.endsWith('.css'))).toBe(true);
    const total = list.reduce((sum, f) => sum + gzipSync(readFileSync(f), { level: 9 }).length, 0);
    expect(total).toBeLessThan(LIMIT_BYTES);
  });

  it('loads nothing from another origin', () => {
    // src=, href=, url(), @import and import() pointing off-site.
    const OFF_SITE = [/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//gi, /url\(\s*["']?(?:https?:)?\/\//gi, /@import\s+["']?(?:url\()?["']?(?:https?:)?\/\//gi, /import\(\s*["'](?:https?:)?\/\//gi];
    const hits = files().flatMap((f) => {
      const text = readFileSync(f, 'utf8');
      return OFF_SITE.flatMap((re) => [...text.matchAll(re)].map((m) => `${f}: ${m[0]}`));
    });
    expect(hits).toEqual([]);
    const html = readFileSync(join(DIR, 'index.html'), 'utf8');
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((r) => !/^(\/console\/|data:)/.test(r))).toEqual([]);
  });
});
