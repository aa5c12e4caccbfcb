// Offline BANT assessment: keyword evidence from the lead, scored the way a sales lead would.
import type { Bant, BantAssessment, SalesLead } from '../../schemas/generated/types.js';
import { clip } from './text.js';

type Level = BantAssessment['assessment'];

const BUDGET_WEAK = /no budget|budget (freeze|cut)|freeze|frozen|unfunded|not allocated|can't afford|cannot afford|too expensive/i;
const BUDGET_STRONG = /approved|allocated|funded|signed off|budget of|\$\s?\d|\d+\s?k\b/i;
const AUTHORITY_STRONG = /\b(chief|ceo|cfo|cto|cmo|coo|founder|owner|president|vp|vice president|head of|director)\b/i;
const AUTHORITY_PARTIAL = /\b(manager|lead|principal|senior)\b/i;
const AUTHORITY_WEAK = /\b(intern|student|assistant|junior|analyst|consultant)\b/i;
const NEED_PAIN = /losing|cost|slow|manual|churn|missing|broken|can't|cannot|struggl|replace|too many|errors?\b/i;
const TIMELINE_STRONG = /asap|immediately|this (week|month|quarter)|\b\d+\s*(days|weeks)\b|\bq[1-4]\b|by (the )?end of|deadline/i;
const TIMELINE_WEAK = /next year|someday|no rush|not sure|later|eventually/i;
const TIMELINE_UNKNOWN = /^(unknown|tbd|n\/a|none|-|\?)$/i;

const POINTS: Record<Level, number> = { strong: 25, partial: 15, unknown: 8, weak: 3 };

function at(assessment: Level, evidence: string): BantAssessment {
  return { assessment, evidence: clip(evidence, 500) };
}

function budget(signals: readonly string[]): BantAssessment {
  const weak = signals.find((s) => BUDGET_WEAK.test(s));
  if (weak !== undefined) return at('weak', `Budget signal against: "${weak}".`);
  const strong = signals.find((s) => BUDGET_STRONG.test(s));
  if (strong !== undefined) return at('strong', `Budget signal: "${strong}".`);
  const [first] = signals;
  return first === undefined ? at('unknown', 'No budget signal given.') : at('partial', `Only a soft signal: "${first}".`);
}

function authority(role: string): BantAssessment {
  if (AUTHORITY_STRONG.test(role)) return at('strong', `Contact is ${role}, likely the decision maker.`);
  if (AUTHORITY_WEAK.test(role)) return at('weak', `Contact is ${role}, unlikely to decide or sign.`);
  if (AUTHORITY_PARTIAL.test(role)) return at('partial', `Contact is ${role}; the economic buyer is not identified.`);
  return at('unknown', `Role "${role}" does not show who decides.`);
}

function need(text: string): BantAssessment {
  if (NEED_PAIN.test(text) || text.length >= 80) return at('strong', `Stated need: "${text}".`);
  if (text.length >= 20) return at('partial', `Need stated without its cost: "${text}".`);
  return at('weak', `Need is vague: "${text}".`);
}

function timeline(text: string): BantAssessment {
  if (TIMELINE_UNKNOWN.test(text.trim())) return at('unknown', 'No timeline given.');
  if (TIMELINE_STRONG.test(text)) return at('strong', `Timeline: "${text}".`);
  if (TIMELINE_WEAK.test(text)) return at('weak', `Timeline is open-ended: "${text}".`);
  return at('partial', `Timeline is loose: "${text}".`);
}

export function assessBant(lead: SalesLead): Bant {
  return {
    budget: budget(lead.budgetSignals),
    authority: authority(lead.contactRole),
    need: need(lead.need),
    timeline: timeline(lead.timeline),
  };
}

/** 0..100: 25 per strong dimension, 15 per partial, 8 per unknown, 3 per weak. */
export function bantScore(bant: Bant): number {
  return Object.values(bant).reduce((sum: number, a: BantAssessment) => sum + POINTS[a.assessment], 0);
}
