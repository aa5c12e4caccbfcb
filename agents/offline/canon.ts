// Reads "never say X" rules out of free-text canon notes, the way a careful editor would skim them.
// A rule is a sentence with never/avoid/don't/do not and a double-quoted term; a second quoted
// term in the same sentence is the replacement: `Never call Ika "robot"; say "idol" instead.`

export interface CanonRule {
  /** The forbidden term, as quoted in the canon. */
  term: string;
  /** The replacement the canon names, when it names one. */
  replacement: string | null;
  /** The canon sentence the rule comes from. */
  source: string;
}

const PROHIBITION = /\b(never|avoid|don't|do not|must not)\b/i;

export function canonRules(canon: string): CanonRule[] {
  const rules: CanonRule[] = [];
  for (const raw of canon.split(/(?<=[.!?])\s+|\n+/)) {
    const source = raw.trim();
    if (!PROHIBITION.test(source)) continue;
    const quoted = [...source.matchAll(/"([^"]{1,80})"/g)].map((m) => m[1] ?? '').filter((t) => t.trim() !== '');
    const [term, replacement] = quoted;
    if (term === undefined) continue;
    rules.push({ term, replacement: replacement ?? null, source });
  }
  return rules;
}

/** Compiled term patterns: the same few terms are looked for in every draft and review. */
const TERM_PATTERNS = new Map<string, RegExp>();
const MAX_PATTERNS = 512;

function termPattern(term: string): RegExp {
  let pattern = TERM_PATTERNS.get(term);
  if (!pattern) {
    const escaped = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'giu');
    if (TERM_PATTERNS.size >= MAX_PATTERNS) TERM_PATTERNS.clear();
    TERM_PATTERNS.set(term, pattern);
  }
  return pattern;
}

/** Every occurrence of `term` in `text` (case-insensitive, whole words), as the exact text found. */
export function findTerm(text: string, term: string): string[] {
  // matchAll clones the pattern, so the cached one's lastIndex is never shared.
  return [...text.matchAll(termPattern(term))].map((m) => m[0]);
}
