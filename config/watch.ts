// Watches agentry.config.json (DESIGN §4, mode switch via config): a valid change is handed to
// `onValid` with the paths that changed (none when a valid file only follows a refused one: the
// fix), an invalid file to `onInvalid` with its issues, and nothing half-valid is ever applied.
// fs.watch is on the file's folder, because editors and `agentry mode` replace the file by
// rename, which a watch on the file itself would lose.
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { AgentryError, SchemaValidationError, formatIssue } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { parseConfig } from './load.js';
import { needsRestart } from './restart.js';
import type { ResolvedConfig } from './load.js';

export interface WatchConfigOptions {
  onValid(config: ResolvedConfig, changedPaths: string[]): void;
  onInvalid(issues: string[], file: string): void;
  logger?: Logger;
  /** The config in force, to diff against; without it the file's content at start is the base. */
  current?: () => ResolvedConfig;
  /** Quiet time after the last file notification before reading (editors write in bursts). */
  debounceMs?: number;
}

export interface ConfigWatcher {
  /** Reads the file now and applies or refuses it; also what a file notification ends in. */
  reload(): Promise<void>;
  close(): void;
}

type Outcome = { kind: 'valid'; config: ResolvedConfig } | { kind: 'invalid'; issues: string[] } | { kind: 'missing' };

export function watchConfig(path: string, opts: WatchConfigOptions): ConfigWatcher {
  const debounceMs = opts.debounceMs ?? 100;
  const name = basename(path);
  let base: ResolvedConfig | undefined;
  let closed = false;
  /** The last read was refused: the next valid file is a fix, even when it changes nothing. */
  let refused = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Reloads run one after another, so two quick writes are applied in order.
  let chain: Promise<void> = opts.current ? Promise.resolve() : prime();

  async function prime(): Promise<void> {
    const first = await read(path);
    if (first.kind === 'valid') base = first.config;
  }

  async function reloadNow(): Promise<void> {
    if (closed) return;
    const next = await read(path);
    if (closed) return;
    if (next.kind === 'missing') {
      opts.logger?.warn({ path }, 'config file is missing; the previous config stays');
      return;
    }
    if (next.kind === 'invalid') {
      opts.logger?.warn({ path, issues: next.issues }, 'config change refused; the previous config stays');
      refused = true;
      opts.onInvalid(next.issues, path);
      return;
    }
    const previous = opts.current?.() ?? base;
    // `$schema` only points editors at the schema: not a setting, not a change.
    const paths = previous === undefined ? ['*'] : changedPaths(previous, next.config).filter((p) => p !== '$schema');
    if (paths.length === 0 && !refused) return;
    refused = false;
    base = next.config;
    logApplied(path, paths);
    opts.onValid(next.config, paths);
  }

  function logApplied(file: string, paths: string[]): void {
    const restart = needsRestart(paths);
    if (paths.length === 0) opts.logger?.info({ path: file }, 'config file valid again; the config in force is unchanged');
    else if (restart.length === 0) opts.logger?.info({ path: file, paths }, 'config change applied');
    else opts.logger?.warn({ path: file, paths, restart }, `config change recorded; ${restart.join(', ')} take${restart.length === 1 ? 's' : ''} effect at the next start (agentry stop, then start)`);
  }

  function reload(): Promise<void> {
    const run = chain.then(reloadNow);
    chain = run.catch((err: unknown) => opts.logger?.error({ err, path }, 'config reload failed'));
    return run;
  }

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), (_event, filename) => {
      if (closed || (filename !== null && filename !== name)) return;
      clearTimeout(timer);
      timer = setTimeout(() => void reload().catch(() => undefined), debounceMs);
    });
    watcher.on('error', (err) => opts.logger?.error({ err, path }, 'config watch failed; reload by hand'));
  } catch (err) {
    opts.logger?.error({ err, path }, 'config watch could not start; reload by hand');
  }

  return {
    reload,
    close() {
      closed = true;
      clearTimeout(timer);
      watcher?.close();
    },
  };
}

async function read(path: string): Promise<Outcome> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'invalid', issues: [`${path}: cannot be read (${(err as Error).message})`] };
  }
  try {
    return { kind: 'valid', config: parseConfig(text, path) };
  } catch (err) {
    return { kind: 'invalid', issues: issuesOf(err) };
  }
}

function issuesOf(err: unknown): string[] {
  if (err instanceof SchemaValidationError) return err.issues.map(formatIssue);
  if (err instanceof AgentryError) return [err.message];
  return [String(err)];
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Dotted paths of every leaf that differs (arrays compare whole), e.g. `mode`, `risk.confidenceThreshold`. */
export function changedPaths(before: unknown, after: unknown, prefix = ''): string[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => changedPaths(before[k], after[k], prefix === '' ? k : `${prefix}.${k}`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix === '' ? '*' : prefix];
}
