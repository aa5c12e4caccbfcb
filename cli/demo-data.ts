// The demo's inputs and config: a small, realistic company day, with timeouts shortened so an
// approval fallback happens within seconds, a daily limit the day's simulated cost passes half
// of (the 50 % budget alert), and a tier-2 cultural review deadline shorter than the offline
// model's simulated latency (an SLA breach, escalated to the coordinator).
export const DEMO_BRIEF = {
  goal: 'Get early-access sign-ups for the v2 analytics dashboard',
  channel: 'blog',
  audience: 'Heads of marketing at mid-size SaaS companies',
  tone: 'clear, confident, no hype',
  constraints: ['no competitor names', 'no pricing'],
  brandNotes: "We say 'teams', not 'users'. Plain words over jargon.",
  canonNotes: 'The product is called Lumen. Lumen v2 ships on March 3.',
  contentType: 'launch-announcement',
};

export const DEMO_LEAD = {
  lead: {
    company: 'Northwind Analytics',
    contactRole: 'VP Marketing',
    need: 'Replace three reporting tools with one dashboard before Q3 planning',
    budgetSignals: ['approved budget of $40k for tooling', 'current tools renew in June'],
    timeline: 'decision within 6 weeks',
    notes: 'Came in through the launch webinar; asked about SSO.',
  },
  offer: { product: 'Lumen Team plan', basePriceUsd: 24000, constraints: ['max discount 15%', 'annual billing only'] },
};

/** Passed halfway by the day's simulated cost, never reached. */
export const DEMO_DAILY_LIMIT_USD = 0.24;
/** Shorter than the offline model's latency in the demo: tier-2 cultural reviews breach it. */
const DEMO_REVIEW_SLA_MS = 30;

export function demoConfig(mode: 'manual' | 'semi' | 'full', outputsDir = 'outputs') {
  return {
    version: 1,
    mode,
    deliveries: { sinks: { files: { type: 'file', folder: outputsDir } } },
    // A small max_tokens keeps each call's reserved worst case a few cents under this small limit.
    models: { maxTokens: 1024 },
    risk: { dailySpendLimitUsd: DEMO_DAILY_LIMIT_USD, randomReviewPercent: 0 },
    sla: { reviewMinutes: { culturalTier2: DEMO_REVIEW_SLA_MS / 60_000 }, escalationMinutes: 600 },
    reviews: { tiers: { 'social-post': 2, 'launch-email': 2 } },
    approvals: { timeoutMinutes: 0.05, fallback: 'coordinator' },
    workflows: {
      social: { domain: 'social', contentType: 'social-post', steps: [{ id: 'draft', agent: 'marketing' }], review: 'tiered', gate: { action: 'publish' } },
      email: { domain: 'email', contentType: 'email', steps: [{ id: 'draft', agent: 'marketing' }], review: 'tiered', gate: { action: 'send' } },
      'product-launch': {
        description: 'Announcement first; the thread, the page and the email follow it.',
        domain: 'content',
        tasks: [
          { id: 'announce', workflow: 'content', input: { channel: 'blog', contentType: 'launch-announcement' } },
          { id: 'thread', workflow: 'social', input: { channel: 'thread', contentType: 'launch-thread' }, dependsOn: ['announce'] },
          { id: 'page', workflow: 'content', input: { channel: 'landing_page', contentType: 'launch-page' }, dependsOn: ['announce'] },
          { id: 'email', workflow: 'email', input: { channel: 'email', contentType: 'launch-email' }, dependsOn: ['announce'] },
        ],
      },
    },
    events: {
      rules: [
        {
          event: 'competitor.rank_drop',
          field: 'magnitude',
          threshold: 50,
          workflow: 'content',
          priority: 'P1',
          input: {
            goal: "Win searchers while a competitor drops {{data.magnitude}} places for '{{data.keyword}}'",
            channel: 'landing_page',
            audience: "People searching for '{{data.keyword}}'",
            tone: 'helpful, specific',
            constraints: ['no competitor names'],
            brandNotes: '',
            canonNotes: '',
            contentType: 'seo-landing-page',
          },
        },
      ],
    },
  };
}
