// store settings: embedded by default; postgres needs a URL (from the file or the environment),
// and what is shown of it names the host and database only.
import { describe, expect, it } from 'vitest';
import { SchemaValidationError } from '../../core/errors.js';
import { resolveConfig } from '../../config/load.js';
import { describeStore, storeSettings } from '../../config/store.js';

describe('store settings', () => {
  it('defaults to the embedded store, whatever the environment says', () => {
    const config = resolveConfig({ version: 1 });
    expect(config.store.kind).toBe('embedded');
    expect(storeSettings(config, { AGENTRY_DATABASE_URL: 'postgres://x@h/db' })).toEqual({ kind: 'embedded' });
  });

  it('takes the URL from the file first, then from AGENTRY_DATABASE_URL', () => {
    const inFile = resolveConfig({ version: 1, store: { kind: 'postgres', url: 'postgres://a@h1/one' } });
    expect(storeSettings(inFile, { AGENTRY_DATABASE_URL: 'postgres://b@h2/two' })).toEqual({ kind: 'postgres', url: 'postgres://a@h1/one' });
    const fromEnv = resolveConfig({ version: 1, store: { kind: 'postgres' } });
    expect(storeSettings(fromEnv, { AGENTRY_DATABASE_URL: 'postgres://b@h2/two' })).toEqual({ kind: 'postgres', url: 'postgres://b@h2/two' });
  });

  it('refuses postgres without a URL, naming the path', () => {
    const config = resolveConfig({ version: 1, store: { kind: 'postgres' } });
    expect(() => storeSettings(config, {}, '/p/agentry.config.json')).toThrow(SchemaValidationError);
    expect(() => storeSettings(config, {}, '/p/agentry.config.json')).toThrow(/\/p\/agentry\.config\.json: store\.url: expected a Postgres connection string/);
  });

  it('refuses an unknown kind through the schema', () => {
    expect(() => resolveConfig({ version: 1, store: { kind: 'sqlite' } })).toThrow(/store\.kind/);
  });

  it('shows host and database, never the user or password', () => {
    const shown = describeStore({ kind: 'postgres', url: 'postgres://agentry:s3cret@db.internal:6432/prod?sslmode=require' });
    expect(shown).toBe('postgres db.internal:6432/prod');
    expect(shown).not.toMatch(/s3cret|agentry:/);
    expect(describeStore({ kind: 'embedded' })).toBe('embedded');
    expect(describeStore({ kind: 'postgres', url: 'not a url s3cret' })).not.toMatch(/s3cret/);
  });
});
