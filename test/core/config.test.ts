import { describe, expect, it } from 'vitest';
import { parseConfig, resolveConfig } from '../../config/load.js';
import { SchemaValidationError } from '../../core/errors.js';

describe('config', () => {
  it('fills every default from the schema', () => {
    const config = resolveConfig({ version: 1 });
    expect(config.mode).toBe('semi');
    expect(config.limits.globalInFlight).toBe(5);
    expect(config.risk.dailySpendLimitUsd).toBe(10);
    expect(config.risk.domains).toEqual({});
    expect(config.agents.marketing.breaker.failureThreshold).toBe(5);
    expect(config.sla.reviewMinutes.culturalTier2).toBe(60);
    expect(config.approvals.fallback).toBe('coordinator');
    expect(config.healing.severityThreshold).toBe(0.3);
    expect(Object.keys(config.workflows).sort()).toEqual(['campaign', 'content', 'incident', 'lead']);
  });

  it('keeps given values over defaults', () => {
    const config = resolveConfig({ version: 1, mode: 'full', risk: { dailySpendLimitUsd: 3 } });
    expect(config.mode).toBe('full');
    expect(config.risk.dailySpendLimitUsd).toBe(3);
    expect(config.risk.perTaskCapUsd).toBe(1);
  });

  it('refuses an invalid file with the path and reason of every issue', () => {
    expect(() => resolveConfig({ version: 1, mode: 'turbo', risk: { confidenceThreshold: 2 }, extra: true })).toThrowError(
      expect.objectContaining({
        name: 'SchemaValidationError',
        code: 'INVALID_CONFIG',
        details: expect.objectContaining({
          issues: [
            'extra: expected no such property, got true',
            'mode: expected one of "manual", "semi", "full", got "turbo"',
            'risk.confidenceThreshold: expected a number <= 1, got 2',
          ],
        }) as unknown,
      }) as SchemaValidationError,
    );
  });

  it('refuses broken references between workflows, schedules and rules', () => {
    expect(() =>
      resolveConfig({
        version: 1,
        workflows: { launch: { domain: 'content', tasks: [{ id: 'a', workflow: 'nope', dependsOn: ['b'] }] } },
        schedules: [{ id: 's', cron: 'every tuesday', workflow: 'content' }],
        events: { rules: [{ event: 'x', workflow: 'ghost', field: 'magnitude' }] },
      }),
    ).toThrowError(
      /workflows\.launch\.tasks\[0\]\.workflow: expected a step workflow, got "nope".*dependsOn: expected one of a, got "b".*schedules\[0\]\.cron: expected a five-field cron expression.*events\.rules\[0\]\.workflow: expected one of .*got "ghost".*events\.rules\[0\]: expected field and threshold together/,
    );
  });

  it('refuses dependency cycles in flows', () => {
    expect(() =>
      resolveConfig({
        version: 1,
        workflows: {
          loop: { domain: 'content', tasks: [{ id: 'a', workflow: 'content', dependsOn: ['b'] }, { id: 'b', workflow: 'content', dependsOn: ['a'] }] },
        },
      }),
    ).toThrowError(/workflows\.loop\.tasks: expected dependencies without a cycle, got a cycle/);
  });

  it('names the file when the JSON does not parse', () => {
    expect(() => parseConfig('{ "version": 1,', 'my.json')).toThrowError(/^my\.json:1:16: not valid JSON: a property name in double quotes expected$/);
  });

  it('a wrong type names the file, the line and the column', () => {
    const text = '{\n  "version": 1,\n  "risk": { "dailySpendLimitUsd": "ten" }\n}\n';
    expect(() => parseConfig(text, '/site/agentry.config.json')).toThrowError(/^\/site\/agentry\.config\.json: risk\.dailySpendLimitUsd \(line 3, column 13\): expected /);
  });

  it('refuses {{data.…}} in a rule whose workflow does not start with a content brief (event data reaches a model only there)', () => {
    const lead = { event: 'crm.signup', workflow: 'lead', input: { lead: { company: '{{data.company}}', contact: 'x', source: 'web' }, offer: { product: 'p', priceUsd: 1 } } };
    expect(() => resolveConfig({ version: 1, events: { rules: [lead] } })).toThrowError(/events\.rules\[0\]\.input: expected no \{\{data\.…\}\} fields: event data reaches a model only in a content brief, and lead starts with the sales agent/);
  });
});
