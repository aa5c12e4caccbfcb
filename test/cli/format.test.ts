import { describe, expect, it } from 'vitest';
import { ExitError, failureOf, renderFailure } from '../../cli/exit-error.js';
import { learnLines } from '../../cli/format/learn.js';
import { table } from '../../cli/format/table.js';
import { ago, dueIn, duration, uptime } from '../../cli/format/time.js';

const NOW = Date.parse('2026-01-05T12:00:00Z');
const at = (msBefore: number): string => new Date(NOW - msBefore).toISOString();
const coded = (code: string): Error => Object.assign(new Error('m'), { code });

describe('relative times', () => {
  it('keeps the two largest units and drops a zero one', () => {
    expect([0, 42_000, 12 * 60_000, 3 * 3_600_000, (2 * 60 + 5) * 60_000, 26 * 3_600_000, 48 * 3_600_000].map(duration)).toEqual([
      '0s',
      '42s',
      '12m',
      '3h',
      '2h 5m',
      '1d 2h',
      '2d',
    ]);
    expect(uptime(7500)).toBe('2h 5m');
  });

  it('reads ages and deadlines as a person would', () => {
    expect(ago(at(12 * 60_000), NOW)).toBe('12m ago');
    expect(ago(at(1000), NOW)).toBe('just now');
    expect(dueIn(at(-3 * 3_600_000), NOW)).toBe('due in 3h');
    expect(dueIn(at(5 * 60_000), NOW)).toBe('overdue 5m');
    expect(ago('not a date', NOW)).toBe('-');
  });
});

describe('table', () => {
  it('aligns columns, right-aligns numbers, and leaves no trailing spaces', () => {
    const rows = [
      { k: 'marketing', n: 3, note: '' },
      { k: 'sales', n: 120, note: 'x' },
    ];
    const lines = table(
      [
        { header: 'KIND', value: (r: (typeof rows)[number]) => r.k },
        { header: 'N', value: (r) => String(r.n), align: 'right' },
        { header: 'NOTE', value: (r) => r.note },
      ],
      rows,
    );
    expect(lines).toEqual(['  KIND         N  NOTE', '  marketing    3', '  sales      120  x']);
  });

  it('does not count colour escapes as width', () => {
    const lines = table([{ header: 'A', value: (r: string) => r }, { header: 'B', value: () => 'b' }], ['\u001b[31mred\u001b[39m', 'plain']);
    expect(lines[1]).toBe('  \u001b[31mred\u001b[39m    b');
    expect(lines[2]).toBe('  plain  b');
  });
});

describe('learn report', () => {
  it('prints the text when the report has one', () => {
    expect(learnLines({ text: 'line one\nline two\n' })).toEqual(['line one', 'line two']);
  });

  it('prints values[] as key, value, evidence count and a short rule; n=0 rows only with --all', () => {
    const values = [
      { key: 'confidenceThreshold:marketing/content', value: 0.62, source: 'learned', evidence: { n: 40, wrongRate: 0.0125 }, rule: 'lowest threshold from 0.50 …' },
      { key: 'model:marketing', value: 'claude-sonnet-5-5', source: 'config', evidence: { n: 0, approvalRate: 0 }, rule: 'the configured model has fewer than 20 outcomes: models.byAgent or models.default' },
    ];
    expect(learnLines({ values })).toEqual([
      '  KEY                                    VALUE   N  SOURCE · RULE',
      '  confidenceThreshold:marketing/content  0.62   40  learned · lowest safe threshold',
      '',
      '1 value with no evidence yet (n=0) not shown; --all shows them',
    ]);
    expect(learnLines({ values }, { all: true })[2]).toBe('  model:marketing                        claude-sonnet-5-5   0  config · too little evidence');
    expect(learnLines({ values }, { verbose: true })).toContain('      evidence: n=40 wrongRate=1%');
    expect(learnLines({ values: [] })).toEqual(['no tuned values yet (not enough evidence)']);
  });
});

describe('failures', () => {
  it('maps input error codes to exit 2 and everything else to 1', () => {
    expect(['INVALID_INPUT', 'USAGE', 'INVALID_CONFIG', 'NOT_FOUND', 'NOT_RUNNING', 'INTERNAL'].map((c) => failureOf(coded(c)).exitCode)).toEqual([2, 2, 2, 1, 1, 1]);
    expect(failureOf(new TypeError('boom'))).toMatchObject({ exitCode: 1, code: 'INTERNAL', message: 'boom' });
  });

  it('renders one line, the hint in brackets, then issues and usage', () => {
    expect(renderFailure(failureOf(new ExitError(1, 'it broke', { hint: 'try again' })))).toEqual(['agentry: it broke (try again)']);
    const e = Object.assign(new Error('api.x: a: expected 1, got 2; b: expected 3, got 4'), { code: 'INVALID_INPUT', details: { issues: ['a: expected 1, got 2', 'b: expected 3, got 4'] } });
    expect(renderFailure(failureOf(e))).toEqual(['agentry: api.x failed validation:', '  a: expected 1, got 2', '  b: expected 3, got 4']);
  });

  it('a quiet exit prints nothing', () => {
    expect(failureOf(ExitError.quiet(2))).toMatchObject({ exitCode: 2, silent: true });
  });
});
