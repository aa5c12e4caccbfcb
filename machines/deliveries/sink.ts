// What every sink shares: its context, its result, and the shutdown rule (a delivery cut off by a
// shutdown is no outcome: it stays an intent and is sent again, with the same key, after the restart).
import type { Clock } from '../../core/clock.js';
import { PolicyError } from '../../core/errors.js';
import type { DeliverySink } from '../../schemas/generated/types.js';
import type { Deliverable } from './content.js';

export interface SinkContext {
  clock: Clock;
  /** Relative file sink folders are under it. */
  projectDir: string;
  /** Where webhook secrets are read (process.env in production). */
  env: Record<string, string | undefined>;
  /** Aborts when the supervisor stops. */
  signal: AbortSignal;
}

export interface SinkResult {
  status: 'delivered' | 'failed';
  attempts: number;
  /** The file written, the URL posted to, the program run. */
  target: string;
  error?: string;
}

export type Send<S extends DeliverySink = DeliverySink> = (sink: S, d: Deliverable, key: string, ctx: SinkContext) => Promise<SinkResult>;

export function draining(): PolicyError {
  return new PolicyError('DRAINING', 'the supervisor is stopping: the delivery is sent again after the restart');
}

export function failed(target: string, attempts: number, error: string): SinkResult {
  return { status: 'failed', attempts, target, error };
}
