// Values of a `key = "…"` assignment that are plainly not secrets: references to somewhere else
// (env vars, templates, member paths), placeholders, and words (gitleaks' generic-api-key allowlist).

// The last alternatives are gitleaks-style stopwords: a value that spells out what it is, such as
// "test-webhook-secret-0123", is a test value, not a leaked credential.
const PLACEHOLDER_WORDS = /test|secret|passw(?:or)?d|token|webhook|x{4}|\*{4}|changeme|change_me|change-me|your[_-]?(?:api|secret|token|key|own|pass)|placeholder|example|redacted|dummy|sample|insert|replace[_-]?me|todo|<[^>]*>/i;

/** A bare identifier path such as process.env.API_KEY, settings.auth.token or os.environ. */
const MEMBER_PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;

/** Names that contain a keyword but never hold a secret (after gitleaks' generic-api-key allowlist). */
const BENIGN_NAME =
  /pub(?:lic)?[_.-]?key|keyboard|keyframe|keypress|key(?:down|up|code|word|s?ize|len(?:gth)?|path|file|name|id|map|set)\b|(?:primary|foreign|sort|cache|partition|hash|idempotency|i18n|translation)[_.-]?key|monkey|donkey|turkey|hockey|jockey|csrf|xsrf|tokeni[sz]er|token[_.-]?(?:type|kind|count|len|index|start|end|pos)|max[_.-]?tokens?|author/i;

export function isGenericPlaceholder(value: string, name?: string): boolean {
  if (name !== undefined && BENIGN_NAME.test(name)) return true;
  if (/^[A-Za-z_.-]+$/.test(value)) return true; // words and identifiers, no digits
  if (wordiness(value) >= 0.6) return true; // mostly English-looking runs: camelCase code, not random
  if (MEMBER_PATH.test(value)) return true;
  if (/\$\{|\{\{|%\(|\$\(|^\$[A-Za-z_]|^%[A-Za-z_]+%$/.test(value)) return true; // ${VAR} {{ x }} %(x)s $(cmd) $VAR %VAR%
  if (/^(?:https?:\/\/|\/|\.{1,2}\/|~\/)/.test(value)) return true; // URLs and paths
  if (/\.(?:pem|key|json|ya?ml|txt|js|ts|env|crt|p12)$/i.test(value)) return true; // file names
  if (/^(.)\1+$/.test(value)) return true; // aaaaaaaa…
  return PLACEHOLDER_WORDS.test(value);
}

/** Share of the value covered by word-like runs (an optional capital then 3+ lower-case letters). */
function wordiness(value: string): number {
  let covered = 0;
  for (const match of value.matchAll(/[A-Z]?[a-z]{3,}/g)) covered += match[0].length;
  return covered / value.length;
}
