// Where state lives: the embedded files (the default) or a Postgres shared by a cluster. The
// connection string carries a password, so it leaves this module only to open a connection;
// everything shown to a person goes through describeStore (host and database only).
import { SchemaValidationError } from '../core/errors.js';
import type { ResolvedConfig } from './load.js';

export type StoreSettings = { kind: 'embedded' } | { kind: 'postgres'; url: string };

/** `store` of a resolved config, its URL from `AGENTRY_DATABASE_URL` when the file has none. */
export function storeSettings(config: Pick<ResolvedConfig, 'store'>, env: NodeJS.ProcessEnv = process.env, source = 'agentry.config.json'): StoreSettings {
  if (config.store.kind === 'embedded') return { kind: 'embedded' };
  const url = config.store.url ?? env['AGENTRY_DATABASE_URL'];
  if (url === undefined || url === '') {
    throw new SchemaValidationError('INVALID_CONFIG', source, [
      { path: 'store.url', expected: 'a Postgres connection string (or AGENTRY_DATABASE_URL) when store.kind is "postgres"', got: 'nothing' },
    ]);
  }
  return { kind: 'postgres', url };
}

/** What status and doctor may show: `postgres 127.0.0.1:5432/agentry`, never the user or password. */
export function describeStore(settings: StoreSettings): string {
  if (settings.kind === 'embedded') return 'embedded';
  try {
    const u = new URL(settings.url);
    const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default database)';
    return `postgres ${u.host || 'localhost'}/${db}`;
  } catch {
    return 'postgres (unparsable URL)';
  }
}
