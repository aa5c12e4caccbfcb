// What a person writes as a task's input, checked against the schema of the workflow's first
// agent (a content brief, a lead request, an incident) before anything else, so errors name the
// fields they wrote: `channel`, `lead.company`, never the agent prompt's `brief.channel` or `task`.
import { SchemaValidationError } from '../core/errors.js';
import type { ValidationIssue } from '../core/errors.js';
import { check, schemaOf } from '../schemas/registry.js';
import type { SchemaName } from '../schemas/registry.js';
import type { WorkflowConfig } from '../schemas/generated/types.js';

type StepAgent = NonNullable<WorkflowConfig['steps']>[number]['agent'];

/** The input schema of a step workflow, by the agent of its first step. */
const TASK_INPUT_SCHEMA: Readonly<Record<StepAgent, SchemaName>> = {
  marketing: 'brief',
  sales: 'lead-request',
  healer: 'healer.input',
};

export function taskInputSchema(wf: Pick<WorkflowConfig, 'steps'>): SchemaName | undefined {
  const first = wf.steps?.[0];
  return first ? TASK_INPUT_SCHEMA[first.agent] : undefined;
}

/** The fields a schema names at its top level. */
function knownKeys(name: SchemaName): string[] {
  return Object.keys((schemaOf(name)['properties'] as Record<string, unknown> | undefined) ?? {});
}

/**
 * Issues of a step workflow's input. A flow's input is shared by all its children, so a child
 * checks only the fields its own schema knows (`shared`); a task of its own may carry no others.
 */
export function taskInputIssues(wf: Pick<WorkflowConfig, 'steps'>, input: Record<string, unknown>, shared = false): ValidationIssue[] {
  const name = taskInputSchema(wf);
  if (name === undefined) return [];
  const keys = knownKeys(name);
  const own = shared ? Object.fromEntries(Object.entries(input).filter(([k]) => keys.includes(k))) : input;
  const issues = check(name, own);
  const steps = wf.steps ?? [];
  if (name === 'lead-request' && steps.some((s) => s.task === 'propose') && !Object.hasOwn(input, 'offer')) {
    issues.push({ path: 'offer', expected: 'a value (required: this workflow writes a proposal)', got: 'nothing' });
  }
  return issues;
}

/** Throws INVALID_INPUT naming the input as the workflow reads it. */
export function checkTaskInput(workflow: string, wf: Pick<WorkflowConfig, 'steps'>, input: Record<string, unknown>, shared = false): void {
  const issues = taskInputIssues(wf, input, shared);
  if (issues.length > 0) throw new SchemaValidationError('INVALID_INPUT', `${workflow} input`, issues);
}
