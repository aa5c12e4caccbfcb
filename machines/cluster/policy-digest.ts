// Which parts of two supervisors' configs decide a task differently. Any supervisor of a cluster
// may run any step of a task, so one whose mode, limits or workflows differ decides it its own
// way; each publishes a digest per policy section (never the values: a section may name a secret)
// with its mode, and the dashboard names the peers that differ and where.
import { createHash } from 'node:crypto';
import type { ResolvedConfig } from '../../config/load.js';
import type { Mode } from '../contract.js';

/** The config sections that decide how a task runs; the rest (store, server, logging, sinks) is each machine's own. */
const POLICY_SECTIONS = ['mode', 'risk', 'approvals', 'reviews', 'sla', 'healing', 'limits', 'agents', 'models', 'workflows', 'learning'] as const;

export interface PolicyDigest {
  mode: Mode;
  sections: Record<string, string>;
}

/** Object keys sorted, so one config written in another order digests the same. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
}

export function policyDigest(config: ResolvedConfig): PolicyDigest {
  const sections = Object.fromEntries(POLICY_SECTIONS.map((k) => [k, createHash('sha256').update(JSON.stringify(canonical(config[k]) ?? null)).digest('hex').slice(0, 16)]));
  return { mode: config.mode, sections };
}

/** The policy sections where `peer` differs from `own` (a section either lacks counts as different). */
export function differences(own: PolicyDigest, peer: Partial<PolicyDigest>): string[] {
  return POLICY_SECTIONS.filter((k) => own.sections[k] !== peer.sections?.[k]);
}
