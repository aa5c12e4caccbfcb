// Every stable error code is documented in the README, and the README documents no code that
// does not exist (STYLE practice 4).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../core/errors.js';
import { HTTP_ERROR_CODES } from '../../server/index.js';

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Error codes'), readme.indexOf('## Benchmarks'));

describe('error codes in the docs', () => {
  it('documents every code of the registry in the README table', () => {
    const documented = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(new Set(documented)).toEqual(new Set(Object.keys(ERROR_CODES)));
    expect(documented).toHaveLength(Object.keys(ERROR_CODES).length);
  });

  it('names every HTTP-only code', () => {
    for (const code of Object.keys(HTTP_ERROR_CODES)) expect(section).toContain(`\`${code}\``);
  });

  it('names the codes the CLI adds when no supervisor answers', () => {
    for (const code of ['NOT_RUNNING', 'TIMEOUT', 'CONNECTION', 'STREAM_ENDED', 'TOO_LARGE']) expect(section).toContain(`\`${code}\``);
  });
});
