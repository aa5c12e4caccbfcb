import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CURRENT_SCHEMA_VERSION,
  LEARNING_MIGRATIONS,
  LearningStore,
  SUPPORTED_SCHEMA_VERSIONS,
  confidenceThreshold,
  learnReport,
  learningV1ToV2,
  parseLearningState,
} from '../../../memory/learning/index.js';
import type { Evidence, LearnEntry } from '../../../memory/learning/index.js';
import { spreadHistogram } from '../../../memory/learning/migrate.js';
import { check } from '../../../schemas/registry.js';
import { config } from './helpers.js';

/** Fixtures are read-only evidence (test/fixtures/memory/learning/README.md). */
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../fixtures/memory/learning/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

interface V1Tuned {
  /** learnReport of v1.json under the version 1 code, without the rule text. */
  report: Omit<LearnEntry, 'rule'>[];
  /** Per agent/workflow: the evidence at each 0.05 step under the version 1 code. */
  grid: Record<string, { threshold: number; evidence: Evidence }[]>;
}

const v1Tuned = fixture('v1-tuned.json') as unknown as V1Tuned;
const c = config();
const OLD_GRID = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];
const sumFrom = (hist: readonly number[], from: number): number => hist.slice(from).reduce((a, b) => a + b, 0);

/** The evidence at `threshold` exactly: the rule reports it for the configured threshold when pinned. */
function evidenceAt(state: Parameters<typeof confidenceThreshold>[0], pair: string, threshold: number): Evidence {
  const [agent = '', workflow = ''] = pair.split('/');
  const pinned = config({ risk: { confidenceThreshold: threshold }, learning: { pin: { confidenceThreshold: true } } });
  return confidenceThreshold(state, pinned, agent, workflow).evidence;
}

const notThreshold = (t: Omit<LearnEntry, 'rule'>): boolean => !t.key.startsWith('confidenceThreshold:');

/** The version 1 rule: the lowest 0.05 step with >= minEvidence outcomes at or above it and a wrong rate <= target. */
const oldGridPick = (grid: readonly { threshold: number; evidence: Evidence }[]): number | undefined =>
  grid.find(({ evidence: e }) => e.n >= 20 && (e['wrongRate'] ?? 1) <= 0.02)?.threshold;

describe('learning state migrations', () => {
  it('has a migration for every supported version below the current one', () => {
    expect(CURRENT_SCHEMA_VERSION).toBe(2);
    expect(SUPPORTED_SCHEMA_VERSIONS).toEqual([1, 2]);
    expect(SUPPORTED_SCHEMA_VERSIONS.filter((v) => v < CURRENT_SCHEMA_VERSION).map((v) => LEARNING_MIGRATIONS[v])).toEqual([learningV1ToV2]);
  });

  it('spreads each 0.05 bucket into the 0.01 bucket at its upper edge', () => {
    const old = Array.from({ length: 20 }, (_, i) => i + 1);
    const spread = spreadHistogram(old) as number[];
    expect(spread).toHaveLength(100);
    expect(spread.flatMap((count, i) => (count === 0 ? [] : [[i, count]]))).toEqual(old.map((count, i) => [5 * i + 4, count]));
  });

  it('loses no count, and the sum from every 0.05 step is unchanged (between steps it still includes the old bucket below)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1000 }), { minLength: 20, maxLength: 20 }), (old) => {
        const spread = spreadHistogram(old) as number[];
        expect(sumFrom(spread, 0)).toBe(sumFrom(old, 0));
        expect(OLD_GRID.map((_, k) => sumFrom(spread, 50 + 5 * k))).toEqual(OLD_GRID.map((_, k) => sumFrom(old, 10 + k)));
        expect([51, 52, 53, 54].map((b) => sumFrom(spread, b))).toEqual([10, 10, 10, 10].map((k) => sumFrom(old, k)));
      }),
      { numRuns: 200 },
    );
  });

  it('migrates v1.json to exactly v2.json, without touching its input', () => {
    const v1 = fixture('v1.json');
    const before = structuredClone(v1);
    expect(check('learning-state', v1)).not.toEqual([]);
    expect(learningV1ToV2(v1)).toEqual(fixture('v2.json'));
    expect(parseLearningState(v1)).toEqual(fixture('v2.json'));
    expect(LearningStore.fromJSON(v1, { window: 1000 }).toJSON()).toEqual(fixture('v2.json'));
    expect(v1).toEqual(before);
  });

  it('loads v2.json as is', () => {
    const v2 = fixture('v2.json');
    expect(check('learning-state', v2)).toEqual([]);
    expect(parseLearningState(v2)).toEqual(v2);
    expect(LearningStore.fromJSON(v2, { window: 1000 }).toJSON()).toEqual(v2);
  });

  it('refuses future.json with STORE_VERSION and a message that says to upgrade', () => {
    expect(() => parseLearningState(fixture('future.json'))).toThrowError(
      expect.objectContaining({
        code: 'STORE_VERSION',
        message: 'learning state has schemaVersion 99 (newer than this agentry understands; upgrade agentry); supported: 1, 2',
      }) as Error,
    );
  });

  it('leaves a damaged v1 histogram for the v2 schema to refuse (STORE_CORRUPT)', () => {
    const v1 = fixture('v1.json');
    const [first, ...rest] = v1['aggregates'] as Record<string, unknown>[];
    const damaged = { ...v1, aggregates: [{ ...first, histBad: [0, 1, 2] }, ...rest] };
    expect(() => parseLearningState(damaged)).toThrowError(expect.objectContaining({ code: 'STORE_CORRUPT' }) as Error);
  });

  it('keeps every tuned value but the confidence thresholds exactly as the version 1 code computed them', () => {
    const after = learnReport(parseLearningState(fixture('v1.json')), c).map(({ rule: _rule, ...t }) => t);
    expect(after.filter(notThreshold)).toEqual(v1Tuned.report.filter(notThreshold));
    expect(after.map((t) => t.key)).toEqual(v1Tuned.report.map((t) => t.key));
    expect(after.filter(notThreshold).map((t) => t.key)).toEqual([
      'reviewTier:blog',
      'reviewTier:email',
      'reviewTier:tweet',
      'model:marketing',
      'model:sales',
      'healerRemedy:agent_failure',
      'healerRemedy:invalid_output',
      'healerRemedy:timeout',
      'severityThreshold',
      'nextSubagent:Explore',
      'nextSubagent:Plan',
      'nextSubagent:general-purpose',
    ]);
  });

  it('gives the same evidence at every 0.05 step, so the threshold on the old grid is the same', () => {
    const state = parseLearningState(fixture('v1.json'));
    const pairs = Object.keys(v1Tuned.grid);
    const afterGrid = pairs.map((pair) => OLD_GRID.map((threshold) => ({ threshold, evidence: evidenceAt(state, pair, threshold) })));
    expect(afterGrid).toEqual(pairs.map((pair) => v1Tuned.grid[pair]));
    const oldTuned = pairs.map((pair) => v1Tuned.report.find((t) => t.key === `confidenceThreshold:${pair}`)?.value);
    expect(oldTuned).toEqual([0.5, 0.85, 0.85]);
    expect(afterGrid.map(oldGridPick)).toEqual(oldTuned);
  });

  it("never loosens a threshold on upgrade: an old bucket's evidence counts for every 0.01 step inside it", () => {
    // marketing/content and sales/lead were 0.85 because 0.80 was unsafe; their migrated
    // [0.80, 0.85) counts sit at 0.84, so 0.81 to 0.84 see the same unsafe evidence as 0.80 did.
    const state = parseLearningState(fixture('v1.json'));
    const values = Object.keys(v1Tuned.grid).map((pair) => {
      const [agent = '', workflow = ''] = pair.split('/');
      return confidenceThreshold(state, c, agent, workflow).value;
    });
    expect(values).toEqual([0.5, 0.85, 0.85]);
  });
});
