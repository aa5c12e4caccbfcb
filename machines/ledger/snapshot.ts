// The ledger as plain JSON, for its caller to persist. Reads are checked: a snapshot is a store
// read, and a corrupt one must be refused rather than turned into a fresh budget.
import { StoreError } from '../../core/errors.js';
import type { AgentName, LedgerState, Reservation, Tally } from './state.js';
import { THRESHOLDS } from './thresholds.js';
import type { ThresholdPercent } from './thresholds.js';

export const LEDGER_SNAPSHOT_VERSION = 1;

export interface LedgerSnapshot {
  version: typeof LEDGER_SNAPSHOT_VERSION;
  day: string;
  spentMicros: number;
  reservations: { id: string; taskId: string; agent: AgentName; estimateMicros: number }[];
  taskSpentMicros: Record<string, number>;
  reruns: Tally;
  overruns: Tally;
  thresholdsHit: ThresholdPercent[];
  closed: string[];
}

export function toSnapshot(state: LedgerState): LedgerSnapshot {
  return {
    version: LEDGER_SNAPSHOT_VERSION,
    day: state.day,
    spentMicros: state.spentMicros,
    reservations: [...state.reservations].map(([id, r]) => ({ id, ...r })),
    // fromEntries defines own properties, so a "__proto__" task id stays data.
    taskSpentMicros: Object.fromEntries(state.taskSpentMicros),
    reruns: { ...state.reruns },
    overruns: { ...state.overruns },
    thresholdsHit: [...state.thresholdsHit].sort((a, b) => a - b),
    closed: [...state.closed],
  };
}

type Json = Record<string, unknown>;

function corrupt(path: string, expected: string, got: unknown): never {
  throw new StoreError('STORE_CORRUPT', `ledger snapshot: ${path}: expected ${expected}, got ${JSON.stringify(got)}`, {
    details: { path, expected },
  });
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function micros(value: unknown, path: string): number {
  return Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : corrupt(path, 'an integer >= 0', value);
}

function text(value: unknown, path: string): string {
  return typeof value === 'string' && value.length > 0 ? value : corrupt(path, 'a non-empty string', value);
}

function list(value: unknown, path: string): unknown[] {
  return Array.isArray(value) ? value : corrupt(path, 'an array', value);
}

function object(value: unknown, path: string): Json {
  return isObject(value) ? value : corrupt(path, 'an object', value);
}

function tally(value: unknown, path: string): Tally {
  const o = object(value, path);
  return { count: micros(o['count'], `${path}.count`), micros: micros(o['micros'], `${path}.micros`) };
}

function reservation(value: unknown, i: number): [string, Reservation] {
  const o = object(value, `reservations[${i}]`);
  const entry = {
    taskId: text(o['taskId'], `reservations[${i}].taskId`),
    agent: text(o['agent'], `reservations[${i}].agent`) as AgentName,
    estimateMicros: micros(o['estimateMicros'], `reservations[${i}].estimateMicros`),
  };
  return [text(o['id'], `reservations[${i}].id`), entry];
}

function threshold(value: unknown, i: number): ThresholdPercent {
  const hit = THRESHOLDS.find((p) => p === value);
  return hit ?? corrupt(`thresholdsHit[${i}]`, '50, 80 or 100', value);
}

/** Checks and rebuilds the state; throws StoreError (STORE_VERSION or STORE_CORRUPT). */
export function fromSnapshot(value: unknown): LedgerState {
  const o = object(value, '(root)');
  if (o['version'] !== LEDGER_SNAPSHOT_VERSION) {
    throw new StoreError('STORE_VERSION', `ledger snapshot: version ${JSON.stringify(o['version'])} is not supported`, {
      details: { supported: [String(LEDGER_SNAPSHOT_VERSION)] },
    });
  }
  const day = text(o['day'], 'day');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) corrupt('day', 'yyyy-mm-dd', day);
  const tasks = object(o['taskSpentMicros'], 'taskSpentMicros');
  return {
    day,
    spentMicros: micros(o['spentMicros'], 'spentMicros'),
    reservations: new Map(list(o['reservations'], 'reservations').map(reservation)),
    taskSpentMicros: new Map(Object.entries(tasks).map(([k, v]) => [k, micros(v, `taskSpentMicros.${k}`)])),
    reruns: tally(o['reruns'], 'reruns'),
    overruns: tally(o['overruns'], 'overruns'),
    thresholdsHit: new Set(list(o['thresholdsHit'], 'thresholdsHit').map(threshold)),
    closed: new Set(list(o['closed'], 'closed').map((id, i) => text(id, `closed[${i}]`))),
  };
}
