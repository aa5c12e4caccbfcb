// Shared check: an answer obeys the hook protocol (reference/claude-code-hooks.md §3.2, §3.4, §7).
import { expect } from 'vitest';
import type { HookAnswer, HookEvent } from '../../hooks/protocol.js';

export function expectWellFormed(answer: HookAnswer, event: HookEvent): void {
  expect([0, 2]).toContain(answer.exitCode);
  expect(answer.stderr).not.toMatch(/[\r\n]/);
  if (answer.stdout === '') return;
  // exactly one JSON object, nothing before or after it
  expect(answer.stdout.startsWith('{')).toBe(true);
  const body = JSON.parse(answer.stdout) as Record<string, unknown>;
  expect(JSON.stringify(body)).toBe(answer.stdout);
  const specific = body['hookSpecificOutput'] as Record<string, unknown> | undefined;
  expect(specific?.['hookEventName']).toBe(event);
  for (const value of Object.values(specific ?? {})) {
    if (typeof value === 'string') expect(value.length).toBeLessThanOrEqual(10_000);
  }
}
