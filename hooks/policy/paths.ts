// Protected paths: files that hold credentials or repository internals. Matching is on normalised,
// lower-cased path segments, so `./.ENV`, `a/../.env` and `C:\\Users\\me\\.ssh\\config` all count.

import { posix } from 'node:path';

export type PathVerdict =
  | { readonly decision: 'deny' | 'ask'; readonly rule: string; readonly why: string; readonly path: string }
  | { readonly decision: 'none'; readonly path: string };

interface PathRule {
  readonly rule: string;
  readonly decision: 'deny' | 'ask';
  readonly why: string;
  readonly test: (segments: readonly string[], base: string) => boolean;
}

const ENV_TEMPLATES = new Set(['.env.example', '.env.sample', '.env.template']);

const PATH_RULES: readonly PathRule[] = [
  {
    rule: 'protected-path:env',
    decision: 'deny',
    why: '.env and .envrc files hold secrets',
    test: (_s, base) => ((base === '.env' || base.startsWith('.env.')) && !ENV_TEMPLATES.has(base)) || base === '.envrc',
  },
  { rule: 'protected-path:ssh', decision: 'deny', why: '~/.ssh holds private keys', test: (s) => s.slice(0, -1).includes('.ssh') },
  {
    rule: 'protected-path:private-key',
    decision: 'deny',
    why: 'key files hold private keys',
    test: (_s, base) => /\.(?:pem|key)$/.test(base) || /^id_(?:rsa|dsa|ecdsa|ed25519)/.test(base),
  },
  {
    rule: 'protected-path:git',
    decision: 'deny',
    why: '.git belongs to git (its hooks run on every commit)',
    test: (s, base) => base === '.git' || s.slice(0, -1).includes('.git'),
  },
  {
    rule: 'protected-path:aws',
    decision: 'deny',
    why: '~/.aws holds cloud credentials',
    test: (s) => s.slice(0, -1).includes('.aws'),
  },
  {
    rule: 'protected-path:gh',
    decision: 'deny',
    why: '~/.config/gh holds GitHub CLI tokens',
    test: (s) => s.slice(0, -2).some((seg, i) => seg === '.config' && s[i + 1] === 'gh'),
  },
  {
    rule: 'protected-path:netrc',
    decision: 'deny',
    why: '~/.netrc holds login passwords',
    test: (_s, base) => base === '.netrc' || base === '_netrc',
  },
  {
    // These also hold ordinary settings, so a person decides; their content is secret-scanned anyway.
    rule: 'protected-path:credentials-config',
    decision: 'ask',
    why: 'it can hold registry or login tokens',
    test: (_s, base) => base === '.npmrc' || base === '.pypirc',
  },
];

/** Classifies a write target. `cwd` is the session's working directory (absolute, or '' if unknown). */
export function checkWritePath(rawPath: string, cwd: string): PathVerdict {
  const path = normalise(rawPath, cwd);
  const segments = path.toLowerCase().split('/').filter((s) => s !== '' && s !== '.');
  const base = segments.at(-1) ?? '';
  for (const rule of PATH_RULES) {
    if (rule.test(segments, base)) return { decision: rule.decision, rule: rule.rule, why: rule.why, path };
  }
  if (escapesCwd(rawPath, path, cwd)) {
    return { decision: 'ask', rule: 'path-escapes-cwd', why: 'the path climbs out of the working directory with ..', path };
  }
  return { decision: 'none', path };
}

/** The path as shown to Claude: relative to cwd when inside it. */
export function displayPath(path: string, cwd: string): string {
  const root = toSlashes(cwd);
  if (isAbsolute(root) && path.startsWith(`${root.replace(/\/$/, '')}/`)) return path.slice(root.replace(/\/$/, '').length + 1);
  return path;
}

function normalise(rawPath: string, cwd: string): string {
  const path = toSlashes(rawPath);
  const root = toSlashes(cwd);
  if (isAbsolute(path) || !isAbsolute(root)) return posix.normalize(path);
  return posix.join(root, path);
}

function escapesCwd(rawPath: string, path: string, cwd: string): boolean {
  if (!toSlashes(rawPath).split('/').includes('..')) return false;
  const root = toSlashes(cwd);
  if (!isAbsolute(root)) return path === '..' || path.startsWith('../');
  const rel = posix.relative(posix.normalize(root), path);
  return rel === '..' || rel.startsWith('../') || isAbsolute(rel);
}

function toSlashes(p: string): string {
  return p.replaceAll('\\', '/');
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:\//.test(p);
}
