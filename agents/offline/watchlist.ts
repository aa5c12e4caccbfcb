// The offline reviewer's built-in watchlist: phrases a cultural reviewer would flag in most
// English-language marketing, each with a calibrated severity and a drop-in replacement.
import type { Channel, IssueSeverity } from '../../schemas/generated/types.js';

export interface WatchTerm {
  term: string;
  severity: IssueSeverity;
  replacement: string;
  why: string;
}

export const WATCHLIST: readonly WatchTerm[] = [
  { term: 'final solution', severity: 'critical', replacement: 'complete answer', why: 'evokes the Holocaust' },
  { term: 'spirit animal', severity: 'high', replacement: 'favourite', why: 'appropriates Indigenous belief' },
  { term: 'oriental', severity: 'high', replacement: 'East Asian', why: 'dated, othering term for people' },
  { term: 'third world', severity: 'high', replacement: 'lower-income', why: 'dated and demeaning' },
  { term: 'guaranteed', severity: 'medium', replacement: 'designed', why: 'a claim the brief cannot support' },
  { term: 'best in the world', severity: 'medium', replacement: 'built for teams like yours', why: 'an unsupportable superlative' },
  { term: 'exotic', severity: 'medium', replacement: 'distinctive', why: 'othering when said of places or people' },
  { term: 'lame', severity: 'medium', replacement: 'weak', why: 'ableist' },
  { term: 'crazy', severity: 'low', replacement: 'surprising', why: 'casually ableist' },
  { term: 'insane', severity: 'low', replacement: 'remarkable', why: 'casually ableist' },
  { term: 'guru', severity: 'low', replacement: 'expert', why: 'borrows a religious title' },
  { term: 'ninja', severity: 'low', replacement: 'expert', why: 'a cliché that borrows a culture' },
  { term: 'tribe', severity: 'low', replacement: 'community', why: 'borrows a word for Indigenous peoples' },
  { term: 'blacklist', severity: 'low', replacement: 'blocklist', why: 'racially loaded technical term' },
  { term: 'whitelist', severity: 'low', replacement: 'allowlist', why: 'racially loaded technical term' },
];

/** The shortest body a reviewer accepts for each channel before calling it too thin. */
export const MIN_BODY_CHARS: Readonly<Record<Channel, number>> = {
  tweet: 40,
  social_post: 40,
  ad: 30,
  thread: 120,
  email: 120,
  blog: 300,
  landing_page: 200,
};
