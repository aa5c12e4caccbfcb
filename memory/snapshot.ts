// snapshot.json: the state as of journal seq `seq`. Replay skips journal lines with s <= seq,
// which is what makes compaction crash-safe between its steps.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from '../core/errors.js';
import { writeFileDurable } from './durable-file.js';
import { errnoOf, storeUnavailable } from './errno.js';

export const SNAPSHOT_FILE = 'snapshot.json';
const SNAPSHOT_VERSION = 1;

export interface Snapshot {
  seq: number;
  data: unknown;
}

export async function writeSnapshot(dir: string, snapshot: Snapshot): Promise<void> {
  const body = { schemaVersion: SNAPSHOT_VERSION, seq: snapshot.seq, data: snapshot.data };
  await writeFileDurable(join(dir, SNAPSHOT_FILE), `${JSON.stringify(body)}\n`);
}

export async function readSnapshot(dir: string): Promise<Snapshot | null> {
  const path = join(dir, SNAPSHOT_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return null;
    throw storeUnavailable(path, 'reading the snapshot', err);
  }
  return parseSnapshot(path, text);
}

function parseSnapshot(path: string, text: string): Snapshot {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    // Written by atomic rename, so this is not a torn write: the disk or a person changed it.
    throw new StoreError('STORE_CORRUPT', `${path} is not valid JSON; restore it from a backup`, {
      details: { file: path },
      cause: err,
    });
  }
  if (typeof body !== 'object' || body === null) throw corrupt(path, 'is not an object');
  const { schemaVersion, seq, data } = body as Record<string, unknown>;
  if (schemaVersion !== SNAPSHOT_VERSION) {
    throw new StoreError(
      'STORE_VERSION',
      `${path} has schemaVersion ${String(schemaVersion)}; this agentry reads only version ${SNAPSHOT_VERSION}`,
      { details: { file: path, found: String(schemaVersion), supported: SNAPSHOT_VERSION } },
    );
  }
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) throw corrupt(path, 'has no valid seq');
  return { seq, data };
}

function corrupt(path: string, what: string): StoreError {
  return new StoreError('STORE_CORRUPT', `${path} ${what}; restore it from a backup`, { details: { file: path } });
}
