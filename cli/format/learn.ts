// The learning report (agentry learn): its own text when the supervisor sends one, else a table of
// tuned values (key, value, source, evidence, rule), else each list in the report as a table.
import { clip, table } from './table.js';

type Row = Record<string, unknown>;

const VALUE_COLUMNS = ['key', 'value', 'source', 'evidence', 'rule'] as const;

export function learnLines(report: unknown): string[] {
  if (!isRow(report)) return [JSON.stringify(report, null, 2)];
  const text = report['text'];
  if (typeof text === 'string') return text.replace(/\n$/, '').split('\n');
  const values = report['values'];
  if (Array.isArray(values)) return rowsTable(values.filter(isRow), VALUE_COLUMNS, 'no tuned values yet (not enough evidence)');
  return genericLines(report);
}

function genericLines(report: Row): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(report)) {
    if (Array.isArray(value)) {
      const rows = value.filter(isRow);
      const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
      if (lines.length > 0) lines.push('');
      lines.push(key, ...rowsTable(rows, columns, '  none'));
    } else {
      lines.push(`${key}: ${cell(value)}`);
    }
  }
  return lines.length > 0 ? lines : ['nothing learned yet'];
}

function rowsTable(rows: readonly Row[], columns: readonly string[], empty: string): string[] {
  if (rows.length === 0) return [empty];
  return table(
    columns.map((c) => ({ header: c.toUpperCase(), value: (r: Row) => cell(r[c]) })),
    rows,
  );
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '-';
  if (typeof value === 'string') return clip(value, 70);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return clip(JSON.stringify(value), 50);
}

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
