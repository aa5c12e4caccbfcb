// The console's files (built by Vite into dist/console/), served from memory-safe paths only:
// no traversal, no directory listing, a strict CSP (everything is ours: no CDN, no remote font).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpError } from './errors-http.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

export const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // The sign-in link carries a token: no page of ours ever tells another site its address.
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
} as const;

/**
 * Where the built console is: dist/console/ beside this module when it runs compiled, or the
 * repository's dist/console/ when it runs as source (tests). undefined when not built.
 */
export function defaultConsoleDir(): string | undefined {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const dir of [resolve(here, '..', 'console'), resolve(here, '..', 'dist', 'console')]) {
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

/** Sends `rel` (a path under /console/) from `root`; the app's index for anything without an extension. */
export async function sendConsoleFile(res: ServerResponse, root: string | undefined, rel: string, head: boolean): Promise<void> {
  if (root === undefined) throw new HttpError('NOT_CONFIGURED', 'the console is not built: run `npm run build`');
  const clean = normalize(`/${rel}`).slice(1);
  const file = extname(clean) === '' ? 'index.html' : clean;
  const full = resolve(root, file);
  if (full !== root && !full.startsWith(root + sep)) throw new HttpError('NOT_FOUND', 'no such console file');
  let body: Buffer;
  try {
    body = await readFile(full);
  } catch {
    throw new HttpError('NOT_FOUND', `no console file ${JSON.stringify(rel.slice(0, 200))}`);
  }
  // Vite names assets by their hash: they never change. The page itself always revalidates.
  const cache = file.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-store';
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': String(body.length), 'cache-control': cache });
  res.end(head ? undefined : body);
}
