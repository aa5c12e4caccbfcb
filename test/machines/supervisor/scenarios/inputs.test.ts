// Inputs as people write them (issue 11 part 5): a brief needs only goal and channel, the rest
// comes from the config's brand profile; errors name the fields the person wrote; an event rule
// whose input cannot make a valid brief is refused when the config loads.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../../config/load.js';
import { scenarios } from '../harness.js';
import { BRIEF, LEAD } from '../replies.js';

const start = scenarios();

const BRAND = { audience: 'Founders of small B2B startups', tone: 'dry, precise', constraints: ['no emoji'], brandNotes: "We say 'teams'.", canonNotes: 'The product is Lumen.' };

describe('task inputs', () => {
  it('accepts the minimal brief and fills the rest from the brand profile', async () => {
    const h = await start({ config: { brand: BRAND } });

    const task = await h.sup.createTask({ workflow: 'content', input: { goal: 'Get sign-ups for v2', channel: 'tweet' } });
    const done = await h.final(task.id);

    expect(done.status).toBe('completed');
    expect(h.callsOf('marketing')[0]?.input['brief']).toEqual({
      goal: 'Get sign-ups for v2',
      channel: 'tweet',
      audience: BRAND.audience,
      tone: BRAND.tone,
      constraints: ['no emoji'],
      brandNotes: BRAND.brandNotes,
      canonNotes: BRAND.canonNotes,
      contentType: 'post',
    });
    const review = h.callsOf('reviewer')[0]?.input['context'] as Record<string, unknown>;
    expect(review).toMatchObject({ audience: BRAND.audience, brandCanon: `${BRAND.brandNotes}\n${BRAND.canonNotes}`, locale: 'en-US' });
  });

  it("keeps the brief's own fields and adds its constraints after the brand's", async () => {
    const h = await start({ config: { brand: BRAND } });

    const task = await h.sup.createTask({ workflow: 'content', input: { ...BRIEF, constraints: ['no pricing'] } });
    await h.final(task.id);

    expect(h.callsOf('marketing')[0]?.input['brief']).toMatchObject({ audience: BRIEF.audience, tone: BRIEF.tone, constraints: ['no emoji', 'no pricing'] });
  });

  it('names the fields the person wrote when a brief is wrong', async () => {
    const h = await start();

    const missing = h.sup.createTask({ workflow: 'content', input: { goal: 'Get sign-ups' } });
    await expect(missing).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'content input: channel: expected a value (required), got nothing' });
    const typo = h.sup.createTask({ workflow: 'content', input: { goal: 'Get sign-ups', channel: 'tweet', audiance: 'devs' } });
    await expect(typo).rejects.toMatchObject({ message: 'content input: audiance: expected no such property, got "devs"' });
  });

  it('answers a wrong lead input about the lead, not about fields it never wrote', async () => {
    const h = await start();

    const wrong = h.sup.createTask({ workflow: 'lead', input: { lead: { company: 'Northwind' }, offer: LEAD.offer } });
    const err = (await wrong.catch((e: unknown) => e)) as Error;

    expect(err.message).toContain('lead input: lead.contactRole: expected a value (required), got nothing');
    expect(err.message).not.toMatch(/\btask\b/);
    const noOffer = h.sup.createTask({ workflow: 'lead', input: { lead: LEAD.lead } });
    await expect(noOffer).rejects.toMatchObject({ message: 'lead input: offer: expected a value (required: this workflow writes a proposal), got nothing' });
  });

  it("checks a flow's shared input against each child's workflow", async () => {
    const h = await start({
      config: {
        workflows: {
          acquire: {
            domain: 'lead',
            tasks: [
              { id: 'post', workflow: 'content', input: { channel: 'blog' } },
              { id: 'close', workflow: 'lead', dependsOn: ['post'] },
            ],
          },
        },
      },
    });

    const refused = h.sup.createTask({ workflow: 'acquire', input: { goal: 'Win Northwind' } });
    await expect(refused).rejects.toMatchObject({ message: expect.stringContaining('acquire (task close, workflow lead) input: lead: expected a value (required), got nothing') });
    const flow = await h.sup.createTask({ workflow: 'acquire', input: { goal: 'Win Northwind', ...LEAD } });
    expect((await h.final(flow.id)).status).toBe('completed');
  });
});

describe('event rule and schedule inputs', () => {
  it('refuses at load a rule whose input, once filled, is not a valid brief', () => {
    const raw = { version: 1, events: { rules: [{ event: 'keyword.spike', workflow: 'content', input: { goal: 'Talk about {{data.keyword}}', chanel: 'tweet' } }] } };

    expect(() => resolveConfig(raw)).toThrow(/events\.rules\[0\]\.input\.channel: expected a value \(required\), got nothing/);
    expect(() => resolveConfig(raw)).toThrow(/events\.rules\[0\]\.input\.chanel: expected no such property/);
  });

  it('refuses at load a schedule whose input does not fit its workflow', () => {
    const raw = { version: 1, schedules: [{ id: 'weekly', cron: '0 9 * * 1', workflow: 'lead', input: { lead: {} } }] };

    expect(() => resolveConfig(raw)).toThrow(/schedules\[0\]\.input\.lead\.company: expected a value \(required\)/);
  });

  it('loads the shipped config, whose rules and schedules fit their workflows', async () => {
    const { loadConfig } = await import('../../../../config/load.js');
    const config = await loadConfig(new URL('../../../../agentry.config.json', import.meta.url).pathname);
    expect(config.events.rules.length).toBeGreaterThan(0);
  });
});
