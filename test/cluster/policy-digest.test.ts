import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../config/load.js';
import { differences, policyDigest } from '../../machines/cluster/policy-digest.js';

describe('the policy digest a cluster supervisor publishes', () => {
  const base = { version: 1, mode: 'semi', risk: { dailySpendLimitUsd: 20, perTaskCapUsd: 2 } } as const;

  it('is the same for one policy written in another order, and ignores what is each machine’s own', () => {
    const a = policyDigest(resolveConfig({ ...base, logging: { level: 'warn' } }));
    const b = policyDigest(resolveConfig({ version: 1, risk: { perTaskCapUsd: 2, dailySpendLimitUsd: 20 }, mode: 'semi', logging: { level: 'debug' } }));
    expect(differences(a, b)).toEqual([]);
  });

  it('names each section that differs, and carries the mode', () => {
    const a = policyDigest(resolveConfig(base));
    const b = policyDigest(resolveConfig({ ...base, mode: 'full', risk: { dailySpendLimitUsd: 50, perTaskCapUsd: 2 } }));
    expect(b.mode).toBe('full');
    expect(differences(a, b)).toEqual(['mode', 'risk']);
  });

  it('holds no config value, only digests', () => {
    const d = policyDigest(resolveConfig(base));
    expect(Object.values(d.sections).every((v) => /^[0-9a-f]{16}$/.test(v))).toBe(true);
  });

  it('counts a peer that published nothing (an older row) as different everywhere', () => {
    const a = policyDigest(resolveConfig(base));
    expect(differences(a, {})).toHaveLength(Object.keys(a.sections).length);
  });
});
