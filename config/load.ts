// Reads, validates and completes agentry.config.json. An invalid file is refused with every
// issue (path and reason); nothing half-valid is ever applied.
import { readFile } from 'node:fs/promises';
import { Cron } from 'croner';
import { UserError, SchemaValidationError } from '../core/errors.js';
import type { ValidationIssue } from '../core/errors.js';
import { check } from '../schemas/registry.js';
import type { AgentryConfig, WorkflowConfig } from '../schemas/generated/types.js';
import { BUILTIN_WORKFLOWS } from './builtin-workflows.js';
import { withDefaults } from './defaults.js';
import { fillTemplate, templateFields } from './event-template.js';
import { taskInputIssues } from './task-input.js';
import { locateIssues, parseJsonText } from './json-text.js';

/** Every field filled from the schema's defaults, except the few that are truly optional. */
type Filled<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? string extends keyof T
      ? T
      : { [K in keyof T]-?: Filled<T[K]> }
    : T;

export type ResolvedConfig = Omit<Filled<AgentryConfig>, 'notify' | '$schema'> & {
  notify: { webhookUrl?: string; events: string[] };
};

export const CONFIG_FILE = 'agentry.config.json';

/**
 * Parses and validates config text; `source` names the file in errors, and every error carries
 * the line and column it is about.
 */
export function parseConfig(text: string, source = CONFIG_FILE): ResolvedConfig {
  return resolveConfig(parseJsonText(text, source), source, text);
}

/** Validates a parsed config; with `text`, each issue names its line and column in it. */
export function resolveConfig(raw: unknown, source = CONFIG_FILE, text?: string): ResolvedConfig {
  const located = (issues: readonly ValidationIssue[]): ValidationIssue[] => (text === undefined ? [...issues] : locateIssues(text, issues));
  const schemaIssues = check('config', raw);
  if (schemaIssues.length > 0) throw new SchemaValidationError('INVALID_CONFIG', source, located(schemaIssues));
  const filled = withDefaults(raw as AgentryConfig) as unknown as ResolvedConfig;
  filled.workflows = { ...BUILTIN_WORKFLOWS, ...filled.workflows };
  const issues = crossCheck(filled);
  if (issues.length > 0) throw new SchemaValidationError('INVALID_CONFIG', source, located(issues));
  return filled;
}

/** The config file at `path`, or the defaults when there is none. */
export async function loadConfig(path: string): Promise<ResolvedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return resolveConfig({ version: 1 }, path);
    throw new UserError('INVALID_CONFIG', `${path}: cannot be read (${(err as Error).message})`, { cause: err });
  }
  return parseConfig(text, path);
}

// What the schema cannot say: references between workflows, schedules and rules, and cron syntax.
function crossCheck(config: ResolvedConfig): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const names = Object.keys(config.workflows);
  const known = (name: string): boolean => Object.hasOwn(config.workflows, name);
  for (const [name, wf] of Object.entries(config.workflows)) if (wf) issues.push(...checkWorkflow(name, wf, config.workflows));
  config.schedules.forEach((s, i) => {
    if (!known(s.workflow)) issues.push(unknownWorkflow(`schedules[${i}].workflow`, s.workflow, names));
    try {
      void new Cron(s.cron, { paused: true });
    } catch {
      issues.push({ path: `schedules[${i}].cron`, expected: 'a five-field cron expression', got: JSON.stringify(s.cron) });
    }
  });
  config.schedules.forEach((s, i) => {
    if (known(s.workflow)) issues.push(...inputIssues(`schedules[${i}].input`, config.workflows, s.workflow, s.input ?? {}));
  });
  const sinks = new Set(['files', ...Object.keys(config.deliveries.sinks)]);
  config.deliveries.routes.forEach((r, i) => {
    if (r.workflow !== undefined && !known(r.workflow)) issues.push(unknownWorkflow(`deliveries.routes[${i}].workflow`, r.workflow, names));
    r.sinks.forEach((name, j) => {
      if (!sinks.has(name)) issues.push({ path: `deliveries.routes[${i}].sinks[${j}]`, expected: `one of ${[...sinks].join(', ')} (deliveries.sinks)`, got: JSON.stringify(name) });
    });
  });
  config.events.rules.forEach((r, i) => {
    if (!known(r.workflow)) issues.push(unknownWorkflow(`events.rules[${i}].workflow`, r.workflow, names));
    // Placeholders stand for event data: filled with a sample, the input must fit the workflow.
    else {
      issues.push(...inputIssues(`events.rules[${i}].input`, config.workflows, r.workflow, fillTemplate(r.input ?? {}, SAMPLE_DATA) as Record<string, unknown>));
      issues.push(...eventDataIssues(`events.rules[${i}].input`, config.workflows, r.workflow, r.input ?? {}));
    }
    if ((r.field === undefined) !== (r.threshold === undefined)) {
      issues.push({ path: `events.rules[${i}]`, expected: 'field and threshold together', got: 'only one of them' });
    }
  });
  return issues;
}

/**
 * Event fields reach a model only as a content brief's eventData block: a rule whose workflow
 * starts with another agent (sales, healer) may not write {{data.…}} into its input.
 */
function eventDataIssues(at: string, all: ResolvedConfig['workflows'], name: string, template: unknown): ValidationIssue[] {
  if (templateFields(template).length === 0) return [];
  const wf = all[name];
  const firsts = (wf?.tasks ? wf.tasks.map((t) => all[t.workflow]) : [wf]).map((w) => w?.steps?.[0]?.agent);
  const other = firsts.find((agent) => agent !== undefined && agent !== 'marketing');
  if (other === undefined) return [];
  return [{ path: at, expected: `no {{data.…}} fields: event data reaches a model only in a content brief, and ${name} starts with the ${other} agent`, got: 'a {{data.…}} field' }];
}

/** Event data in which every template field is present. */
const SAMPLE_DATA = new Proxy({}, { has: () => true, get: () => 'sample', getOwnPropertyDescriptor: () => ({ value: 'sample', enumerable: true, configurable: true }) });

/** The input a schedule or event rule starts a workflow with, against that workflow's input schema. */
function inputIssues(at: string, all: ResolvedConfig['workflows'], name: string, input: Record<string, unknown>): ValidationIssue[] {
  const wf = all[name];
  if (!wf) return [];
  const targets = wf.tasks ? wf.tasks.map((t) => ({ wf: all[t.workflow], input: { ...input, ...t.input }, shared: true })) : [{ wf, input, shared: false }];
  return targets.flatMap((t) => (t.wf?.steps ? taskInputIssues(t.wf, t.input, t.shared) : [])).map((i) => ({ ...i, path: `${at}.${i.path}` }));
}

function checkWorkflow(name: string, wf: WorkflowConfig, all: ResolvedConfig["workflows"]): ValidationIssue[] {
  const at = `workflows.${name}`;
  const hasSteps = wf.steps !== undefined;
  const hasTasks = wf.tasks !== undefined;
  if (hasSteps === hasTasks) return [{ path: at, expected: 'either steps or tasks', got: hasSteps ? 'both' : 'neither' }];
  if (hasSteps) return wf.gate ? [] : [{ path: `${at}.gate`, expected: 'a value (required with steps)', got: 'nothing' }];
  const issues: ValidationIssue[] = [];
  const ids = new Set((wf.tasks ?? []).map((t) => t.id));
  (wf.tasks ?? []).forEach((t, i) => {
    const target = Object.hasOwn(all, t.workflow) ? all[t.workflow] : undefined;
    if (target?.steps === undefined) issues.push({ path: `${at}.tasks[${i}].workflow`, expected: 'a step workflow', got: JSON.stringify(t.workflow) });
    for (const dep of t.dependsOn ?? []) {
      if (!ids.has(dep)) issues.push({ path: `${at}.tasks[${i}].dependsOn`, expected: `one of ${[...ids].join(', ')}`, got: JSON.stringify(dep) });
    }
  });
  if (hasCycle(wf.tasks ?? [])) issues.push({ path: `${at}.tasks`, expected: 'dependencies without a cycle', got: 'a cycle' });
  return issues;
}

function hasCycle(tasks: readonly { id: string; dependsOn?: string[] }[]): boolean {
  const deps = new Map(tasks.map((t) => [t.id, t.dependsOn ?? []]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string): boolean => {
    if (state.get(id) === 'done') return false;
    if (state.get(id) === 'visiting') return true;
    state.set(id, 'visiting');
    const cyclic = (deps.get(id) ?? []).some(visit);
    state.set(id, 'done');
    return cyclic;
  };
  return tasks.some((t) => visit(t.id));
}

function unknownWorkflow(path: string, got: string, names: string[]): ValidationIssue {
  return { path, expected: `one of ${names.join(', ')}`, got: JSON.stringify(got) };
}
