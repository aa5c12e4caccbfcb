import { describe, expect, expectTypeOf, it } from 'vitest';
import { AGENT_KINDS, type AgentKind } from '../../agents/client/types.js';
import type { FinalStatus, Mode, StatusView, TaskStatus, TaskView } from '../../machines/contract.js';
import type { GateInput } from '../../machines/gate.js';
import type { PreToolUseOptions } from '../../hooks/policy/pre-tool-use.js';
import { allSchemas } from '../../schemas/generated/data.js';
import { agentKindValues, modeValues, taskStatusValues } from '../../schemas/generated/enums.js';
import type { AgentryConfig, ModeChangedEvent } from '../../schemas/generated/types.js';
import { check } from '../../schemas/registry.js';

/** Every `enum` declared under `title` in the schemas, wherever it sits (a property, a $defs entry). */
function enumsTitled(title: string): unknown[][] {
  const found: unknown[][] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n['title'] === title && Array.isArray(n['enum'])) found.push(n['enum']);
    Object.values(n).forEach(walk);
  };
  Object.values(allSchemas).forEach(walk);
  return found;
}

describe('the named enums come from the schemas, one declaration each', () => {
  it.each([
    ['Mode', modeValues, 3],
    ['TaskStatus', taskStatusValues, 1],
    ['AgentKind', agentKindValues, 3],
  ] as const)('%s: every schema that declares it lists the generated values', (title, values, sites) => {
    const lists = enumsTitled(title);
    expect(lists).toHaveLength(sites);
    for (const list of lists) expect(list).toEqual([...values]);
  });

  it('the agent kinds the supervisor spawns are the schema enum', () => {
    expect(AGENT_KINDS).toEqual(['marketing', 'sales', 'reviewer', 'coordinator', 'healer']);
    expect(AGENT_KINDS).toBe(agentKindValues);
  });

  it('the config, the set-mode body and the events accept exactly the modes', () => {
    for (const mode of modeValues) expect(check('api.set-mode', { mode })).toEqual([]);
    expect(check('api.set-mode', { mode: 'auto' }).map((i) => i.path)).toEqual(['mode']);
  });

  it('the task query schema takes every status and nothing else', () => {
    for (const status of taskStatusValues) expect(check('api.task-query', { status })).toEqual([]);
    expect(check('api.task-query', { status: 'done' })).not.toEqual([]);
  });

  it('is one type everywhere it is used (checked by the compiler)', () => {
    expectTypeOf<StatusView['mode']>().toEqualTypeOf<Mode>();
    expectTypeOf<GateInput['mode']>().toEqualTypeOf<Mode>();
    expectTypeOf<PreToolUseOptions['mode']>().toEqualTypeOf<Mode>();
    expectTypeOf<NonNullable<AgentryConfig['mode']>>().toEqualTypeOf<Mode>();
    expectTypeOf<ModeChangedEvent['to']>().toEqualTypeOf<Mode>();
    expectTypeOf<TaskView['status']>().toEqualTypeOf<(typeof taskStatusValues)[number]>();
    expectTypeOf<FinalStatus>().toExtend<TaskStatus>();
    expectTypeOf<AgentKind>().toEqualTypeOf<(typeof agentKindValues)[number]>();
  });
});
