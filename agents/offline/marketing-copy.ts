// Channel-shaped copy for the offline marketing draft: one template per channel, within its limits.
import type { Channel, ChannelFields, MarketingBrief } from '../../schemas/generated/types.js';
import { clip, hashtag, keywords, lowerFirst, sentence, slugify } from './text.js';

export interface Copy {
  content: string;
  channelFields: ChannelFields;
}

export const TWEET_MAX = 280;

/** The one call to action implied by the goal. */
export function callToActionFor(goal: string): string {
  const g = goal.toLowerCase();
  if (/sign[ -]?up|register|waitlist|early access/.test(g)) return 'Sign up today';
  if (/pre-?save/.test(g)) return 'Pre-save it now';
  if (/demo/.test(g)) return 'Book a demo';
  if (/download|install/.test(g)) return 'Download it now';
  if (/buy|order|purchase|pre-?order/.test(g)) return 'Order now';
  if (/subscribe|newsletter/.test(g)) return 'Subscribe';
  return 'Learn more';
}

function tags(brief: MarketingBrief): string[] {
  if (brief.constraints.some((c) => /no hashtags?/i.test(c))) return [];
  return keywords(brief.goal, 2).map(hashtag);
}

/** `head` cut so that `head + tail` fits `max` characters. */
function fit(head: string, tail: string, max: number): string {
  return `${clip(head, max - tail.length)}${tail}`;
}

function post(brief: MarketingBrief, cta: string, max: number): Copy {
  const hashtags = tags(brief);
  const tail = ` ${cta}.${hashtags.length > 0 ? ` ${hashtags.join(' ')}` : ''}`;
  const head = `${sentence(brief.goal)}. Made for ${lowerFirst(brief.audience)}.`;
  return { content: fit(head, tail, max), channelFields: hashtags.length > 0 ? { hashtags } : {} };
}

function thread(brief: MarketingBrief, cta: string): Copy {
  const hashtags = tags(brief);
  const posts = [
    fit(`1/3 ${sentence(brief.goal)}.`, '', TWEET_MAX),
    fit(`2/3 Why it matters for ${lowerFirst(brief.audience)}: less busywork, more of what you came for.`, '', TWEET_MAX),
    fit(`3/3 ${cta}.`, hashtags.length > 0 ? ` ${hashtags.join(' ')}` : '', TWEET_MAX),
  ];
  return { content: posts.join('\n\n'), channelFields: hashtags.length > 0 ? { hashtags } : {} };
}

function email(brief: MarketingBrief, cta: string, title: string): Copy {
  const content = [
    'Hi there,',
    `${sentence(brief.goal)}.`,
    `We put this together for ${lowerFirst(brief.audience)}, and kept it short so you can decide in a minute whether it is for you.`,
    `${cta}: the link is below, and replying to this email reaches a person.`,
    'Thanks for reading.',
  ].join('\n\n');
  return {
    content,
    channelFields: { subjectLine: clip(title, 78), previewText: clip(`${sentence(brief.goal)}. ${cta}.`, 140) },
  };
}

function page(brief: MarketingBrief, cta: string, title: string, long: boolean): Copy {
  const goal = sentence(brief.goal);
  const sections = [
    `# ${title}`,
    `${goal}. This ${long ? 'post' : 'page'} is for ${lowerFirst(brief.audience)}: what changes for you, and what to do next.`,
    '## Why it matters',
    `The short version: ${lowerFirst(goal)}. Everything below supports that one point, with no claims we cannot back up.`,
    '## What to do next',
    `${cta}. It takes a couple of minutes, and you can change your mind at any time.`,
  ];
  return {
    content: sections.join('\n\n'),
    channelFields: { metaDescription: clip(`${goal}. ${cta}.`, 160), slug: slugify(title) },
  };
}

const BY_CHANNEL: Record<Channel, (brief: MarketingBrief, cta: string, title: string) => Copy> = {
  tweet: (b, cta) => post(b, cta, TWEET_MAX),
  social_post: (b, cta) => post(b, cta, 500),
  ad: (b, cta) => post({ ...b, constraints: [...b.constraints, 'no hashtags'] }, cta, 150),
  thread: (b, cta) => thread(b, cta),
  email: email,
  blog: (b, cta, title) => page(b, cta, title, true),
  landing_page: (b, cta, title) => page(b, cta, title, false),
};

export function copyFor(brief: MarketingBrief, cta: string, title: string): Copy {
  return BY_CHANNEL[brief.channel](brief, cta, title);
}
