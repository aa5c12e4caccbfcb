// The offline model: schema-valid, deterministic, labelled answers for every agent, and the
// coordinator's and healer's decision tables.
import { estimateInputTokens, estimateTokens } from '../../agents/client/estimate.js';
import { costOf, DEFAULT_PRICES, priceFor } from '../../agents/client/prices.js';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { AGENT_KINDS } from '../../agents/client/types.js';
import type { AgentKind, StructuredCallRequest } from '../../agents/client/types.js';
import { definitionOf } from '../../agents/definitions.js';
import type { AgentInput, AgentOutput } from '../../agents/definitions.js';
import { OFFLINE_MODEL_ID, createOfflineModel } from '../../agents/offline/index.js';
import { AgentryError, SchemaValidationError } from '../../core/errors.js';
import { check } from '../../schemas/registry.js';
import type {
  CoordinatorInput,
  HealerInput,
  Incident,
  MarketingInput,
  ReviewSummary,
  ReviewerInput,
  SalesProposeInput,
} from '../../schemas/generated/types.js';

const FIXTURES = new URL('../fixtures/contracts/', import.meta.url);
const fixtures = (schema: string, kind: 'valid' | 'invalid'): [string, unknown][] => {
  const dir = new URL(`${schema}/${kind}/`, FIXTURES);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as unknown]);
};
const fixture = <T>(schema: string, file: string): T =>
  JSON.parse(readFileSync(new URL(`${schema}/valid/${file}`, FIXTURES), 'utf8')) as T;

function request(agent: AgentKind, input: unknown, signal?: AbortSignal): StructuredCallRequest {
  const def = definitionOf(agent);
  return {
    agent,
    stepKey: `test:${agent}:0`,
    model: def.defaults.model,
    system: def.rolePrompt,
    inputSchema: def.inputSchema,
    outputSchema: def.outputSchema,
    input,
    maxTokens: def.defaults.maxTokens,
    timeoutMs: def.defaults.timeoutMs,
    ...(signal === undefined ? {} : { signal }),
  };
}

const model = createOfflineModel();
async function ask<K extends AgentKind>(agent: K, input: AgentInput<K>): Promise<AgentOutput<K>> {
  return (await model.call<AgentOutput<K>>(request(agent, input))).output;
}
/** The error a call was refused with; by shape, so errors from a re-imported module count too. */
async function refusal(promise: Promise<unknown>): Promise<AgentryError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof Error && typeof (err as Partial<AgentryError>).code === 'string') return err as AgentryError;
    throw err;
  }
  throw new Error('expected the call to be refused');
}

describe.each(AGENT_KINDS)('offline %s', (agent) => {
  const def = definitionOf(agent);
  const valid = fixtures(def.inputSchema, 'valid');

  it.each(valid)('answers %s with a schema-valid, labelled result that bills nothing and reports a simulated cost', async (_file, input) => {
    const result = await model.call<{ rationale: string; confidence: number }>(request(agent, input));
    expect(check(def.outputSchema, result.output)).toEqual([]);
    expect(result.output.rationale.startsWith('[offline]')).toBe(true);
    expect(result.output.confidence).toBeGreaterThanOrEqual(0.55);
    expect(result.output.confidence).toBeLessThanOrEqual(0.95);
    expect(result).toMatchObject({ model: OFFLINE_MODEL_ID, offline: true, repairs: 0, attempts: 1 });
    // What the configured model would bill for this prompt and this answer, at its price.
    const req = request(agent, input);
    const usage = { inputTokens: estimateInputTokens(req), outputTokens: estimateTokens(JSON.stringify(result.output)), cacheWriteTokens: 0, cacheReadTokens: 0 };
    expect(result.usage).toEqual(usage);
    expect(result.costUsd).toBeCloseTo(costOf(usage, priceFor(DEFAULT_PRICES, req.model)), 12);
    expect(result.costUsd).toBeGreaterThan(0);
    expect(model.worstCaseCost(req)).toBeGreaterThanOrEqual(result.costUsd);
  });

  it.each(valid.slice(0, 1))('costs nothing for %s when simulateCost is off, or the model has no price', async (_file, input) => {
    const off = await createOfflineModel({ simulateCost: false }).call(request(agent, input));
    const unpriced = await createOfflineModel({ prices: {} }).call({ ...request(agent, input), model: 'no-such-model' });
    for (const r of [off, unpriced]) expect(r).toMatchObject({ costUsd: 0, usage: { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 } });
  });

  it.each(valid)('gives the same answer twice for %s', async (_file, input) => {
    const first = await model.call(request(agent, input));
    const second = await createOfflineModel().call(request(agent, structuredClone(input)));
    expect(second.output).toEqual(first.output);
  });

  it.each(fixtures(def.inputSchema, 'invalid'))('refuses invalid input %s with INVALID_INPUT', async (_file, input) => {
    const err = await refusal(model.call(request(agent, input)));
    expect(err).toBeInstanceOf(SchemaValidationError);
    expect(err.code).toBe('INVALID_INPUT');
    expect((err as SchemaValidationError).schema).toBe(def.inputSchema);
  });
});

describe('offline model plumbing', () => {
  it('is marked offline and varies confidence across inputs', async () => {
    expect(model.offline).toBe(true);
    const confidences = new Set<number>();
    for (const [, input] of fixtures('healer.input', 'valid')) {
      confidences.add((await ask('healer', input as HealerInput)).confidence);
    }
    expect(confidences.size).toBeGreaterThan(1);
  });

  it('refuses a request whose schemas are not the agent’s own', async () => {
    const req = { ...request('healer', fixture('healer.input', 'rate-limited.json')), outputSchema: 'reviewer.output' as const };
    const err = await refusal(model.call(req));
    expect(err.code).toBe('INTERNAL');
  });

  it('honours the abort signal, before and during the simulated latency', async () => {
    const input = fixture('healer.input', 'rate-limited.json');
    const slow = createOfflineModel({ latencyMs: 5_000 });
    expect((await refusal(slow.call(request('healer', input, AbortSignal.abort())))).code).toBe('MODEL_ABORTED');
    const controller = new AbortController();
    const pending = slow.call(request('healer', input, controller.signal));
    controller.abort();
    expect((await refusal(pending)).code).toBe('MODEL_ABORTED');
  });

  it('validates its own answers: a broken responder surfaces as INVALID_OUTPUT, never as an answer', async () => {
    vi.resetModules();
    vi.doMock('../../agents/offline/responders.js', async (importOriginal) => {
      const real = await importOriginal<typeof import('../../agents/offline/responders.js')>();
      return { RESPONDERS: { ...real.RESPONDERS, healer: () => ({ severity: 2, remedy: 'reboot' }) } };
    });
    try {
      const fresh = await import('../../agents/offline/model.js');
      const err = await refusal(fresh.createOfflineModel().call(request('healer', fixture('healer.input', 'rate-limited.json'))));
      expect(err.code).toBe('INVALID_OUTPUT');
      expect(err.message).toContain('severity: expected a number <= 1, got 2');
    } finally {
      vi.doUnmock('../../agents/offline/responders.js');
      vi.resetModules();
    }
  });

  it('waits the configured latency', async () => {
    const result = await createOfflineModel({ latencyMs: 30 }).call(request('healer', fixture('healer.input', 'rate-limited.json')));
    expect(result.latencyMs).toBeGreaterThanOrEqual(25);
  });
});

describe('offline marketing', () => {
  it('keeps a tweet within 280 characters, even from a long brief', async () => {
    const base = fixture<MarketingInput>('marketing.input', 'tweet-ika.json');
    const out = await ask('marketing', { brief: { ...base.brief, goal: 'Celebrate the release of Starlight '.repeat(14).trim() } });
    expect(out.content.length).toBeLessThanOrEqual(280);
    expect(out.channelFields.hashtags?.every((h) => out.content.includes(h))).toBe(true);
  });

  it('applies the canon notes’ replacements', async () => {
    const base = fixture<MarketingInput>('marketing.input', 'tweet-ika.json');
    const out = await ask('marketing', { brief: { ...base.brief, goal: 'Tell fans our robot Ika has a new single' } });
    expect(out.content).not.toMatch(/robot/i);
    expect(out.content).toContain('our idol Ika');
  });

  it('closes the loop with the offline reviewer: flagged, revised, approved', async () => {
    const revision = fixture<MarketingInput>('marketing.input', 'email-revision.json');
    const review = (body: string): ReviewerInput => ({
      content: { body, channel: 'email' },
      context: { audience: revision.brief.audience, locale: 'en-US', brandCanon: '', contentType: revision.brief.contentType },
      focus: 'cultural',
    });
    const first = await ask('marketing', { brief: revision.brief });
    const verdict1 = await ask('reviewer', review(first.content));
    expect(verdict1.verdict).toBe('revise');
    expect(verdict1.issues).toContainEqual({ severity: 'medium', quote: 'guaranteed', fix: 'designed' });

    const second = await ask('marketing', { ...revision, previousDraft: { title: first.title, content: first.content }, reviewerFeedback: verdict1.issues });
    expect(second.content).not.toContain('guaranteed');
    expect(second.channelFields.previewText).not.toContain('guaranteed');
    expect((await ask('reviewer', review(second.content))).verdict).toBe('approve');
  });
});

describe('offline reviewer', () => {
  const cases: [string, string, string[]][] = [
    ['cultural-tweet.json', 'approve', []],
    ['canon-blog.json', 'revise', ['high']],
    ['cultural-too-short.json', 'revise', ['medium', 'low']],
    ['cultural-critical.json', 'reject', ['critical', 'medium']],
  ];
  it.each(cases)('%s → %s', async (file, verdict, severities) => {
    const input = fixture<ReviewerInput>('reviewer.input', file);
    const out = await ask('reviewer', input);
    expect(out.verdict).toBe(verdict);
    expect(out.issues.map((i) => i.severity)).toEqual(severities);
    const text = `${input.content.title ?? ''}\n${input.content.body}`;
    expect(out.issues.filter((i) => !text.includes(i.quote))).toEqual([]);
    expect(out.score >= 7).toBe(verdict === 'approve');
  });

  it('quotes the canon term and proposes the canon’s replacement', async () => {
    const out = await ask('reviewer', fixture<ReviewerInput>('reviewer.input', 'canon-blog.json'));
    expect(out.issues).toEqual([{ severity: 'high', quote: 'robot', fix: 'idol' }]);
  });
});

describe('offline sales', () => {
  it('qualifies a strong lead for a proposal and asks for more on a thin one', async () => {
    const strong = await ask('sales', fixture('sales.input', 'qualify-strong.json'));
    const thin = await ask('sales', fixture('sales.input', 'qualify-thin.json'));
    expect(strong).toMatchObject({ task: 'qualify', nextAction: 'send_proposal' });
    expect(thin).toMatchObject({ task: 'qualify', nextAction: 'ask_more' });
    if (strong.task !== 'qualify' || thin.task !== 'qualify') throw new Error('expected qualify answers');
    expect(strong.qualification.score).toBeGreaterThan(thin.qualification.score);
    expect(thin.qualification.bant.budget.assessment).toBe('unknown');
  });

  it('prices within the offer: list price when not needed, a capped discount above the floor otherwise', async () => {
    const full = await ask('sales', fixture('sales.input', 'propose.json'));
    const tight = fixture<SalesProposeInput>('sales.input', 'propose-tight-budget.json');
    const discounted = await ask('sales', tight);
    if (full.task !== 'propose' || discounted.task !== 'propose') throw new Error('expected propose answers');
    expect(full.proposal.priceUsd).toBe(36_000);
    expect(discounted.proposal.priceUsd).toBe(1_080);
    const floored = await ask('sales', { ...tight, offer: { ...tight.offer, constraints: ['max discount 20%', 'never below $1,150'] } });
    if (floored.task !== 'propose') throw new Error('expected a propose answer');
    expect(floored.proposal.priceUsd).toBe(1_150);
  });
});

function reviewOf(kind: ReviewSummary['kind'], verdict: ReviewSummary['verdict'], severity?: 'low' | 'critical'): ReviewSummary {
  return {
    kind,
    verdict,
    score: verdict === 'approve' ? 8 : 4,
    issues: severity === undefined ? [] : [{ severity, quote: 'the text', fix: 'better text' }],
  };
}

describe('offline coordinator decision table', () => {
  const base = fixture<CoordinatorInput>('coordinator.input', 'final-approval.json');
  const cases: [string, Partial<CoordinatorInput>, string][] = [
    ['all reviews approve', { reviews: [reviewOf('cultural', 'approve'), reviewOf('canon', 'approve', 'low')] }, 'approve'],
    ['one review asks to revise', { reviews: [reviewOf('cultural', 'approve'), reviewOf('canon', 'revise')] }, 'revise'],
    ['one review rejects', { reviews: [reviewOf('cultural', 'revise'), reviewOf('canon', 'reject')] }, 'reject'],
    ['an approve carries a critical issue', { reviews: [reviewOf('cultural', 'approve', 'critical')] }, 'reject'],
    ['escalation without reviews', { reviews: [], decision: 'escalation' }, 'escalate_human'],
    ['approval fallback without reviews', { reviews: [], decision: 'approval_fallback' }, 'escalate_human'],
    ['final approval without reviews (tier 3)', { reviews: [] }, 'approve'],
    ['escalation after 3 SLA breaches', { decision: 'escalation', context: { slaBreaches: 3 } }, 'pause_domain'],
    ['escalation after 1 breach, reviews approve', { decision: 'escalation', context: { slaBreaches: 1 } }, 'approve'],
  ];
  it.each(cases)('%s → %s', async (_name, patch, decision) => {
    const out = await ask('coordinator', { ...base, ...patch });
    expect(out.decision).toBe(decision);
    expect(out.reasons.length).toBeGreaterThan(0);
    expect(out.followUps.length).toBeGreaterThan(0);
  });
});

function incident(patch: Partial<Incident>): HealerInput {
  return {
    incident: {
      kind: 'agent_failure',
      agent: 'marketing',
      step: 'task-1:draft',
      error: { code: 'MODEL_CONNECTION_RESET', message: 'socket hang up' },
      recentHistory: [],
      remediesTried: [],
      errorRate: 0.1,
      ...patch,
    },
  };
}
function failedTimes(remedy: 'retry' | 'retry_with_backoff' | 'switch_model', n: number): Incident['remediesTried'] {
  return Array.from({ length: n }, () => ({ remedy, outcome: 'failure' as const }));
}
async function severityOf(patch: Partial<Incident>): Promise<number> {
  return (await ask('healer', incident(patch))).severity;
}

describe('offline healer decision table', () => {
  const rateLimited = { error: { code: 'MODEL_RATE_LIMITED', message: '429' } };
  const cases: [string, Partial<Incident>, string, Record<string, unknown>][] = [
    ['rate limited', rateLimited, 'retry_with_backoff', { delayMs: 2000 }],
    ['rate limited after a failed backoff', { ...rateLimited, remediesTried: failedTimes('retry_with_backoff', 1) }, 'retry_with_backoff', { delayMs: 4000 }],
    ['overloaded', { error: { code: 'MODEL_OVERLOADED', message: '529' } }, 'retry_with_backoff', { delayMs: 2000 }],
    ['invalid output once', { kind: 'invalid_output', agent: 'reviewer', error: { code: 'INVALID_OUTPUT', message: 'x' } }, 'retry', {}],
    ['invalid output repeated', { kind: 'invalid_output', agent: 'reviewer', remediesTried: failedTimes('retry', 1) }, 'switch_model', { model: 'claude-opus-5-5' }],
    ['breaker open', { kind: 'breaker_open', agent: 'sales' }, 'pause_agent', { pauseMinutes: 15 }],
    ['SLA breach', { kind: 'sla_breach', agent: null }, 'escalate_human', {}],
    ['budget threshold', { kind: 'budget', agent: null }, 'escalate_human', {}],
    ['timeout', { kind: 'timeout' }, 'retry_with_backoff', { delayMs: 2000 }],
    ['timeout again', { kind: 'timeout', remediesTried: failedTimes('retry_with_backoff', 1) }, 'switch_model', { model: 'claude-haiku-5-5' }],
    ['agent failure', {}, 'retry', {}],
    ['three failed remedies', { ...rateLimited, remediesTried: failedTimes('retry_with_backoff', 3) }, 'escalate_human', {}],
    ['predictive, low error rate', { kind: 'predictive', errorRate: 0.1 }, 'ignore', {}],
    ['predictive, high error rate', { kind: 'predictive', errorRate: 0.5 }, 'pause_agent', { pauseMinutes: 10 }],
  ];
  it.each(cases)('%s → %s', async (_name, patch, remedy, parameters) => {
    const out = await ask('healer', incident(patch));
    expect(out.remedy).toBe(remedy);
    expect(out.parameters).toMatchObject(parameters);
  });

  it('calibrates severity by kind, error rate and failed remedies', async () => {
    const transient = await severityOf(rateLimited);
    const breaker = await severityOf({ kind: 'breaker_open' });
    const sla = await severityOf({ kind: 'sla_breach' });
    const budget = await severityOf({ kind: 'budget' });
    expect(transient).toBeLessThan(0.4);
    expect(breaker).toBeGreaterThanOrEqual(0.7);
    expect(budget).toBeGreaterThan(sla);
    expect(await severityOf({ kind: 'breaker_open', errorRate: 0.9 })).toBeGreaterThan(breaker);
    expect(await severityOf({ ...rateLimited, remediesTried: failedTimes('retry_with_backoff', 2) })).toBeGreaterThan(transient);
  });
});
