// Builds each agent's input from the task. Every input is validated against the agent's input
// schema by the run actor, so a task whose input cannot make a valid brief fails before any call.
import type { AgentKind } from '../../agents/client/types.js';
import type {
  CoordinatorAsk,
  CoordinatorInput,
  MarketingInput,
  MarketingOutput,
  ReviewerInput,
  SalesInput,
  SalesQualifyOutput,
} from '../../schemas/generated/types.js';
import type { ReviewKind, TaskContext, TaskRecord } from './context.js';
import { currentStep } from './context.js';

/** What a brief falls back to when neither the task nor the config's brand profile says. */
const BRAND_FALLBACK = { audience: 'general', tone: 'clear', constraints: [] as string[], brandNotes: '', canonNotes: '', locale: 'en-US' };

/**
 * The marketing brief of a task: the fields its writer gave, the rest from the brand profile
 * frozen in the record (constraints add up: the brand's, then the brief's own).
 */
function briefOf(record: Pick<TaskRecord, 'input' | 'brand' | 'contentType'>): MarketingInput['brief'] {
  const input = record.input;
  const brand = { ...BRAND_FALLBACK, ...record.brand };
  const own = Array.isArray(input['constraints']) ? (input['constraints'] as string[]) : [];
  return {
    goal: input['goal'] as string,
    channel: input['channel'] as MarketingInput['brief']['channel'],
    audience: text(input, 'audience', brand.audience),
    tone: text(input, 'tone', brand.tone),
    constraints: [...new Set([...brand.constraints, ...own])],
    brandNotes: text(input, 'brandNotes', brand.brandNotes),
    canonNotes: text(input, 'canonNotes', brand.canonNotes),
    contentType: text(input, 'contentType', record.contentType),
  };
}

/** The readers' locale: the task's, else the brand's. */
function localeOf(record: Pick<TaskRecord, 'input' | 'brand'>): string {
  return text(record.input, 'locale', record.brand?.locale ?? BRAND_FALLBACK.locale);
}

/** A string field of the task input, or `fallback` when it is missing or not a string. */
export function text(input: Record<string, unknown>, key: string, fallback: string): string {
  const v = input[key];
  return typeof v === 'string' && v !== '' ? v : fallback;
}

export interface AgentCall {
  agent: AgentKind;
  input: unknown;
}

/** The input of the current author step. */
export function authorInput(ctx: TaskContext): AgentCall {
  const step = currentStep(ctx);
  const input = ctx.record.input;
  if (step.agent === 'marketing') {
    const brief = briefOf(ctx.record);
    const previous = ctx.outputs[step.id] as MarketingOutput | undefined;
    const body: MarketingInput = { brief };
    const eventData = input['eventData'];
    if (typeof eventData === 'object' && eventData !== null && !Array.isArray(eventData)) {
      body.eventData = Object.entries(eventData).map(([field, value]) => ({ field, value: String(value) }));
    }
    if (previous && ctx.feedback.length > 0) {
      body.previousDraft = { title: previous.title, content: previous.content };
      // The coordinator's reasons concern the draft as a whole and quote nothing; the contract
      // wants a non-empty quote, so they name the whole draft.
      body.reviewerFeedback = ctx.feedback.map((i) => ({ severity: i.severity, quote: i.quote === '' ? '(the whole draft)' : i.quote, fix: i.fix })) as NonNullable<
        MarketingInput['reviewerFeedback']
      >;
    }
    return { agent: 'marketing', input: body };
  }
  if (step.agent === 'sales') return { agent: 'sales', input: salesInput(ctx, step.task ?? 'qualify') };
  return { agent: 'healer', input };
}

function salesInput(ctx: TaskContext, task: 'qualify' | 'propose'): SalesInput {
  const { lead, offer } = ctx.record.input as { lead: unknown; offer?: unknown };
  if (task === 'qualify') return { task, lead } as SalesInput;
  const qualified = Object.values(ctx.outputs).find((o) => (o as { task?: string }).task === 'qualify') as
    | SalesQualifyOutput
    | undefined;
  const qualification = qualified
    ? { score: qualified.qualification.score, reasons: [qualified.rationale] }
    : { score: 0, reasons: ['not qualified yet'] };
  return { task, lead, qualification, offer } as SalesInput;
}

/** The content under review: the last author output, as it would be published. */
function reviewedContent(ctx: TaskContext): { title?: string; body: string; channel: string } {
  const last = ctx.outputs[ctx.record.definition.steps.at(-1)?.id ?? ''] as Partial<MarketingOutput> | undefined;
  const channel = text(ctx.record.input, 'channel', 'blog');
  const body = last?.content ?? JSON.stringify(last ?? {});
  return last?.title ? { title: last.title, body, channel } : { body, channel };
}

export function reviewerInput(ctx: TaskContext, focus: Exclude<ReviewKind, 'coordinator'>): AgentCall {
  const brief = briefOf(ctx.record);
  const body: ReviewerInput = {
    content: reviewedContent(ctx) as ReviewerInput['content'],
    context: {
      audience: brief.audience,
      locale: localeOf(ctx.record),
      brandCanon: [brief.brandNotes, brief.canonNotes].filter((s) => s !== '').join('\n'),
      contentType: ctx.record.contentType,
    },
    focus,
  };
  return { agent: 'reviewer', input: body };
}

export function coordinatorInput(ctx: TaskContext, decision: CoordinatorAsk, context?: Record<string, unknown>): AgentCall {
  const body: CoordinatorInput = {
    task: {
      id: ctx.record.id,
      workflow: ctx.record.workflow,
      contentType: ctx.record.contentType,
      priority: ctx.record.priority,
    },
    outputs: ctx.outputs,
    reviews: ctx.reviews
      .filter((r) => r.round === ctx.round && r.kind !== 'coordinator')
      .map((r) => ({ kind: r.kind, verdict: r.verdict, score: r.score ?? 0, issues: r.issues })) as CoordinatorInput['reviews'],
    decision,
  };
  if (context) body.context = context;
  return { agent: 'coordinator', input: body };
}
