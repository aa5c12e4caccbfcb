// Offline marketing agent: a channel-ready draft built from the brief, revised from reviewer fixes.
import type { MarketingInput, MarketingOutput, ReviewIssue } from '../../schemas/generated/types.js';
import { canonRules, findTerm } from './canon.js';
import { TWEET_MAX, callToActionFor, copyFor } from './marketing-copy.js';
import { clip, keywords, replaceAll, sentence } from './text.js';

/** A fix is applied verbatim when it reads like replacement text, not like an instruction. */
function isDropIn(fix: string): boolean {
  return fix.length <= 40 && !/[.!?]$/.test(fix.trim());
}

type Edit = (text: string) => string;

/** `[event data: keyword]` → the field's value, as a model reading the event-data block would quote it. */
function withEventData(text: string, eventData: MarketingInput['eventData']): string {
  if (eventData === undefined) return text;
  return text.replace(/\[event data: ([\w.]+)\]/g, (whole, path: string) => eventData.find((f) => f.field === path)?.value ?? whole);
}

function edits(input: MarketingInput): { apply: Edit; fixed: number; asked: number } {
  const pairs: [string, string][] = [];
  for (const rule of canonRules(input.brief.canonNotes)) {
    if (rule.replacement !== null) pairs.push([rule.term, rule.replacement]);
  }
  const feedback: readonly ReviewIssue[] = input.reviewerFeedback ?? [];
  const dropIns = feedback.filter((i) => isDropIn(i.fix));
  for (const issue of dropIns) pairs.push([issue.quote, issue.fix]);
  const apply: Edit = (text) => {
    let out = text;
    for (const [from, to] of pairs) for (const found of new Set(findTerm(out, from))) out = replaceAll(out, found, to);
    return out;
  };
  return { apply, fixed: dropIns.length, asked: feedback.length };
}

// Every line of the draft is derived from the goal and the audience (the template text around
// them is clean), so editing those two before drafting fixes every field and keeps its limits.
export function draftMarketing(input: MarketingInput, confidence: number): MarketingOutput {
  const edit = edits(input);
  const data = (text: string): string => withEventData(text, input.eventData);
  const brief = { ...input.brief, goal: edit.apply(data(input.brief.goal)), audience: edit.apply(data(input.brief.audience)) };
  const cta = callToActionFor(brief.goal);
  const title = clip(sentence(brief.goal), 80);
  const copy = copyFor(brief, cta, title);
  const content = brief.channel === 'tweet' ? clip(copy.content, TWEET_MAX) : copy.content;
  const seoKeywords = brief.channel === 'blog' || brief.channel === 'landing_page' ? keywords(brief.goal, 3) : [];
  const revision = edit.asked > 0 ? ` Revision: applied ${edit.fixed} of ${edit.asked} reviewer fixes verbatim.` : '';
  return {
    title,
    content,
    channelFields: copy.channelFields,
    seoKeywords,
    callToAction: cta,
    confidence,
    rationale: clip(`[offline] Templated ${brief.channel} draft for the stated audience with one call to action ("${cta}").${revision}`, 600),
  };
}
