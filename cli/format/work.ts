// The work itself, for people: an author step's output rendered by what it is (a draft, a
// qualification, a proposal, a diagnosis) rather than as JSON. Unknown shapes fall back to JSON.
import type { HealerOutput, MarketingOutput, SalesProposeOutput, SalesQualifyOutput } from '../../schemas/generated/types.js';
import { money } from './table.js';

const INDENT = '    ';

/** Lines for one step's output, under a `step` heading. */
export function outputLines(step: string, output: unknown): string[] {
  return [`  ${step}`, ...bodyOf(output).map((l) => (l === '' ? '' : `${INDENT}${l}`))];
}

/** The first `n` lines of what an output says (approvals show them). */
export function outputPreview(output: unknown, n = 2): string[] {
  return bodyOf(output)
    .filter((l) => l.trim() !== '')
    .slice(0, n);
}

function bodyOf(output: unknown): string[] {
  const o = (output ?? {}) as Record<string, unknown>;
  if (typeof o['content'] === 'string') return draftLines(o as unknown as MarketingOutput);
  if (o['task'] === 'qualify' && o['qualification']) return qualifyLines(o as unknown as SalesQualifyOutput);
  if (o['task'] === 'propose' && o['proposal']) return proposalLines(o as unknown as SalesProposeOutput);
  if (typeof o['diagnosis'] === 'string' && typeof o['remedy'] === 'string') return healerLines(o as unknown as HealerOutput);
  return JSON.stringify(output, null, 2).split('\n');
}

function draftLines(d: MarketingOutput): string[] {
  const lines = [`title: ${d.title}`];
  if (d.channelFields?.subjectLine !== undefined) lines.push(`subject line: ${d.channelFields.subjectLine}`);
  if (d.channelFields?.previewText !== undefined) lines.push(`preview: ${d.channelFields.previewText}`);
  lines.push('', ...d.content.split('\n'), '');
  if (d.callToAction !== undefined) lines.push(`call to action: ${typeof d.callToAction === 'string' ? d.callToAction : JSON.stringify(d.callToAction)}`);
  if (d.channelFields?.hashtags !== undefined) lines.push(`hashtags: ${d.channelFields.hashtags.join(' ')}`);
  lines.push(`confidence ${d.confidence}: ${d.rationale}`);
  return lines;
}

function qualifyLines(q: SalesQualifyOutput): string[] {
  const bant = q.qualification.bant;
  return [
    `qualification: score ${q.qualification.score}/100, next: ${q.nextAction}`,
    ...(['budget', 'authority', 'need', 'timeline'] as const).map((k) => `  ${k}: ${bant[k].assessment} (${bant[k].evidence})`),
    `confidence ${q.confidence}: ${q.rationale}`,
  ];
}

function proposalLines(p: SalesProposeOutput): string[] {
  const prop = p.proposal;
  return [
    `proposal: ${money(prop.priceUsd)}`,
    ...prop.summary.split('\n'),
    ...prop.scopeItems.map((s) => `  - ${s.item}: ${s.description}`),
    ...(prop.terms.length > 0 ? [`terms: ${prop.terms.join('; ')}`] : []),
    `confidence ${p.confidence}: ${p.rationale}`,
  ];
}

function healerLines(h: HealerOutput): string[] {
  return [`diagnosis: ${h.diagnosis}`, `remedy: ${h.remedy} (severity ${h.severity})`, `confidence ${h.confidence}: ${h.rationale}`];
}
