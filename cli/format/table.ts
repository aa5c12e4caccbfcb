// Plain-text tables with aligned columns: headers in capitals, numbers right-aligned.
import { stripVTControlCharacters } from 'node:util';

export interface Column<T> {
  header: string;
  value(row: T): string;
  align?: 'left' | 'right';
}

/**
 * Rows as lines (header first), each indented by `indent`; no trailing spaces. With `width`, the
 * last column is clipped so that every line fits in that many columns.
 */
export function table<T>(columns: readonly Column<T>[], rows: readonly T[], indent = '  ', maxWidth?: number): string[] {
  let cells = rows.map((r) => columns.map((c) => c.value(r)));
  if (maxWidth !== undefined && columns.length > 0) cells = fitLast(columns, cells, indent.length, maxWidth);
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => width(row[i] ?? ''))));
  const line = (values: readonly string[]): string =>
    indent +
    values
      .map((v, i) => {
        const w = widths[i] ?? 0;
        return columns[i]?.align === 'right' ? pad(v, w, 'left') : pad(v, w, 'right');
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)];
}

function fitLast<T>(columns: readonly Column<T>[], cells: string[][], indent: number, total: number): string[][] {
  const last = columns.length - 1;
  const before = columns.slice(0, last).reduce((sum, c, i) => sum + Math.max(c.header.length, ...cells.map((row) => width(row[i] ?? ''))) + 2, indent);
  const room = Math.max(10, total - before);
  return cells.map((row) => row.map((cell, i) => (i === last ? clip(cell, room) : cell)));
}

/** Two columns, "key  value", keys padded to the widest. */
export function keyValues(pairs: readonly (readonly [string, string])[], indent = '  '): string[] {
  const w = Math.max(0, ...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${indent}${k.padEnd(w)}  ${v}`.trimEnd());
}

export function money(usd: number): string {
  return `$${usd.toFixed(2)}`;
}

export function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** Shortens to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function width(text: string): number {
  // Colour escapes take no room on screen.
  return stripVTControlCharacters(text).length;
}

function pad(text: string, w: number, side: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, w - width(text)));
  return side === 'left' ? fill + text : text + fill;
}
