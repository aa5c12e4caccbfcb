// The checks of `agentry doctor`, each a pure-ish probe returning what it found and how to fix it.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { damagedCopies } from '../../memory/damaged-file.js';
import { DurableJsonAdapter } from '../../memory/json-store.js';
import { CURRENT_SCHEMA_VERSION, LEARNING_MIGRATIONS, parseLearningState } from '../../memory/learning/index.js';
import type { LearningState } from '../../schemas/generated/types.js';
import { loadConfig } from '../../config/load.js';
import { isAgentryHandler, readSettings } from '../../hooks/install.js';
import type { StatusView } from '../../server/contract.js';
import { apiClient } from './api.js';
import type { CommandContext } from './context.js';
import { SCOPES, ourHandlers, scopePath } from './hook-settings.js';

export interface Check {
  name: string;
  ok: boolean;
  /** A failed essential check makes doctor exit 1; the others are advice. */
  essential: boolean;
  message: string;
  hint?: string;
}

const pass = (name: string, essential: boolean, message: string): Check => ({ name, ok: true, essential, message });
const fail = (name: string, essential: boolean, message: string, hint: string): Check => ({ name, ok: false, essential, message, hint });

export function nodeCheck(version: string = process.versions.node): Check {
  const major = Number(version.split('.')[0]);
  return major >= 20 ? pass('node', true, `node ${version}`) : fail('node', true, `node ${version} is too old`, 'install Node.js 20 or later');
}

export async function configCheck(ctx: CommandContext): Promise<Check> {
  const path = ctx.paths.configFile;
  try {
    const config = await loadConfig(path);
    const exists = await stat(path).then(() => true, () => false);
    return pass('config', true, exists ? `${path} is valid (mode ${config.mode})` : 'no agentry.config.json: the defaults apply');
  } catch (err) {
    return fail('config', true, `${path} is invalid: ${(err as Error).message}`, 'run `agentry config validate` to see every issue');
  }
}

export async function stateCheck(ctx: CommandContext): Promise<Check> {
  const dir = ctx.paths.stateDir;
  const st = await stat(dir).catch(() => undefined);
  if (st === undefined) return fail('state', false, `state folder ${dir} does not exist yet`, '`agentry start` creates it');
  if (!st.isDirectory()) return fail('state', true, `${dir} is not a folder`, 'move it away, or set AGENTRY_HOME');
  const mode = st.mode & 0o777;
  if ((mode & 0o077) !== 0) return fail('state', true, `state folder ${dir} has mode 0${mode.toString(8)}; others can read it`, `chmod 700 ${dir}`);
  return pass('state', true, `state folder ${dir} is private (0700)`);
}

export async function supervisorCheck(ctx: CommandContext): Promise<{ check: Check; status: StatusView | undefined }> {
  const client = apiClient(ctx);
  const status = await client.get<StatusView>('/v1/status').catch(() => undefined);
  if (status === undefined) {
    return { check: fail('supervisor', true, `no supervisor answers on ${client.where}`, 'start it with `agentry start`'), status };
  }
  const h = status.health;
  const extra = `${h.offline ? ', offline model' : ''}${h.draining ? ', draining' : ''}${h.store === 'ok' ? '' : ', store unavailable'}`;
  return { check: pass('supervisor', true, `supervisor answers on ${client.where} (pid ${h.pid}, mode ${status.mode}${extra})`), status };
}

export function keyCheck(ctx: CommandContext, status: StatusView | undefined): Check {
  const key = ctx.env['ANTHROPIC_API_KEY'];
  if (key !== undefined && key.trim() !== '') {
    const base = ctx.env['ANTHROPIC_BASE_URL'];
    return pass('api-key', false, `ANTHROPIC_API_KEY is set${base === undefined || base === '' ? '' : ` (base URL ${base})`}`);
  }
  if (status?.health.offline === true) return pass('api-key', false, 'no ANTHROPIC_API_KEY: the supervisor runs the offline model');
  const now = status?.health.model === 'none' ? 'the running supervisor refuses model work (MODEL_UNAVAILABLE)' : 'agentry start would refuse model work (MODEL_UNAVAILABLE)';
  return fail('api-key', false, `ANTHROPIC_API_KEY is not set: ${now}`, 'export ANTHROPIC_API_KEY and restart, or run `agentry start --offline` for the offline model');
}

export async function hooksCheck(ctx: CommandContext): Promise<Check> {
  const found: string[] = [];
  const problems: string[] = [];
  const tokenVars = new Set<string>();
  for (const scope of SCOPES) {
    try {
      const settings = await readSettings(scopePath(ctx, scope));
      const n = ourHandlers(settings).length;
      if (n > 0) found.push(`${scope} (${n} handlers)`);
      for (const name of httpTokenVars(settings)) tokenVars.add(name);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length > 0) return fail('hooks', false, problems.join('; '), 'fix the settings file by hand');
  if (found.length === 0) return fail('hooks', false, 'no agentry hooks in Claude Code settings', 'run `agentry hooks install`');
  // Without the token an http hook gets 401, which Claude Code treats as a non-blocking error.
  const unset = [...tokenVars].filter((name) => (ctx.env[name] ?? '') === '');
  if (unset.length > 0) {
    const vars = unset.map((n) => `$${n}`).join(', ');
    return fail('hooks', false, `hooks installed: ${found.join(', ')}; but the http hooks send ${vars}, which is not set here, so they would get 401 and record nothing`, `export ${unset[0] ?? 'AGENTRY_TOKEN'}="$(cat ${ctx.paths.tokenFile})" where Claude Code runs`);
  }
  return pass('hooks', false, `hooks installed: ${found.join(', ')}`);
}

/** The variables our http hooks take their bearer token from (their allowedEnvVars). */
function httpTokenVars(settings: unknown): string[] {
  const hooks = typeof settings === 'object' && settings !== null ? (settings as Record<string, unknown>)['hooks'] : undefined;
  if (typeof hooks !== 'object' || hooks === null) return [];
  const names: string[] = [];
  for (const groups of Object.values(hooks)) {
    if (!Array.isArray(groups)) continue;
    for (const group of groups as unknown[]) {
      const handlers = typeof group === 'object' && group !== null ? (group as Record<string, unknown>)['hooks'] : undefined;
      if (!Array.isArray(handlers)) continue;
      for (const h of handlers as unknown[]) {
        if (!isAgentryHandler(h) || (h as Record<string, unknown>)['type'] !== 'http') continue;
        const allowed = (h as Record<string, unknown>)['allowedEnvVars'];
        if (Array.isArray(allowed)) for (const name of allowed) if (typeof name === 'string') names.push(name);
      }
    }
  }
  return names;
}

/** learning.json is derived: a damaged one never stops a start, but a person should know. */
export async function learningCheck(ctx: CommandContext): Promise<Check> {
  const path = join(ctx.paths.stateDir, 'learning.json');
  const adapter = new DurableJsonAdapter<LearningState>(path, { version: CURRENT_SCHEMA_VERSION, migrations: LEARNING_MIGRATIONS, validate: parseLearningState });
  let found = false;
  const problem = await adapter.read().then(
    (state) => {
      found = state !== null;
      return undefined;
    },
    (err: unknown) => (err as Error).message,
  );
  if (problem !== undefined) return fail('learning', false, `${path} fails its check: ${problem}`, 'the next start moves it aside and rebuilds it from its outcome records');
  const damaged = await damagedCopies(path);
  if (damaged.length > 0) {
    return fail('learning', false, `learning state was damaged and rebuilt; the damaged copy is kept: ${damaged.join(', ')}`, 'inspect it, then delete it');
  }
  return pass('learning', false, found ? `${path} is valid` : 'no learning state yet: it starts empty');
}
