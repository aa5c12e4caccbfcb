// Small text helpers for offline drafts: every result fits the length its schema allows.

/** Cuts `text` to at most `max` characters at a word boundary, ending with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, Math.max(0, max - 1));
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}

/** The text without a trailing period, with a capital first letter. */
export function sentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim().replace(/[.!?]+$/, '');
  return flat.charAt(0).toUpperCase() + flat.slice(1);
}

/** The text for use mid-sentence: a lowercase first letter, unless it starts a proper name or an acronym. */
export function lowerFirst(text: string): string {
  const flat = sentence(text);
  const properName = /^[A-Z][a-z']*\s+[A-Z]/.test(flat) || /^[A-Z]{2}/.test(flat);
  return properName ? flat : flat.charAt(0).toLowerCase() + flat.slice(1);
}

export function slugify(text: string, max = 60): string {
  const slug = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = slug.slice(0, max).replace(/-+$/, '');
  return cut === '' ? 'post' : cut;
}

const STOPWORDS = new Set(
  'about after also and announce are drive for from get has have help into introduce invite its launch make more new our out over promote sell share than that the their them then this those through users want with without your you'.split(' '),
);

/** Up to `count` distinct content words of `text`, longest first, in lowercase. */
export function keywords(text: string, count: number): string[] {
  const words = text.toLowerCase().match(/[a-z][a-z0-9-]{3,}/g) ?? [];
  const unique = [...new Set(words.filter((w) => !STOPWORDS.has(w)))];
  return unique.sort((a, b) => b.length - a.length || (a < b ? -1 : 1)).slice(0, count);
}

/** `launch-day` → `#LaunchDay`. */
export function hashtag(word: string): string {
  return `#${word
    .split(/[^a-z0-9]+/i)
    .filter((p) => p !== '')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('')}`;
}

/** Replaces every exact occurrence of `from` with `to`. */
export function replaceAll(text: string, from: string, to: string): string {
  return from === '' ? text : text.split(from).join(to);
}
