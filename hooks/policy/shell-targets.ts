// Finds the files a shell command writes: redirection targets, and the destinations of tee, cp, mv,
// install, ln, dd of=, sed -i, perl -i, truncate and touch. A small lexer, not a shell: it errs
// towards reporting a word as a target, since the caller only checks targets against protected paths.

type Token = { readonly kind: 'word'; readonly text: string } | { readonly kind: 'op'; readonly text: string };

const REDIRECTS = new Set(['>', '>>', '>|', '&>', '&>>']);
const SEPARATORS = new Set([';', '&&', '||', '|', '&', '\n', '(', ')']);
const MAX_COMMAND_CHARS = 200_000;

export function writeTargets(command: string): string[] {
  const tokens = lex(command.slice(0, MAX_COMMAND_CHARS));
  const targets: string[] = [];
  let words: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === undefined) continue;
    if (token.kind === 'op' && REDIRECTS.has(token.text)) {
      const next = tokens[i + 1];
      if (next?.kind === 'word' && !next.text.startsWith('&')) targets.push(next.text);
      i++;
    } else if (token.kind === 'op' && SEPARATORS.has(token.text)) {
      targets.push(...commandTargets(words));
      words = [];
    } else if (token.kind === 'word') {
      words.push(token.text);
    } else {
      i++; // `<` and `<<` consume their word, which is read, not written
    }
  }
  targets.push(...commandTargets(words));
  return targets.filter((t) => t !== '' && t !== '-' && !t.startsWith('/dev/'));
}

function commandTargets(words: readonly string[]): string[] {
  const start = words.findIndex((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) && w !== 'sudo' && w !== 'env' && w !== 'command');
  if (start === -1) return [];
  const name = (words[start] ?? '').split('/').at(-1) ?? '';
  const args = words.slice(start + 1);
  const operands = args.filter((a) => !a.startsWith('-'));
  switch (name) {
    case 'tee':
    case 'truncate':
    case 'touch':
      return operands;
    case 'cp':
    case 'mv':
    case 'install':
    case 'ln':
    case 'rsync':
    case 'scp':
      return operands.slice(-1);
    case 'dd':
      return args.filter((a) => a.startsWith('of=')).map((a) => a.slice(3));
    case 'sed':
    case 'perl':
      // in place: every operand after the script is a file that gets rewritten
      return args.some((a) => /^-[a-zA-Z]*i/.test(a) || a.startsWith('--in-place')) ? operands.slice(1) : [];
    default:
      return [];
  }
}

function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let word = '';
  let inWord = false;
  const flush = (): void => {
    if (inWord) tokens.push({ kind: 'word', text: word });
    word = '';
    inWord = false;
  };
  for (let i = 0; i < input.length; i++) {
    const ch = input[i] ?? '';
    if (ch === '\\') {
      word += input[i + 1] ?? '';
      inWord = true;
      i++;
    } else if (ch === "'" || ch === '"') {
      const close = input.indexOf(ch, i + 1);
      const end = close === -1 ? input.length : close;
      word += input.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (ch === ' ' || ch === '\t') {
      flush();
    } else if (ch === '#' && !inWord) {
      const nl = input.indexOf('\n', i);
      i = nl === -1 ? input.length : nl - 1; // a comment runs to the end of the line
    } else {
      const op = operatorAt(input, i);
      if (op === undefined) {
        word += ch;
        inWord = true;
        continue;
      }
      // `2>` and `1>>`: the digits name a file descriptor, not a word
      if (op.startsWith('>') && /^\d+$/.test(word)) {
        word = '';
        inWord = false;
      }
      flush();
      tokens.push({ kind: 'op', text: op });
      i += op.length - 1;
    }
  }
  flush();
  return tokens;
}

const OPERATORS = ['&>>', '>>', '>|', '&>', '&&', '||', '<<', '>', '<', '|', '&', ';', '\n', '(', ')'];

function operatorAt(input: string, i: number): string | undefined {
  return OPERATORS.find((op) => input.startsWith(op, i));
}
