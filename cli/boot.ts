// Boots a whole supervisor in this process: lock, config, model, learning store, supervisor,
// hook spool, API server, config watcher. `agentry start`, the demo and end-to-end tests use it.
import { createAnthropicModel } from '../agents/client/index.js';
import type { PriceTable, StructuredModel } from '../agents/client/types.js';
import { createOfflineModel } from '../agents/offline/index.js';
import type { Clock } from '../core/clock.js';
import { createRootLogger } from '../core/logger.js';
import type { Logger } from '../core/logger.js';
import type { AgentryPaths } from '../core/paths.js';
import { ensureStateDir, writeFileDurable } from '../memory/durable-file.js';
import { acquireLock } from '../memory/lock.js';
import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/load.js';
import { watchConfig } from '../config/watch.js';
import type { ConfigWatcher } from '../config/watch.js';
import { LearningService } from '../machines/supervisor/learning.js';
import { Supervisor } from '../machines/supervisor/supervisor.js';
import { ClusterSupervisor } from '../machines/cluster/cluster-supervisor.js';
import type { SupervisorApi } from '../machines/contract.js';
import type { HookSupervisor } from '../machines/intake/handler.js';
import { storeSettings } from '../config/store.js';
import { readFileSync } from 'node:fs';
import { SystemError } from '../core/errors.js';
import { createHookHandler } from '../machines/intake/handler.js';
import { ingestSpool } from '../machines/intake/spool-ingest.js';
import { type SpoolWatch, watchSpool } from '../machines/intake/spool-watch.js';
import { ensureTokenFile, startApiServer } from '../server/index.js';
import type { ApiServer } from '../server/index.js';
import { rm } from 'node:fs/promises';

export interface BootOptions {
  paths: AgentryPaths;
  env: Record<string, string | undefined>;
  offline: boolean;
  clock?: Clock;
  logger?: Logger;
  /** Replaces the model entirely (tests, benchmarks). */
  model?: StructuredModel;
  /** Offline model latency, to make the demo watchable. */
  offlineLatencyMs?: number;
}

/** What boot starts, embedded or on a cluster: the API, and what the daemon and hooks use of it. */
type BootedSupervisor = SupervisorApi &
  HookSupervisor & {
    applyConfig(next: ResolvedConfig, paths: string[]): void;
    rejectConfig(issues: string[], file?: string): void;
    endPermissions(reason: string): void;
    stop(reason?: string): Promise<void>;
  };

export interface Booted {
  supervisor: BootedSupervisor;
  server: ApiServer;
  logger: Logger;
  config: ResolvedConfig;
  modelNote: string;
  reloadConfig(): Promise<void>;
  /** Drains and releases everything; safe to call twice. */
  close(reason: string): Promise<void>;
}

/** The version every supervisor of a cluster must share: DBOS resumes only workflows of its own. */
function applicationVersion(): string {
  // dist/cli/boot.js is two folders below the package, cli/boot.ts (tests) one.
  for (const up of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'agentry' && pkg.version) return `agentry@${pkg.version}`;
    } catch {
      // not this one
    }
  }
  throw new SystemError('INTERNAL', "agentry's package.json was not found beside its code");
}

/** Said once at start when there is no key: what is refused, and the two ways out. */
export const NO_KEY_LINE =
  'no ANTHROPIC_API_KEY: model work is refused (MODEL_UNAVAILABLE) until you set it and restart; `agentry start --offline` runs the offline model instead';

export function hasApiKey(env: Record<string, string | undefined>): boolean {
  return Boolean(env['ANTHROPIC_API_KEY'] ?? env['ANTHROPIC_AUTH_TOKEN']);
}

function chooseModel(opts: BootOptions, config: ResolvedConfig, logger: Logger): { model: StructuredModel; note: string } {
  if (opts.model) return { model: opts.model, note: opts.model.offline ? 'offline model' : 'injected model' };
  if (opts.offline) {
    const offline = { latencyMs: opts.offlineLatencyMs ?? config.models.offline.latencyMs, prices: priceTable(config.prices), simulateCost: config.models.offline.simulateCost };
    return { model: createOfflineModel(offline), note: 'OFFLINE model (deterministic stand-in; set ANTHROPIC_API_KEY and drop --offline to use Claude)' };
  }
  const model = createAnthropicModel({
    prices: priceTable(config.prices),
    maxRetries: config.models.maxRetries,
    structuredMode: definedOnly(config.models.structuredOutput),
    repairAttempts: config.models.repairAttempts,
    logger,
  });
  if (hasApiKey(opts.env)) return { model, note: `Claude via ${opts.env['ANTHROPIC_BASE_URL'] ?? 'the Anthropic API'}` };
  // No key: the supervisor still starts (hooks, status, approvals work), but refuses model work
  // at the door instead of accepting tasks that can only fail.
  const unavailable: StructuredModel = {
    offline: false,
    unavailable: NO_KEY_LINE,
    call: (req) => model.call(req),
    worstCaseCost: (req) => model.worstCaseCost(req),
  };
  return { model: unavailable, note: 'model: none' };
}

/** Config prices may omit cache rates: the API's standard multipliers fill them (1.25× write, 0.1× read). */
function priceTable(prices: ResolvedConfig['prices']): PriceTable {
  const table: PriceTable = {};
  for (const [model, p] of Object.entries(prices)) {
    if (p) table[model] = { input: p.input, output: p.output, cacheWrite: p.cacheWrite ?? p.input * 1.25, cacheRead: p.cacheRead ?? p.input * 0.1 };
  }
  return table;
}

function definedOnly<T>(record: Record<string, T | undefined>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter((e): e is [string, T] => e[1] !== undefined));
}

export async function boot(opts: BootOptions): Promise<Booted> {
  const { paths } = opts;
  await ensureStateDir(paths.stateDir);
  const lock = await acquireLock(paths.stateDir);
  let supervisor: BootedSupervisor | undefined;
  let server: ApiServer | undefined;
  let watcher: ConfigWatcher | undefined;
  try {
    const config = await loadConfig(paths.configFile);
    const logger = opts.logger ?? createRootLogger({ dir: paths.stateDir, level: config.logging.level, pretty: process.stderr.isTTY });
    const { model, note } = chooseModel(opts, config, logger);
    const box = { current: config };
    const learning = await LearningService.open(paths.stateDir, () => box.current, { logger, ...(opts.clock ? { now: () => opts.clock?.now() ?? Date.now() } : {}) });
    const hookHandler = createHookHandler({ nextSubagent: (t) => learning.nextSubagent(t), learning });
    let spoolWatch: SpoolWatch | undefined;
    // After each live call: a spool written while this supervisor was too slow is ingested now.
    const onHook = async (event: string, payload: unknown, sup: HookSupervisor, meta?: { id?: string }) => {
      const answer = await hookHandler(event, payload, sup, meta);
      spoolWatch?.kick();
      return answer;
    };
    const store = storeSettings(config, opts.env, paths.configFile);
    const started: BootedSupervisor =
      store.kind === 'postgres'
        ? await ClusterSupervisor.start({ url: store.url, config, model, logger, projectDir: paths.projectDir, env: opts.env, hookHandler: onHook, applicationVersion: applicationVersion(), ...(opts.clock ? { clock: opts.clock } : {}) })
        : await Supervisor.start({
            stateDir: paths.stateDir,
            config,
            model,
            logger,
            learning,
            hookHandler: onHook,
            projectDir: paths.projectDir,
            env: opts.env,
            ...(opts.clock ? { clock: opts.clock } : {}),
          });
    supervisor = started;
    Object.defineProperty(box, 'current', { get: () => started.config });
    // Watched before anyone can connect, then read once more: an edit made since the file was
    // first read (during the start) is applied now, not missed until the next one.
    const configWatch = watchConfig(paths.configFile, {
      onValid: (next, changed) => started.applyConfig(next, changed),
      onInvalid: (issues, file) => {
        logger.error({ issues, file }, `${file} refused; the previous config stays (agentry status shows why)`);
        started.rejectConfig(issues, file);
      },
      logger,
      current: () => started.config,
    });
    watcher = configWatch;
    await configWatch.reload();
    const tcp = config.server.tcp.enabled
      ? { host: config.server.tcp.host, port: config.server.tcp.port, tokenFile: (ensureTokenFile(paths.tokenFile), paths.tokenFile), allowedHosts: config.server.tcp.allowedHosts }
      : undefined;
    const githubSecret = opts.env['AGENTRY_GITHUB_SECRET'];
    const listening = await startApiServer(started, {
      stateDir: paths.stateDir,
      maxBodyBytes: config.server.maxBodyBytes,
      deliveryStore: { seen: (id) => started.hasSeen(`github:${id}`), remember: (id) => started.remember(`github:${id}`) },
      logger,
      configFile: paths.configFile,
      ...(config.console.enabled && { console: { port: config.console.port } }),
      ...(tcp ? { tcp } : {}),
      ...(githubSecret ? { githubSecret } : {}),
    });
    server = listening;
    // After the socket listens: hooks from here on go live, the spool holds only older ones.
    const spool = await ingestSpool(paths.spoolFile, started, hookHandler);
    if (spool.lines > 0) logger.info(spool, 'hook spool ingested');
    spoolWatch = watchSpool(paths.spoolFile, started, hookHandler);
    const watchedSpool = spoolWatch;
    await writeFileDurable(paths.pidFile, `${process.pid}\n`);
    let closed: Promise<void> | undefined;
    return {
      supervisor: started,
      server: listening,
      logger,
      config,
      modelNote: note,
      reloadConfig: () => configWatch.reload(),
      close: (reason) =>
        (closed ??= (async () => {
          configWatch.close();
          // Waiting permission prompts hear "denied" while their connections are still open.
          started.endPermissions('the supervisor stopped');
          await listening.close();
          await watchedSpool.close();
          await started.stop(reason);
          await rm(paths.pidFile, { force: true });
          await lock.release();
        })()),
    };
  } catch (err) {
    // A failed start leaves nothing running: no socket, no watcher, no open journal, no lock.
    watcher?.close();
    await server?.close().catch(() => undefined);
    await supervisor?.stop('start failed').catch(() => undefined);
    await lock.release();
    throw err;
  }
}
