// The terminal table for `agentry learn`: one line per tuned value, the rule last.
import type { Evidence } from './tuned.js';
import type { LearnEntry } from './report.js';

function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Math.round(x * 1000) / 1000);
}

export function formatEvidence(e: Evidence): string {
  return Object.entries(e)
    .map(([k, v]) => `${k}=${formatNumber(v)}`)
    .join(' ');
}

export function formatLearnReport(report: readonly LearnEntry[]): string {
  const header = ['KEY', 'VALUE', 'SOURCE', 'EVIDENCE', 'RULE'];
  const rows = report.map((t) => [t.key, t.value === null ? '-' : String(t.value), t.source, formatEvidence(t.evidence), t.rule]);
  if (rows.length === 0) return 'no tuned values yet';
  const widths = header.slice(0, -1).map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < widths.length ? c.padEnd(widths[i] ?? 0) : c)).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
