// Offline reviewer: flags watchlist phrases (cultural) or canon violations (canon), and thin content.
import type { IssueSeverity, ReviewIssue, ReviewerInput, ReviewerOutput, ReviewVerdict } from '../../schemas/generated/types.js';
import { canonRules, findTerm } from './canon.js';
import { clip } from './text.js';
import { MIN_BODY_CHARS, WATCHLIST } from './watchlist.js';

const WEIGHT: Record<IssueSeverity, number> = { low: 1, medium: 2, high: 4, critical: 7 };
const RANK: Record<IssueSeverity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

function culturalIssues(input: ReviewerInput): ReviewIssue[] {
  const issues: ReviewIssue[] = [];
  const { body, channel } = input.content;
  for (const w of WATCHLIST) {
    for (const quote of new Set(findTerm(body, w.term))) issues.push({ severity: w.severity, quote, fix: w.replacement });
  }
  const min = MIN_BODY_CHARS[channel];
  if (body.trim().length < min) {
    issues.push({
      severity: 'medium',
      quote: body.trim() === '' ? body : body.trim(),
      fix: `Expand to at least ${min} characters: state the benefit for ${clip(input.context.audience, 80)} and end with one call to action.`,
    });
  }
  return issues;
}

function canonIssues(input: ReviewerInput): ReviewIssue[] {
  const issues: ReviewIssue[] = [];
  const text = `${input.content.title ?? ''}\n${input.content.body}`;
  for (const rule of canonRules(input.context.brandCanon)) {
    for (const quote of new Set(findTerm(text, rule.term))) {
      issues.push({ severity: 'high', quote, fix: rule.replacement ?? clip(`Remove it; the canon says: ${rule.source}`, 500) });
    }
  }
  return issues;
}

function verdictOf(issues: readonly ReviewIssue[], score: number): ReviewVerdict {
  if (issues.some((i) => i.severity === 'critical')) return 'reject';
  if (issues.some((i) => i.severity === 'high' || i.severity === 'medium') || score < 6) return 'revise';
  return 'approve';
}

export function reviewContent(input: ReviewerInput, confidence: number): ReviewerOutput {
  const found = input.focus === 'cultural' ? culturalIssues(input) : canonIssues(input);
  const issues = [...found].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  const penalty = issues.reduce((sum, i) => sum + WEIGHT[i.severity], 0);
  const score = Math.min(10, Math.max(1, (confidence >= 0.85 ? 10 : 9) - penalty));
  const verdict = verdictOf(issues, score);
  const summary =
    issues.length === 0
      ? `no ${input.focus} issue found in the ${input.content.channel} for ${input.context.locale}`
      : `${issues.length} ${input.focus} issue(s), worst ${issues[0]?.severity ?? 'low'}`;
  return { verdict, score, issues, confidence, rationale: clip(`[offline] Rule-based ${input.focus} review: ${summary}.`, 600) };
}
