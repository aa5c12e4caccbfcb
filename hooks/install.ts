// `agentry hooks install`: merges our handlers into Claude Code settings without touching the
// user's own. Pure planning here; file I/O is in settings-file.ts. Not on the hot path, so it
// may import core/.

import { UserError } from '../core/errors.js';
import { type InstallOptions, type PlannedHook, isAgentryHandler, plannedHooks } from './install-plan.js';
import { isObject, own } from './own.js';

export { isAgentryHandler, shellQuote, DEFAULT_TOKEN_ENV_VAR } from './install-plan.js';
export type { InstallOptions, Transport } from './install-plan.js';
export { settingsPath, readSettings, writeSettings } from './settings-file.js';
export type { SettingsScope } from './settings-file.js';

type Mutable = Record<string, unknown>;

/** The settings with our handlers (re)installed. Idempotent: planInstall(planInstall(s)) deep-equals planInstall(s). */
export function planInstall(settings: unknown, options: InstallOptions): Mutable {
  const planned = plannedHooks(options); // validates options before anything else
  const next = removeOurs(cloneSettings(settings));
  const hooks = eventTable(next);
  for (const hook of planned) addHook(hooks, hook);
  return next;
}

/** The settings without our handlers; groups and events that only we filled are dropped. */
export function planUninstall(settings: unknown): Mutable {
  return removeOurs(cloneSettings(settings));
}

function cloneSettings(settings: unknown): Mutable {
  if (settings === undefined) return {};
  if (!isObject(settings)) throw invalid('the top level must be a JSON object');
  // A JSON round trip copies data only; an own "__proto__" key stays an own key.
  return JSON.parse(JSON.stringify(settings)) as Mutable;
}

function removeOurs(settings: Mutable): Mutable {
  const hooks = own(settings, 'hooks');
  if (!isObject(hooks)) return settings;
  const table = hooks as Mutable;
  let emptied = false;
  for (const event of Object.keys(table)) {
    const groups = table[event];
    if (!Array.isArray(groups) || groups.length === 0) continue;
    const kept = groups.flatMap(withoutOurs);
    if (kept.length === 0) {
      delete table[event];
      emptied = true;
    } else if (kept.some((g, i) => g !== groups[i]) || kept.length !== groups.length) {
      setOwn(table, event, kept);
    }
  }
  if (emptied && Object.keys(table).length === 0) delete settings['hooks'];
  return settings;
}

/** A matcher group minus our handlers; [] when only ours were in it. Anything else is kept as is. */
function withoutOurs(group: unknown): unknown[] {
  if (!isObject(group)) return [group];
  const handlers = own(group, 'hooks');
  if (!Array.isArray(handlers)) return [group];
  const kept = handlers.filter((h) => !isAgentryHandler(h));
  if (kept.length === handlers.length) return [group];
  if (kept.length === 0) return [];
  return [{ ...group, hooks: kept }];
}

function eventTable(settings: Mutable): Mutable {
  const hooks = own(settings, 'hooks');
  if (hooks === undefined) {
    const table: Mutable = {};
    settings['hooks'] = table;
    return table;
  }
  if (!isObject(hooks)) throw invalid('"hooks" must be an object');
  return hooks;
}

function addHook(table: Mutable, hook: PlannedHook): void {
  const existing = own(table, hook.event);
  if (existing !== undefined && !Array.isArray(existing)) throw invalid(`"hooks.${hook.event}" must be an array`);
  const groups: unknown[] = existing ?? [];
  table[hook.event] = groups;
  // Join a group with the same matcher (ours from an earlier entry, or the user's) rather than add a twin.
  const group = groups.find((g) => isObject(g) && Array.isArray(own(g, 'hooks')) && sameMatcher(own(g, 'matcher'), hook.matcher));
  if (group !== undefined) {
    (own(group as Mutable, 'hooks') as unknown[]).push(hook.handler);
    return;
  }
  groups.push(hook.matcher === undefined ? { hooks: [hook.handler] } : { matcher: hook.matcher, hooks: [hook.handler] });
}

function sameMatcher(theirs: unknown, ours: string | undefined): boolean {
  return ours === undefined ? matchesAll(theirs) : theirs === ours;
}

function matchesAll(matcher: unknown): boolean {
  return matcher === undefined || matcher === '' || matcher === '*';
}

/** Plain assignment to a key read from the file could hit the `__proto__` setter; define it instead. */
function setOwn(obj: Mutable, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function invalid(what: string): UserError {
  return new UserError('INVALID_CONFIG', `Claude Code settings: ${what}`, { details: { problem: what } });
}
