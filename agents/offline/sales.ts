// Offline sales agent: BANT qualification with an honest next step, and proposals priced by the rules.
import type {
  SalesInput,
  SalesNextAction,
  SalesOutput,
  SalesProposeInput,
  SalesProposeOutput,
  SalesQualifyOutput,
  SalesLead,
  Bant,
} from '../../schemas/generated/types.js';
import { assessBant, bantScore } from './sales-bant.js';
import { clip, sentence } from './text.js';

function nextActionFor(bant: Bant, score: number): SalesNextAction {
  const levels = Object.values(bant).map((a) => a.assessment);
  const count = (level: string): number => levels.filter((l) => l === level).length;
  if (count('unknown') >= 2) return 'ask_more';
  if (count('weak') >= 2 || score < 35) return 'disqualify';
  if (score >= 80 && bant.timeline.assessment === 'strong') return 'send_proposal';
  if (bant.need.assessment === 'strong' && bant.authority.assessment !== 'weak') return 'book_demo';
  return 'nurture';
}

function qualify(lead: SalesLead, confidence: number): SalesQualifyOutput {
  const bant = assessBant(lead);
  const score = bantScore(bant);
  const nextAction = nextActionFor(bant, score);
  const summary = `budget ${bant.budget.assessment}, authority ${bant.authority.assessment}, need ${bant.need.assessment}, timeline ${bant.timeline.assessment}`;
  return {
    task: 'qualify',
    qualification: { score, bant },
    nextAction,
    confidence,
    rationale: clip(`[offline] Keyword BANT for ${lead.company}: ${summary}; ${score}/100, so ${nextAction}.`, 600),
  };
}

/** The first number `pattern` captures in any constraint (commas ignored), or 0. */
function numberIn(constraints: readonly string[], pattern: RegExp): number {
  for (const c of constraints) {
    const m = pattern.exec(c);
    const value = Number(m?.[1]?.replace(/,/g, '') ?? Number.NaN);
    if (Number.isFinite(value)) return value;
  }
  return 0;
}

function propose(input: SalesProposeInput, confidence: number): SalesProposeOutput {
  const { lead, offer, qualification } = input;
  const maxDiscount = Math.min(100, numberIn(offer.constraints, /max(?:imum)?\.? discount(?: of)?\s*(\d+(?:\.\d+)?)\s*%/i));
  const floor = numberIn(offer.constraints, /(?:floor|minimum price|not below|below)\D{0,10}(\d[\d,]*(?:\.\d+)?)/i);
  const tightBudget = assessBant(lead).budget.assessment === 'weak' || qualification.score < 60;
  const discount = tightBudget ? Math.min(maxDiscount, 10) : 0;
  const priceUsd = Math.max(floor, Math.round(offer.basePriceUsd * (100 - discount)) / 100);
  const priced = discount > 0 ? `$${priceUsd} (${discount}% off list, within the allowed discount)` : `$${priceUsd}, the list price`;
  return {
    task: 'propose',
    proposal: {
      summary: clip(`${lead.company} told us: "${sentence(lead.need)}." ${offer.product} addresses that directly; this proposal prices it at ${priced}.`, 1500),
      scopeItems: [{ item: clip(offer.product, 200), description: clip(`${offer.product} for ${lead.company}, set up for: ${lead.need}`, 1000) }],
      priceUsd,
      terms: [...offer.constraints, 'Prices in USD; this proposal is valid for 30 days.'],
    },
    confidence,
    rationale: clip(`[offline] Priced from the offer's rules: ${discount > 0 ? `${discount}% discount for a tight budget or a low score` : 'no discount, none was needed'}.`, 600),
  };
}

export function answerSales(input: SalesInput, confidence: number): SalesOutput {
  return input.task === 'qualify' ? qualify(input.lead, confidence) : propose(input, confidence);
}
