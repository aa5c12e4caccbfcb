// The workflows agentry ships. agentry.config.json may add workflows or replace these by name.
import type { WorkflowConfig } from '../schemas/generated/types.js';

export const BUILTIN_WORKFLOWS: Readonly<Record<string, WorkflowConfig>> = {
  content: {
    description: 'Marketing drafts a piece, reviewers check it by tier, the gate decides whether it is published.',
    domain: 'content',
    contentType: 'post',
    steps: [{ id: 'draft', agent: 'marketing' }],
    review: 'tiered',
    gate: { action: 'publish' },
  },
  lead: {
    description: 'Sales qualifies a lead and writes a proposal; the coordinator reviews it before it is sent.',
    domain: 'lead',
    steps: [
      { id: 'qualify', agent: 'sales', task: 'qualify' },
      { id: 'propose', agent: 'sales', task: 'propose' },
    ],
    review: 'coordinator',
    gate: { action: 'send' },
  },
  campaign: {
    description: 'A product launch: an announcement, then a blog post and an email that depend on it.',
    domain: 'content',
    tasks: [
      { id: 'announce', workflow: 'content', input: { channel: 'blog', contentType: 'launch-announcement' } },
      { id: 'social', workflow: 'content', input: { channel: 'tweet', contentType: 'launch-tweet' }, dependsOn: ['announce'] },
      { id: 'email', workflow: 'content', input: { channel: 'email', contentType: 'launch-email' }, dependsOn: ['announce'] },
    ],
  },
  incident: {
    description: 'The healer diagnoses a failure and proposes one remedy; the gate decides whether it is applied.',
    domain: 'incident',
    steps: [{ id: 'diagnose', agent: 'healer' }],
    review: 'none',
    gate: { action: 'apply_remedy' },
  },
};
