// Secret rules in the manner of gitleaks' default config (reference/reliability.md §7): a cheap
// keyword pre-filter, a precise regex whose `secret` group is the credential, and an entropy floor
// on that group.

import { isGenericPlaceholder } from './placeholders.js';

export interface SecretRule {
  readonly id: string;
  /** Says what was found, e.g. "a GitHub token". */
  readonly description: string;
  /** Lower-case strings one of which must occur in the text before the regex runs. */
  readonly keywords: readonly string[];
  /** Global; the credential is the named group `secret`. */
  readonly regex: RegExp;
  readonly minEntropy?: number;
  /** Drops a match that is a known example or placeholder; `name` is the assigned identifier, if any. */
  readonly ignore?: (secret: string, name: string | undefined) => boolean;
}

const endsWithExample = (s: string): boolean => /example$/i.test(s);

// Shared tail: the token ends at a non-token character (gitleaks' boundary for Anthropic keys).
const END = String.raw`(?=[\x60'"\s;,)\]}<>]|\\[nr]|$)`;

export const SECRET_RULES: readonly SecretRule[] = [
  {
    id: 'private-key',
    description: 'a private key block',
    keywords: ['private key'],
    // The body never holds a run of five dashes: without that rule every BEGIN scanned on to the
    // end of the text, which is quadratic (a 1 MB Write of BEGIN lines held the event loop ~60 s).
    regex: /(?<secret>-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?:(?!-----)(?:[A-Za-z0-9+/=\s:,.-]|\\[nr])){64,}?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----)/g,
    minEntropy: 3.5,
  },
  {
    id: 'aws-access-token',
    description: 'an AWS access key id',
    keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'],
    regex: /\b(?<secret>(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b/g,
    minEntropy: 3,
    ignore: endsWithExample,
  },
  {
    id: 'aws-secret-access-key',
    description: 'an AWS secret access key',
    keywords: ['aws'],
    regex: /aws[_.-]?secret[_.-]?(?:access[_.-]?)?key(?:[_.-]?id)?["']?\s*(?::=|=>|=|:)\s*["'\x60]?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
    minEntropy: 3.5,
    ignore: endsWithExample,
  },
  github('github-pat', 'a GitHub personal access token', 'ghp_', /\b(?<secret>ghp_[0-9a-zA-Z]{36})\b/g),
  github('github-fine-grained-pat', 'a GitHub fine-grained token', 'github_pat_', /\b(?<secret>github_pat_\w{82})\b/g),
  github('github-oauth', 'a GitHub OAuth token', 'gho_', /\b(?<secret>gho_[0-9a-zA-Z]{36})\b/g),
  github('github-app-token', 'a GitHub app token', 'ghu_', /\b(?<secret>(?:ghu|ghs)_[0-9a-zA-Z]{36})\b/g, ['ghs_']),
  github('github-refresh-token', 'a GitHub refresh token', 'ghr_', /\b(?<secret>ghr_[0-9a-zA-Z]{36})\b/g),
  {
    id: 'anthropic-api-key',
    description: 'an Anthropic API key',
    keywords: ['sk-ant-api03-'],
    regex: new RegExp(String.raw`\b(?<secret>sk-ant-api03-[a-zA-Z0-9_\-]{93}AA)${END}`, 'g'),
  },
  {
    id: 'anthropic-admin-api-key',
    description: 'an Anthropic admin API key',
    keywords: ['sk-ant-admin01-'],
    regex: new RegExp(String.raw`\b(?<secret>sk-ant-admin01-[a-zA-Z0-9_\-]{93}AA)${END}`, 'g'),
  },
  {
    id: 'openai-api-key',
    description: 'an OpenAI API key',
    keywords: ['t3blbkfj', 'sk-proj-'],
    regex: new RegExp(
      String.raw`\b(?<secret>sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|sk-proj-[A-Za-z0-9_-]{40,})${END}`,
      'g',
    ),
    minEntropy: 3.5,
  },
  {
    id: 'slack-bot-token',
    description: 'a Slack bot token',
    keywords: ['xoxb-'],
    regex: /\b(?<secret>xoxb-[0-9]{10,13}-[0-9]{10,13}[a-zA-Z0-9-]*)/g,
  },
  {
    id: 'slack-user-token',
    description: 'a Slack user token',
    keywords: ['xoxp-', 'xoxe-'],
    regex: /\b(?<secret>xox[pe](?:-[0-9]{10,13}){3}-[a-zA-Z0-9-]{28,34})/g,
  },
  {
    id: 'slack-legacy-token',
    description: 'a Slack workspace or legacy token',
    keywords: ['xoxa-', 'xoxr-'],
    regex: /\b(?<secret>xox[ar]-(?:[0-9]{1,13}-){0,4}[0-9a-zA-Z]{8,48})\b/g,
    minEntropy: 2.5,
  },
  {
    id: 'slack-app-token',
    description: 'a Slack app-level token',
    keywords: ['xapp-'],
    regex: /\b(?<secret>xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+)/gi,
  },
  {
    id: 'slack-webhook-url',
    description: 'a Slack webhook URL',
    keywords: ['hooks.slack.com'],
    regex: /(?<secret>(?:https?:\/\/)?hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/]{43,56})/g,
    minEntropy: 3.5,
  },
  {
    id: 'stripe-access-token',
    description: 'a Stripe secret or restricted key',
    keywords: ['sk_live_', 'rk_live_', 'sk_test_', 'rk_test_', 'sk_prod_', 'rk_prod_'],
    regex: /\b(?<secret>(?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99})\b/g,
    minEntropy: 2,
  },
  {
    id: 'generic-api-key',
    description: 'a high-entropy secret assignment',
    keywords: ['key', 'secret', 'token', 'passw', 'pwd', 'auth', 'credential'],
    // identifier containing a keyword, an assignment, then a quoted or bare value of 16–150 characters
    regex:
      /(?<![A-Za-z0-9])(?<name>[A-Za-z0-9_.-]{0,40}?(?:key|secret|token|passw(?:or)?d|pwd|auth|credential)s?[A-Za-z0-9_.-]{0,40})["']?[ \t]*(?::=|=>|=(?!=)|:(?!:))[ \t]*(?:"(?<secret>[^"\s\\]{16,150})"|'(?<secret2>[^'\s\\]{16,150})'|\x60(?<secret3>[^\x60\s\\]{16,150})\x60|(?<secret4>[A-Za-z0-9_\-+/.~@#%^*!$]{16,150}={0,2})(?=$|[\s;,)}\]#"'\x60&]))/gim,
    minEntropy: 3.5,
    ignore: isGenericPlaceholder,
  },
];

function github(id: string, description: string, keyword: string, regex: RegExp, more: readonly string[] = []): SecretRule {
  return { id, description, keywords: [keyword, ...more], regex, minEntropy: 3 };
}
