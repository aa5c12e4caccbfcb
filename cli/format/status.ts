// The `agentry status` dashboard: a header line, then one section per concern, blank-separated.
import type { StatusView } from '../../server/contract.js';
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
import { style } from './style.js';
import { uptime } from './time.js';

export function statusLines(view: StatusView, now: number, color: boolean): string[] {
  const s = style(color);
  const sections = [
    header(view, s.bold, s.red),
    agentsSection(view.agents, s),
    queueSection(view.queue, s),
    approvalsSection(view.approvals, now, s),
    [...breachesSection(view.slaBreaches, now, s), ...pausedSection(view.pausedDomains, s)],
    spendSection(view.spend, s),
    todaySection(view.today, s),
    lastActionsSection(view.lastActions, now, s),
  ];
  return sections.flatMap((lines, i) => (i === 0 ? lines : ['', ...lines]));
}

function header(view: StatusView, bold: (t: string) => string, red: (t: string) => string): string[] {
  const h = view.health;
  const parts = [`mode ${view.mode}`, `pid ${h.pid}`, `up ${uptime(h.uptimeSec)}`, `model: ${h.offline ? 'OFFLINE' : 'claude'}`];
  const lines = [`${bold('agentry')} — ${parts.join(' · ')}`];
  if (h.draining) lines.push(red('draining: finishing in-flight work, taking no new tasks'));
  if (h.store !== 'ok') lines.push(red('store unavailable: new work is refused until it can persist again'));
  if ((h.logDropped ?? 0) > 0) lines.push(red(`log file not writable: ${h.logDropped} log lines dropped`));
  for (const d of h.damaged ?? []) lines.push(red(`damaged at start: ${d.file} (${d.error}); moved to ${d.movedTo} and rebuilt`));
  return lines;
}
