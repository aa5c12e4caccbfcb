import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redact, scanText } from '../../hooks/policy/secrets.js';
import { shannonEntropy } from '../../hooks/policy/entropy.js';
import { SECRET_RULES } from '../../hooks/policy/secret-rules.js';

const PLANTED = join(import.meta.dirname, '../fixtures/secrets/planted');
const expected = JSON.parse(readFileSync(join(PLANTED, 'expected.json'), 'utf8')) as Record<string, { rule: string; line: number }[]>;

// Built at run time so this source file holds no literal secret (it is part of the false-positive corpus).
const fake = {
  ghp: () => 'ghp_' + 'aB3dE6gH9k'.repeat(3) + 'mN1pQ2',
  aws: () => ['AKIA', 'QWERTY2345ZXCVBN'].join(''),
};

describe('planted secret corpus', () => {
  const files = readdirSync(PLANTED).filter((f) => f.endsWith('.txt')).sort();

  it('has an expectation list for every planted file, with at least 40 secrets across all rules', () => {
    expect(Object.keys(expected).sort()).toEqual(files);
    const all = Object.values(expected).flat();
    expect(all.length).toBeGreaterThanOrEqual(40);
    const rules = new Set(all.map((e) => e.rule));
    const missing = SECRET_RULES.map((r) => r.id).filter((rule) => !rules.has(rule));
    expect(missing).toEqual([]);
  });

  it.each(files)('%s: every planted secret is caught with its rule and line, and nothing else', (file) => {
    const findings = scanText(readFileSync(join(PLANTED, file), 'utf8'));
    expect(findings.map((f) => ({ rule: f.rule, line: f.line }))).toEqual(expected[file]);
  });

  it('reports the catch rate', () => {
    let planted = 0;
    let caught = 0;
    for (const file of files) {
      const want = expected[file] ?? [];
      const got = scanText(readFileSync(join(PLANTED, file), 'utf8'));
      planted += want.length;
      caught += want.filter((w) => got.some((g) => g.rule === w.rule && g.line === w.line)).length;
    }
    console.log(`secret scan catch rate: ${caught}/${planted} (${((100 * caught) / planted).toFixed(1)} %)`);
    expect(caught).toBe(planted);
  });

  it('never carries a whole secret in a finding', () => {
    for (const file of files) {
      const text = readFileSync(join(PLANTED, file), 'utf8');
      const lines = text.split('\n');
      for (const f of scanText(text)) {
        expect(f.redacted).toMatch(/^.{1,4}…$/u);
        // the secret's first 8 characters, read back from the file, are nowhere in the finding
        const head = (lines[f.line - 1] ?? '').slice(f.column - 1, f.column + 7);
        expect(head.length).toBe(8);
        expect(JSON.stringify(f)).not.toContain(head);
      }
    }
  });
});

describe('scanText', () => {
  it('gives 1-based line and column of the secret', () => {
    const text = `one\n  const t = "${fake.ghp()}";\n`;
    expect(scanText(text)).toEqual([
      { rule: 'github-pat', description: 'a GitHub personal access token', line: 2, column: 14, redacted: 'ghp_…' },
    ]);
  });

  it('honours agentry:allow and gitleaks:allow on the same line only', () => {
    const secret = fake.ghp();
    expect(scanText(`x = "${secret}" // agentry:allow`)).toEqual([]);
    expect(scanText(`x = "${secret}" # gitleaks:allow`)).toEqual([]);
    expect(scanText(`// agentry:allow\nx = "${secret}"`)).toHaveLength(1);
  });

  it('skips documented example values and configured allowlist patterns', () => {
    expect(scanText('AKIAIOSFODNN7EXAMPLE')).toEqual([]);
    expect(scanText(fake.aws())).toHaveLength(1);
    expect(scanText(fake.aws(), { allowlist: [/^AKIAQWERTY/] })).toEqual([]);
    expect(scanText(fake.aws(), { allowlist: [/^AKIAQWERTY/g] })).toEqual([]);
  });

  it.each([
    ['env placeholder', 'API_KEY=${API_KEY}'],
    ['process.env', 'const apiKey = process.env.ANTHROPIC_API_KEY_VALUE;'],
    ['angle placeholder', 'token: "<your-token-goes-here>"'],
    ['xxxx', 'password = "xxxxxxxxxxxxxxxxxxxx"'],
    ['changeme', 'password = "changeme-changeme-123"'],
    ['identifier', 'const tokenKind = TokenKinds.IdentifierName;'],
    ['low entropy', 'secret = "abababababababab12"'],
    ['short value', 'password = "Tr0ub4dor&3"'],
    ['template', 'secret: "{{ .Values.secretKey }}"'],
    ['function call', 'password = os.getenv("DB_PASSWORD_VALUE")'],
    ['file path', 'keyFile = "/etc/ssl/private/server-2024.key"'],
  ])('does not flag %s', (_name, text) => {
    expect(scanText(text)).toEqual([]);
  });

  it('reports one finding when a specific rule and the generic rule overlap', () => {
    expect(scanText(`GITHUB_TOKEN=${fake.ghp()}`).map((f) => f.rule)).toEqual(['github-pat']);
  });

  it('handles empty and huge inputs quickly', () => {
    expect(scanText('')).toEqual([]);
    const big = `${'const key = value;\n'.repeat(100_000)}${'-'.repeat(200_000)}${'_'.repeat(200_000)}`;
    const started = performance.now();
    expect(scanText(big)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('stays linear on crafted inputs: many key headers without an end, many key ids on one line', () => {
    // Both took tens of seconds at 1 MB (quadratic): a hook past its timeout fails open, and the
    // supervisor runs the same scan on its event loop.
    const headers = '-----BEGIN PRIVATE KEY-----\n'.repeat(40_000);
    let seed = 7;
    const base32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    const id = (): string => {
      let s = ['AK', 'IA'].join('');
      for (let i = 0; i < 16; i++) {
        seed ^= seed << 13; // xorshift32: deterministic, and random enough for the entropy floor
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        s += base32[(seed >>> 0) % 32] ?? 'A';
      }
      return s;
    };
    const ids = Array.from({ length: 40_000 }, id);
    // A few ids fall under the entropy floor; every other one must still be its own finding.
    const flagged = ids.filter((k) => scanText(k).length === 1).length;
    expect(flagged).toBeGreaterThan(39_000);
    for (const [text, want] of [[headers, 0], [ids.join(' '), flagged]] as const) {
      const started = performance.now();
      const findings = scanText(text);
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(findings.length).toBe(want);
    }
  });

  it('redacts to four characters', () => {
    expect(redact('abcdefgh')).toBe('abcd…');
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
  });
});
