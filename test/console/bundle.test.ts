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
    for (const f of files()) {
      const text = readFileSync(f, 'utf8');
      // src=, href=, url(), @import and import() pointing off-site.
      expect(text, f).not.toMatch(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
      expect(text, f).not.toMatch(/url\(\s*["']?(?:https?:)?\/\//i);
      expect(text, f).not.toMatch(/@import\s+["']?(?:url\()?["']?(?:https?:)?\/\//i);
      expect(text, f).not.toMatch(/import\(\s*["'](?:https?:)?\/\//i);
    }
    const html = readFileSync(join(DIR, 'index.html'), 'utf8');
    for (const m of html.matchAll(/(?:src|href)="([^"]+)"/g)) expect(m[1], 'index.html').toMatch(/^(\/console\/|data:)/);
  });
});
