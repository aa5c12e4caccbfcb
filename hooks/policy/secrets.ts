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
const ALLOWLISTED_VALUES: readonly string[] = [
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
  // Sorted by start and non-overlapping, so an overlap check is a binary search: checking each
  // hit against every earlier one was quadratic (a 1 MB Write of AWS key ids took ~8 s).
  let hits: Hit[] = [];
  for (const rule of SECRET_RULES) {
    if (!rule.keywords.some((k) => lower.includes(k))) continue;
    // Rules are ordered specific-first: a generic match over a specific one adds nothing.
    // One rule's hits come in order and never overlap each other.
    const fresh = [...ruleHits(rule, text)].filter((hit) => !overlapsAny(hits, hit));
    if (fresh.length > 0) hits = mergeByStart(hits, fresh);
  }
  const lines = lineStarts(text);
  const allowedLines = new Map<number, boolean>();
  return hits.filter((h) => !isAllowed(h, text, lines, allowedLines, options)).map((h) => toFinding(h, lines));
}

/** Whether `hit` overlaps one of `sorted` (sorted by start, non-overlapping, so ends ascend too). */
function overlapsAny(sorted: readonly Hit[], hit: Hit): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid]?.end ?? 0) <= hit.start) lo = mid + 1;
    else hi = mid;
  }
  const first = sorted[lo]; // the first hit ending after `hit` starts
  return first !== undefined && first.start < hit.end;
}

function mergeByStart(a: readonly Hit[], b: readonly Hit[]): Hit[] {
  const out: Hit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x.start <= y.start)) {
      if (x !== undefined) out.push(x);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  return out;
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

/** `markedLines` caches the marker test per line: many hits on one long line stay linear. */
function isAllowed(hit: Hit, text: string, lines: readonly number[], markedLines: Map<number, boolean>, options: ScanOptions): boolean {
  if (ALLOWLISTED_VALUES.includes(hit.secret)) return true;
  if (options.allowlist?.some((re) => new RegExp(re.source, re.flags.replace('g', '')).test(hit.secret)) === true) return true;
  const lineIndex = findLine(lines, hit.start);
  const cached = markedLines.get(lineIndex);
  if (cached !== undefined) return cached;
  const from = lines[lineIndex] ?? 0;
  const next = text.indexOf('\n', from);
  const marked = ALLOW_MARKER.test(text.slice(from, next === -1 ? undefined : next));
  markedLines.set(lineIndex, marked);
  return marked;
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
