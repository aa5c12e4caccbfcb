// A lowdb Adapter on writeFileDurable, with a versioned, migrating read (STYLE practice 9).
// Built with `new Low(adapter, defaults)`: JSONFilePreset silently swaps to memory when NODE_ENV=test.
import { readFile } from 'node:fs/promises';
import { Low } from 'lowdb';
import type { Adapter } from 'lowdb';
import { StoreError } from '../core/errors.js';
import { writeFileDurable } from './durable-file.js';
import { errnoOf, storeUnavailable } from './errno.js';

export interface Versioned {
  schemaVersion: number;
}

/** Upgrades data of version n to version n+1; the adapter stamps schemaVersion n+1 on the result. */
export type Migration = (old: Record<string, unknown>) => Record<string, unknown>;

export interface JsonStoreOptions<T> {
  /** The version this code writes and reads natively. */
  version: number;
  /** migrations[n] upgrades n -> n+1. A missing step makes an old file unreadable (STORE_VERSION). */
  migrations?: Readonly<Record<number, Migration>>;
  /** Validates the (migrated) data, e.g. an ajv validator; throws on failure. Without it the data is trusted. */
  validate?: (data: unknown) => T;
}

export class DurableJsonAdapter<T extends Versioned> implements Adapter<T> {
  readonly path: string;
  private readonly options: JsonStoreOptions<T>;
  private writing: Promise<void> = Promise.resolve();

  constructor(path: string, options: JsonStoreOptions<T>) {
    this.path = path;
    this.options = options;
  }

  /** null when the file does not exist (lowdb then keeps its defaults). */
  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return null;
      throw storeUnavailable(this.path, 'reading', err);
    }
    const migrated = this.migrate(parseVersioned(this.path, text));
    return this.options.validate ? this.options.validate(migrated) : (migrated as unknown as T);
  }

  /** Serialised: two overlapping writes must land in call order, or older data could win the rename. */
  write(data: T): Promise<void> {
    const text = `${JSON.stringify({ ...data, schemaVersion: this.options.version }, null, 2)}\n`;
    const run = this.writing.then(() => writeFileDurable(this.path, text));
    this.writing = run.catch(() => undefined);
    return run;
  }

  private migrate(data: Record<string, unknown> & Versioned): Record<string, unknown> {
    const { version, migrations = {} } = this.options;
    if (data.schemaVersion > version) {
      const what = `has schemaVersion ${data.schemaVersion}, newer than this agentry understands; upgrade agentry`;
      throw versionError(this.path, what, data.schemaVersion, version);
    }
    let current: Record<string, unknown> = data;
    for (let v = data.schemaVersion; v < version; v++) {
      const step = migrations[v];
      if (step === undefined) {
        const what = `has schemaVersion ${data.schemaVersion} and there is no migration from version ${v} to ${v + 1}`;
        throw versionError(this.path, what, data.schemaVersion, version);
      }
      current = { ...step(current), schemaVersion: v + 1 };
    }
    return current;
  }
}

function parseVersioned(path: string, text: string): Record<string, unknown> & Versioned {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new StoreError('STORE_CORRUPT', `${path} is not valid JSON (${reason}); restore it from a backup`, {
      details: { file: path },
      cause: err,
    });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new StoreError('STORE_CORRUPT', `${path} does not hold a JSON object; restore it from a backup`, { details: { file: path } });
  }
  const { schemaVersion } = data as Record<string, unknown>;
  if (typeof schemaVersion !== 'number' || !Number.isSafeInteger(schemaVersion) || schemaVersion < 0) {
    throw new StoreError('STORE_CORRUPT', `${path} has no valid schemaVersion; restore it from a backup`, { details: { file: path } });
  }
  return { ...(data as Record<string, unknown>), schemaVersion };
}

function versionError(path: string, what: string, found: number, supported: number): StoreError {
  return new StoreError('STORE_VERSION', `${path} ${what} (this agentry supports version ${supported})`, {
    details: { file: path, found, supported },
  });
}

/** Opens (and reads) a versioned JSON file as a lowdb database with durable writes. */
export async function openJsonStore<T extends Versioned>(path: string, defaults: T, options: JsonStoreOptions<T>): Promise<Low<T>> {
  const adapter = new DurableJsonAdapter<T>(path, options);
  const db = new Low<T>(adapter, defaults);
  await db.read();
  return db;
}
