// A connection string carries a password: nothing that leaves this module may show it. pg's own
// messages rarely include the URL, but a driver or server message that quotes it (a parse error,
// a DNS failure naming the whole string) must come out with the secret replaced.
const URL_CREDENTIALS = /\b(postgres(?:ql)?:\/\/)([^:@/\s]*):([^@/\s]*)@/gi;
const KEYWORD_PASSWORD = /\bpassword\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/gi;

/** `text` with the password of `url` (raw and decoded) and any URL or keyword password masked. */
export function redact(text: string, url?: string): string {
  let out = text;
  for (const secret of secretsOf(url)) out = out.split(secret).join('***');
  return out.replace(URL_CREDENTIALS, '$1$2:***@').replace(KEYWORD_PASSWORD, 'password=***');
}

function secretsOf(url: string | undefined): string[] {
  if (url === undefined) return [];
  const out = new Set<string>();
  // the userinfo's password as written, whatever the rest of the string looks like
  const raw = /^[a-z]+:\/\/[^:@/]*:([^@/]*)@/i.exec(url)?.[1];
  if (raw) out.add(raw);
  try {
    const decoded = decodeURIComponent(new URL(url).password);
    if (decoded) out.add(decoded);
  } catch {
    // unparsable: the raw match above is all there is
  }
  // a one-letter password would mask every such letter of the message: the patterns cover those
  return [...out].filter((s) => s.length >= 3);
}
