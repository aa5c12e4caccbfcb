// agentry db init | migrate | status: the Postgres schema of a cluster (store.kind "postgres").
// The database comes from store.url or AGENTRY_DATABASE_URL (config/store.ts); it is shown only
// as describeStore shows it (host and database), never with its user or password.
import { loadConfig } from '../../config/load.js';
import { describeStore, storeSettings } from '../../config/store.js';
import { migrate, openPgStore, schemaStatus } from '../../memory/postgres/index.js';
import type { PgStore } from '../../memory/postgres/index.js';
import { ExitError } from '../exit-error.js';
import { note, output } from './context.js';
import type { CommandContext } from './context.js';

/** Creates the schema in an empty database, or brings it to this build's version. Idempotent. */
export async function dbInit(ctx: CommandContext): Promise<void> {
  await withStore(ctx, async (store) => {
    const r = await migrate(store);
    output(ctx, { store: store.where, ...r }, () =>
      r.applied.length === 0 ? [`${store.where}: already initialized at schema version ${r.to}; nothing to do`] : [`${store.where}: initialized, schema version ${r.to} (${appliedText(r.applied)})`],
    );
  });
}

/** Applies the pending migrations of an initialized database. */
export async function dbMigrate(ctx: CommandContext): Promise<void> {
  await withStore(ctx, async (store) => {
    const before = await schemaStatus(store);
    if (before.version === 0) throw new ExitError(1, `${store.where} has no agentry schema`, { code: 'CONFLICT', hint: 'run `agentry db init` to create it' });
    const r = await migrate(store);
    output(ctx, { store: store.where, ...r }, () =>
      r.applied.length === 0 ? [`${store.where}: schema version ${r.to} is current; nothing to migrate`] : [`${store.where}: migrated from version ${r.from} to ${r.to} (${appliedText(r.applied)})`],
    );
  });
}

/** The schema version, what this build would apply, and where the database is. */
export async function dbStatus(ctx: CommandContext): Promise<void> {
  await withStore(ctx, async (store) => {
    const s = await schemaStatus(store);
    // one document with --json: a schema this build cannot read is the answer, as an error
    if (s.version > s.latest) {
      throw new ExitError(1, `${store.where}: the schema is at version ${s.version}, newer than this agentry knows (1..${s.latest})`, { code: 'STORE_VERSION', hint: 'upgrade agentry before using this database' });
    }
    const state = s.version === 0 ? 'empty' : s.pending.length > 0 ? 'behind' : 'current';
    output(ctx, { store: store.where, state, ...s }, () => [
      `store    ${store.where}`,
      `schema   ${s.version === 0 ? 'none (run `agentry db init`)' : `version ${s.version}`}; this agentry: ${s.latest}${state === 'current' ? ', up to date' : ''}`,
      `pending  ${s.pending.length === 0 ? 'none' : s.pending.map((m) => `${m.version} ${m.name}`).join(', ')}${state === 'behind' ? ' (run `agentry db migrate`)' : ''}`,
    ]);
  });
}

function appliedText(applied: readonly { version: number; name: string }[]): string {
  return `applied ${applied.map((m) => `${m.version} ${m.name}`).join(', ')}`;
}

async function withStore(ctx: CommandContext, fn: (store: PgStore) => Promise<void>): Promise<void> {
  const url = await databaseUrl(ctx);
  const store = await openPgStore(url, { applicationName: 'agentry db', max: 2 });
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

/** The cluster's URL. With store.kind still "embedded", a URL that is set is used (prepare the database first, then switch). */
async function databaseUrl(ctx: CommandContext): Promise<string> {
  const file = ctx.paths.configFile;
  const config = await loadConfig(file);
  const settings = storeSettings(config, ctx.env, file);
  if (settings.kind === 'postgres') return settings.url;
  const url = config.store.url ?? ctx.env['AGENTRY_DATABASE_URL'];
  if (url === undefined || url === '') {
    throw new ExitError(2, 'no database: store.kind is "embedded" and neither store.url nor AGENTRY_DATABASE_URL is set', {
      code: 'INVALID_CONFIG',
      hint: `set AGENTRY_DATABASE_URL (or store.url in ${file}) to a Postgres connection string`,
    });
  }
  note(ctx, `note: store.kind is "embedded": the supervisor uses ${describeStore({ kind: 'postgres', url })} only once store.kind is "postgres"`);
  return url;
}
