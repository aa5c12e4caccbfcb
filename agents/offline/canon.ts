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

/** Every occurrence of `term` in `text` (case-insensitive, whole words), as the exact text found. */
export function findTerm(text: string, term: string): string[] {
  const escaped = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [...text.matchAll(new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'giu'))].map((m) => m[0]);
}
