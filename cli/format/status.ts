// The `agentry status` dashboard: a header line, then one section per concern, blank-separated.
import type { ConfigState, StatusView } from '../../server/contract.js';
import {
  agentsSection,
  approvalsSection,
  breachesSection,
  lastActionsSection,
  pausedSection,
  queueSection,
  spendSection,
  todaySection,
} from './status-sections.js';
import { deliveriesSection } from './delivery.js';
import { style } from './style.js';
import type { Style } from './style.js';
import { ago, uptime } from './time.js';

/** Issues of a refused config shown under the health line; the rest are counted. */
const SHOWN_ISSUES = 5;

/** The dashboard in lines of at most `width` columns (long reasons and details are clipped). */
export function statusLines(view: StatusView, now: number, color: boolean, width = 100): string[] {
  const s = style(color);
  const sections = [
    [...header(view, s.bold), ...healthLines(view, now, s)],
    agentsSection(view.agents, s),
    queueSection(view.queue, view.awaitingApproval, s),
    approvalsSection(view.approvals, now, s, width),
    [...breachesSection(view.slaBreaches, now, s), ...pausedSection(view.pausedDomains, s)],
    spendSection(view.spend, s),
    todaySection(view.today, s),
    ...(view.deliveries ? [deliveriesSection(view.deliveries, s)] : []),
    lastActionsSection(view.lastActions, now, s, width),
  ];
  return sections.flatMap((lines, i) => (i === 0 ? lines : ['', ...lines]));
}

function header(view: StatusView, bold: (t: string) => string): string[] {
  const h = view.health;
  const parts = [`mode ${view.mode}`, `pid ${h.pid}`, `up ${uptime(h.uptimeSec)}`, `model: ${modelLabel(h)}`];
  return [`${bold('agentry')} — ${parts.join(' · ')}`];
}

function modelLabel(h: StatusView['health']): string {
  if (h.offline) return 'OFFLINE';
  if (h.model === 'none') return 'NONE (no ANTHROPIC_API_KEY)';
  return 'claude';
}

/** The health line (store, config, model, draining, recovery), then a line for each problem. */
function healthLines(view: StatusView, now: number, s: Style): string[] {
  const h = view.health;
  const rejected = view.config?.rejected ?? null;
  const restart = view.config?.restartPending ?? [];
  const differ = view.config?.peersDiffer ?? [];
  const parts = [
    h.store === 'ok' ? 'store ok' : s.red('store UNAVAILABLE'),
    rejected !== null ? s.red(`config REFUSED ${ago(rejected.at, now)}`) : restart.length > 0 ? s.yellow('config: restart needed') : differ.length > 0 ? s.yellow('config differs from a peer') : 'config ok',
    h.model === 'none' ? s.red('model NONE') : h.offline ? s.yellow('model offline') : 'model ok',
    ...(h.draining ? [s.yellow('draining')] : []),
    ...(h.recovering !== undefined && h.recovering > 0 ? [`${h.recovering} tasks recovering`] : []),
  ];
  return [`${s.bold('Health')}  ${parts.join(' · ')}`, ...problemLines(h, s), ...configLines(rejected, restart, now, s), ...peerLines(differ, s)];
}

function problemLines(h: StatusView['health'], s: Style): string[] {
  const lines: string[] = [];
  if (h.draining) lines.push(`  ${s.red('draining: finishing in-flight work, taking no new tasks')}`);
  if (h.store !== 'ok') lines.push(`  ${s.red('store unavailable: new work is refused until it can persist again')}`);
  if (h.model === 'none') lines.push(`  ${s.red(h.modelUnavailable ?? 'no model: model work is refused')}`);
  if ((h.logDropped ?? 0) > 0) lines.push(`  ${s.red(`log file not writable: ${h.logDropped} log lines dropped`)}`);
  for (const d of h.damaged ?? []) lines.push(`  ${s.red(`damaged at start: ${d.file} (${d.error}); moved to ${d.movedTo} and rebuilt`)}`);
  if (h.offline) lines.push('  the OFFLINE model answers (a deterministic stand-in); set ANTHROPIC_API_KEY and start without --offline for Claude');
  return lines;
}

/** Cluster peers that decide a task's steps by another policy: any of them may run any step. */
function peerLines(differ: NonNullable<ConfigState['peersDiffer']>, s: Style): string[] {
  if (differ.length === 0) return [];
  return [
    ...differ.map((p) => `  ${s.yellow(`supervisor ${p.executorId} decides by another config (${p.sections.join(', ')}${p.mode === null ? '' : `; its mode is ${p.mode}`}): keep agentry.config.json the same on every machine`)}`),
    `  ${s.yellow('automatic approval is held: what a gate would approve on its own waits for a person until every live supervisor runs the same config')}`,
  ];
}

function configLines(rejected: ConfigState['rejected'], restart: readonly string[], now: number, s: Style): string[] {
  const lines: string[] = [];
  if (rejected !== null) {
    const n = rejected.issues.length;
    lines.push(`  ${s.red(`${rejected.file ?? 'the config file'}: refused ${ago(rejected.at, now)}; the previous config stays until it is fixed:`)}`);
    lines.push(...rejected.issues.slice(0, SHOWN_ISSUES).map((i) => `    - ${i}`));
    if (n > SHOWN_ISSUES) lines.push(`    …and ${n - SHOWN_ISSUES} more (agentry config validate lists them all)`);
  }
  if (restart.length > 0) lines.push(`  ${s.yellow(`restart needed: ${restart.join(', ')} changed and take${restart.length === 1 ? 's' : ''} effect at the next start (agentry stop, then start)`)}`);
  return lines;
}
