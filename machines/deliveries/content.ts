// The approved content as it is delivered: a document with what was approved (title, body,
// fields) and who allowed it when, rendered as Markdown with front-matter. Its hash ties the
// idempotency key to the content: one key, one content, whatever the sink.
import { createHash } from 'node:crypto';
import type { MarketingOutput, SalesProposeOutput } from '../../schemas/generated/types.js';

export interface Deliverable {
  taskId: string;
  workflow: string;
  action: string;
  channel: string;
  title: string;
  /** Markdown body, without front-matter. */
  body: string;
  approver: 'auto' | 'person' | 'coordinator';
  note?: string;
  /** ISO time of the first delivery intent: a re-delivery carries the same time. */
  approvedAt: string;
  /** Slug hint (the author's URL slug, or one made from the title). */
  slug: string;
  /** The author's final output as it was approved. */
  output: unknown;
}

export interface DeliverableSource {
  taskId: string;
  workflow: string;
  action: string;
  input: Record<string, unknown>;
  /** The last author step's output. */
  output: unknown;
  approver: Deliverable['approver'];
  note?: string;
  at: number;
}

function slugOf(text: string): string {
  const slug = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug === '' ? 'untitled' : slug;
}

const isMarketing = (o: unknown): o is MarketingOutput => typeof o === 'object' && o !== null && typeof (o as MarketingOutput).content === 'string';
const isProposal = (o: unknown): o is SalesProposeOutput => typeof o === 'object' && o !== null && (o as SalesProposeOutput).task === 'propose';

function marketingBody(o: MarketingOutput): string {
  const lines = [o.content.trim()];
  const f = o.channelFields;
  if (f.subjectLine !== undefined) lines.unshift(`**Subject:** ${f.subjectLine}${f.previewText === undefined ? '' : `  \n**Preview:** ${f.previewText}`}`, '');
  if (o.callToAction) lines.push('', `**Call to action:** ${o.callToAction}`);
  if (f.hashtags && f.hashtags.length > 0) lines.push('', f.hashtags.join(' '));
  if (f.metaDescription !== undefined) lines.push('', `**Meta description:** ${f.metaDescription}`);
  return lines.join('\n');
}

function proposalBody(o: SalesProposeOutput): string {
  const p = o.proposal;
  const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(p.priceUsd);
  return [p.summary, '', '## Scope', ...p.scopeItems.map((s) => `- **${s.item}**: ${s.description}`), '', `## Price\n\n${usd}`, '', '## Terms', ...p.terms.map((t) => `- ${t}`)].join('\n');
}

export function deliverableOf(src: DeliverableSource): Deliverable {
  const channel = typeof src.input['channel'] === 'string' ? src.input['channel'] : src.workflow;
  let title: string;
  let body: string;
  let slug: string | undefined;
  if (isMarketing(src.output)) {
    title = src.output.title;
    body = marketingBody(src.output);
    slug = src.output.channelFields.slug;
  } else if (isProposal(src.output)) {
    const lead = (src.input['lead'] as { company?: string } | undefined)?.company;
    title = lead === undefined ? 'Proposal' : `Proposal for ${lead}`;
    body = proposalBody(src.output);
  } else {
    title = `${src.workflow} ${src.action}`;
    body = ['```json', JSON.stringify(src.output ?? null, null, 2), '```'].join('\n');
  }
  const d: Deliverable = {
    taskId: src.taskId,
    workflow: src.workflow,
    action: src.action,
    channel,
    title,
    body,
    approver: src.approver,
    approvedAt: new Date(src.at).toISOString(),
    slug: slug ?? slugOf(title),
    output: src.output ?? null,
  };
  if (src.note !== undefined) d.note = src.note;
  return d;
}

/** YAML scalars as JSON strings: valid YAML, whatever the text holds. */
function frontMatter(d: Deliverable, key: string): string {
  const fields: [string, string][] = [
    ['task', d.taskId],
    ['workflow', d.workflow],
    ['action', d.action],
    ['channel', d.channel],
    ['approver', d.approver],
    ...(d.note === undefined ? [] : ([['note', d.note]] as [string, string][])),
    ['approved', d.approvedAt],
    ['idempotencyKey', key],
  ];
  return ['---', ...fields.map(([k, v]) => `${k}: ${JSON.stringify(v)}`), '---'].join('\n');
}

/** The delivered Markdown file: front-matter, the title, the body. */
export function markdownDocument(d: Deliverable, key: string): string {
  return `${frontMatter(d, key)}\n\n# ${d.title}\n\n${d.body.trim()}\n`;
}

/** The task id a delivered file's front-matter names, if it is one of ours. */
export function taskOfDocument(text: string): string | undefined {
  const m = /^---\ntask: ("(?:[^"\\]|\\.)*")\n/.exec(text);
  if (!m?.[1]) return undefined;
  try {
    return JSON.parse(m[1]) as string;
  } catch {
    return undefined;
  }
}

/** The idempotency key of delivering `d` to `sink`: a different content always gets another key. */
export function deliveryKey(d: Deliverable, sink: string): string {
  const hash = createHash('sha256').update(JSON.stringify([sink, d])).digest('hex');
  return `dlv_${hash.slice(0, 32)}`;
}
