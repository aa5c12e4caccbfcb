// The short factual context agentry adds at session start and on each prompt: mode, pending
// approvals, today's spend against the limit, and paused domains or SLA breaches when there are
// any. At most three lines, statements only (reference §3.4: imperatives can trip injection
// defences).

import type { StatusView } from '../contract.js';

export function statusContext(status: StatusView, now: number): string {
  const lines = [`agentry: mode ${status.mode}; ${approvals(status.approvals, now)}`, spend(status.spend)];
  const trouble = [paused(status.pausedDomains), breaches(status.slaBreaches)].filter((s) => s !== '');
  if (trouble.length > 0) lines.push(trouble.join(' '));
  return lines.join('\n');
}

function approvals(pending: StatusView['approvals'], now: number): string {
  if (pending.length === 0) return 'no approvals pending.';
  const oldest = pending.reduce((a, b) => (Date.parse(b.requestedAt) < Date.parse(a.requestedAt) ? b : a));
  const waited = age(now - Date.parse(oldest.requestedAt));
  const count = pending.length === 1 ? '1 approval pending' : `${pending.length} approvals pending`;
  const what = oldest.kind === 'permission' ? `Claude Code's ${oldest.action} permission request` : `task ${oldest.taskId}`;
  return `${count}; the oldest, ${oldest.id} (${what}), has waited ${waited}.`;
}

function spend(s: StatusView['spend']): string {
  const spent = `$${s.spentUsd.toFixed(2)}`;
  if (!Number.isFinite(s.limitUsd) || s.limitUsd <= 0) return `Spend today: ${spent}; no daily limit is set.`;
  return `Spend today: ${spent} of the $${s.limitUsd.toFixed(2)} daily limit (${Math.round((s.spentUsd / s.limitUsd) * 100)}%).`;
}

function paused(domains: readonly string[]): string {
  if (domains.length === 0) return '';
  return `Paused domains: ${list(domains)}.`;
}

function breaches(list_: StatusView['slaBreaches']): string {
  if (list_.length === 0) return '';
  const shown = list(list_.map((b) => `task ${b.taskId} ${b.scope} tier ${b.tier}`));
  return `SLA breaches: ${list_.length} (${shown}).`;
}

function list(items: readonly string[], max = 3): string {
  const head = items.slice(0, max).join(', ');
  return items.length > max ? `${head} and ${items.length - max} more` : head;
}

export function age(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}
