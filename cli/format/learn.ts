// The learning report (agentry learn): one row per tuned value with its evidence count, where it
// comes from and a short name for the rule behind it; rows with no evidence at all (n=0) are hidden unless asked for
// (--all), and --verbose prints the evidence and the rule in full under each row. Numbers are rounded for people;
// --json has them exact. A report without values (learning off) prints its own text.
import { humanValue } from './numbers.js';
import { table } from './table.js';
import { wrap } from './event.js';

type Row = Record<string, unknown>;

export interface LearnOptions {
  /** Show rows with no evidence (n=0) too. */
  all?: boolean;
  /** Print each rule in full under its row. */
  verbose?: boolean;
  /** Wrap the full rules at this many columns (default 100). */
  width?: number;
}

/** What each family of keys learns, by the part before the colon. */
const LEARNED_RULES: Record<string, string> = {
  reviewTier: 'approval streak',
  confidenceThreshold: 'lowest safe threshold',
  model: 'cheapest tier that holds',
  healerRemedy: 'best success rate',
  severityThreshold: 'success streak',
  nextSubagent: 'most frequent next',
};

/** Where the value comes from and by which rule, in a few words (the full rule: --verbose). */
function shortRule(row: Row): string {
  const key = typeof row['key'] === 'string' ? row['key'] : '';
  const rule = typeof row['rule'] === 'string' ? row['rule'] : '';
  const family = key.split(':')[0] ?? key;
  if (row['source'] === 'learned') return `learned · ${LEARNED_RULES[family] ?? family}`;
  if (row['source'] === 'pinned') return `pinned · ${rule.replace(/^pinned by /, '').replace(/:.*$/, '')}`;
  return `config · ${rule.startsWith('learning disabled') ? 'learning off' : 'too little evidence'}`;
}

export function learnLines(report: unknown, opts: LearnOptions = {}): string[] {
  if (!isRow(report)) return [JSON.stringify(report, null, 2)];
  const values = report['values'];
  if (Array.isArray(values) && values.length > 0) return valueLines(values.filter(isRow), opts);
  const text = report['text'];
  if (typeof text === 'string') return text.replace(/\n$/, '').split('\n');
  return ['no tuned values yet (not enough evidence)'];
}

function valueLines(rows: readonly Row[], opts: LearnOptions): string[] {
  const evidenced = (r: Row): boolean => !(isRow(r['evidence']) && r['evidence']['n'] === 0);
  const shown = opts.all === true ? rows : rows.filter(evidenced);
  const hidden = rows.length - shown.length;
  const footer = hidden === 0 ? [] : [`${hidden} value${hidden === 1 ? '' : 's'} with no evidence yet (n=0) not shown; --all shows them`];
  if (shown.length === 0) return ['no tuned values with evidence yet', ...footer];
  const lines = table(
    [
      { header: 'KEY', value: (r: Row) => cell(r['key']) },
      { header: 'VALUE', value: (r) => cell(r['value']) },
      { header: 'N', value: (r) => (isRow(r['evidence']) ? cell(r['evidence']['n']) : '-'), align: 'right' },
      { header: 'SOURCE · RULE', value: shortRule },
    ],
    shown,
  );
  if (opts.verbose !== true) return [...lines, ...(footer.length > 0 ? ['', ...footer] : [])];
  // The evidence and the full rule under each row, wrapped, indented past the key.
  const width = opts.width ?? 100;
  const out = [lines[0] ?? ''];
  shown.forEach((r, i) => {
    out.push(lines[i + 1] ?? '');
    out.push(...wrap(`evidence: ${evidence(r['evidence'])}`, width - 6).map((l) => `      ${l}`));
    const rule = typeof r['rule'] === 'string' ? r['rule'] : '';
    if (rule !== '') out.push(...wrap(`rule: ${rule}`, width - 6).map((l) => `      ${l}`));
  });
  return [...out, ...(footer.length > 0 ? ['', ...footer] : [])];
}

/** `n=12 approvalRate=83%`: each number by what its name says it is. */
function evidence(value: unknown): string {
  if (!isRow(value)) return cell(value);
  return Object.entries(value)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? humanValue(k, v) : cell(v)}`)
    .join(' ');
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '-';
  if (typeof value === 'number') return humanValue('', value);
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
