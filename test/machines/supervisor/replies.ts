// Valid answers of each agent, as the fake Messages API sends them back (a JSON text block).
// Each satisfies the agent's output schema, so the real client accepts it without repairs.
import type { FakeReply } from '../../support/fake-anthropic.js';

/** A content brief that satisfies marketing.input (the content workflow's task input). */
export const BRIEF = Object.freeze({
  goal: 'Get early-access sign-ups for the v2 analytics dashboard',
  channel: 'blog',
  audience: 'Heads of marketing at mid-size SaaS companies',
  tone: 'clear, confident, no hype',
  constraints: ['no pricing'],
  brandNotes: "We say 'teams', not 'users'.",
  canonNotes: 'The dashboard is called Lens.',
  contentType: 'launch-announcement',
});

/** A lead and an offer: the lead workflow's task input. */
export const LEAD = Object.freeze({
  lead: {
    company: 'Northwind Analytics',
    contactRole: 'VP Marketing',
    need: 'Replace three reporting tools with one dashboard before Q3 planning',
    budgetSignals: ['approved budget of $40k for tooling'],
    timeline: 'decision within 6 weeks',
    notes: 'Came in through the launch webinar.',
  },
  offer: { product: 'Lens Team plan', basePriceUsd: 24000, constraints: ['max discount 15%'] },
});

export function brief(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...BRIEF, ...overrides };
}

export function draft(overrides: Record<string, unknown> = {}): FakeReply {
  return {
    json: {
      title: 'Lens v2: see every campaign in one place',
      content: 'Lens v2 shows your teams every campaign in one place. Join the early-access list today.',
      channelFields: { slug: 'lens-v2', metaDescription: 'Lens v2 early access' },
      seoKeywords: ['analytics dashboard'],
      callToAction: 'Join the early-access list',
      confidence: 0.9,
      rationale: 'Leads with the outcome the audience cares about.',
      ...overrides,
    },
  };
}

export function review(verdict: 'approve' | 'revise' | 'reject', confidence = 0.9): FakeReply {
  const issues =
    verdict === 'approve' ? [] : [{ severity: verdict === 'reject' ? 'critical' : 'high', quote: 'every campaign', fix: 'most campaigns' }];
  const score = verdict === 'approve' ? 8 : verdict === 'revise' ? 5 : 2;
  return { json: { verdict, score, issues, confidence, rationale: `The reviewer says ${verdict}.` } };
}

export type CoordinatorDecision = 'approve' | 'revise' | 'reject' | 'escalate_human' | 'pause_domain';

export function coordinate(decision: CoordinatorDecision): FakeReply {
  return { json: { decision, reasons: [`the coordinator says ${decision}`], followUps: ['none'], confidence: 0.9, rationale: 'Weighed the reviews.' } };
}

export type Remedy = 'retry' | 'retry_with_backoff' | 'switch_model' | 'pause_agent' | 'reroute' | 'escalate_human' | 'ignore';

export function heal(remedy: Remedy, severity: number, parameters: Record<string, unknown> = {}): FakeReply {
  return {
    json: { severity, diagnosis: 'The model API failed for this step.', remedy, parameters, confidence: 0.8, rationale: `Chose ${remedy}.` },
  };
}

/** A 200 whose text is not JSON: the client repairs, then fails with INVALID_OUTPUT. */
export const NOT_JSON: FakeReply = { text: 'Sure! Here is your draft, as prose rather than JSON.' };

/** 529 overloaded: with maxRetries 0 the client fails at once with MODEL_OVERLOADED. */
export const OVERLOADED: FakeReply = { status: 529 };
