// Scans text for secrets. Findings carry only a redacted prefix: the secret itself never leaves
// this module, so no log line, deny reason or test output can echo it.

import { shannonEntropy } from './entropy.js';
import { SECRET_RULES, type SecretRule } from './secret-rules.js';

export interface Finding {
  readonly rule: string;
  readonly description: string;
  /** 1-based line of the secret's first character. */
  readonly line: number;
  /** 1-based column of the secret's first character. */
  readonly column: number;
  /** The first 4 characters and an ellipsis. */
  readonly redacted: string;
}

export interface ScanOptions {
  /** A secret matching any of these is a known example, not a finding. */
  readonly allowlist?: readonly RegExp[];
}

/** Known example values from vendor docs; a match is not a finding. */
export const ALLOWLISTED_VALUES: readonly string[] = [
  'AKIAIOSFODNN7EXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
];

/** An inline comment with either marker on the secret's line suppresses the finding. */
const ALLOW_MARKER = /\b(?:agentry|gitleaks):allow\b/;

interface Hit {
  readonly rule: SecretRule;
  readonly start: number;
  readonly end: number;
  readonly secret: string;
}

export function scanText(text: string, options: ScanOptions = {}): Finding[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const lower = text.toLowerCase();
  const hits: Hit[] = [];
  for (const rule of SECRET_RULES) {
    if (!rule.keywords.some((k) => lower.includes(k))) continue;
    for (const hit of ruleHits(rule, text)) {
      // Rules are ordered specific-first: a generic match over a specific one adds nothing.
      if (!hits.some((h) => h.start < hit.end && hit.start < h.end)) hits.push(hit);
    }
  }
  const lines = lineStarts(text);
  return hits
    .filter((h) => !isAllowed(h, text, lines, options))
    .sort((a, b) => a.start - b.start)
    .map((h) => toFinding(h, lines));
}

/** Redacts a secret to its first 4 characters. */
export function redact(secret: string): string {
  let prefix = '';
  let n = 0;
  for (const ch of secret) {
    if (n++ === 4) break;
    prefix += ch;
  }
  return `${prefix}…`;
}

function* ruleHits(rule: SecretRule, text: string): Generator<Hit> {
  const regex = new RegExp(rule.regex.source, rule.regex.flags); // fresh lastIndex per scan
  for (const match of text.matchAll(regex)) {
    const groups = match.groups ?? {};
    const secret = groups['secret'] ?? groups['secret2'] ?? groups['secret3'] ?? groups['secret4'];
    if (secret === undefined) continue;
    if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) continue;
    if (rule.ignore?.(secret, groups['name']) === true) continue;
    const start = match.index + match[0].indexOf(secret);
    yield { rule, start, end: start + secret.length, secret };
  }
}

function isAllowed(hit: Hit, text: string, lines: readonly number[], options: ScanOptions): boolean {
  if (ALLOWLISTED_VALUES.includes(hit.secret)) return true;
  if (options.allowlist?.some((re) => new RegExp(re.source, re.flags.replace('g', '')).test(hit.secret)) === true) return true;
  const lineIndex = findLine(lines, hit.start);
  const from = lines[lineIndex] ?? 0;
  const next = text.indexOf('\n', from);
  return ALLOW_MARKER.test(text.slice(from, next === -1 ? undefined : next));
}

function toFinding(hit: Hit, lines: readonly number[]): Finding {
  const lineIndex = findLine(lines, hit.start);
  return {
    rule: hit.rule.id,
    description: hit.rule.description,
    line: lineIndex + 1,
    column: hit.start - (lines[lineIndex] ?? 0) + 1,
    redacted: redact(hit.secret.trimStart()),
  };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Index of the line holding `offset` (binary search over line starts). */
function findLine(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
