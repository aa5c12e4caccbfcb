// Where in a JSON file something is: a syntax error or a schema issue as `line:column`, so a
// person goes straight to it (JSON.parse only says "position 122"). jsonc-parser reads the text
// with offsets; it is also what edits the file in place (cli/commands/config-file.ts).
import { findNodeAtLocation, parse, parseTree, printParseErrorCode } from 'jsonc-parser';
import type { ParseError } from 'jsonc-parser';
import { UserError } from '../core/errors.js';
import type { ValidationIssue } from '../core/errors.js';

const STRICT = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false } as const;

const REASONS: Record<string, string> = {
  InvalidSymbol: 'an unexpected character',
  InvalidNumberFormat: 'a malformed number',
  PropertyNameExpected: 'a property name in double quotes expected',
  ValueExpected: 'a value expected',
  ColonExpected: 'a colon expected',
  CommaExpected: 'a comma expected',
  CloseBraceExpected: 'a closing } expected',
  CloseBracketExpected: 'a closing ] expected',
  EndOfFileExpected: 'nothing expected after the end',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'an unfinished comment',
  UnexpectedEndOfString: 'an unfinished string',
  UnexpectedEndOfNumber: 'an unfinished number',
  InvalidUnicode: 'a malformed \\u escape',
  InvalidEscapeCharacter: 'a malformed escape',
  InvalidCharacter: 'a character not allowed in a string',
};

/** 1-based line and column of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - lastBreak };
}

/**
 * The JSON value of `text`, strict JSON (no comments, no trailing commas). A syntax error throws
 * INVALID_CONFIG naming `source:line:column` and what was expected there.
 */
export function parseJsonText(text: string, source: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, STRICT);
  const first = errors[0];
  if (first === undefined) return value;
  const { line, column } = lineColumn(text, first.offset);
  const code = printParseErrorCode(first.error);
  const reason = REASONS[code] ?? code;
  // A trailing comma shows up as "a value / property name expected" right after the comma.
  const trailing = /,\s*$/.test(text.slice(0, first.offset)) && /^\s*[}\]]/.test(text.slice(first.offset)) ? ' (a trailing comma?)' : '';
  throw new UserError('INVALID_CONFIG', `${source}:${line}:${column}: not valid JSON: ${reason}${trailing}`, {
    details: { file: source, line, column },
  });
}

/** `workflows.content.steps[0].agent` → ['workflows', 'content', 'steps', 0, 'agent']. */
function segments(path: string): (string | number)[] {
  if (path === '(root)' || path === '') return [];
  const out: (string | number)[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return out;
    if (m[1] !== undefined && m[1] !== '') out.push(m[1]);
    for (const idx of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/** Each issue's path with the line and column of the value it names (or its nearest parent). */
export function locateIssues(text: string, issues: readonly ValidationIssue[]): ValidationIssue[] {
  const tree = parseTree(text, [], STRICT);
  if (tree === undefined) return [...issues];
  return issues.map((issue) => {
    const path = segments(issue.path);
    for (let n = path.length; n >= 0; n--) {
      const node = findNodeAtLocation(tree, path.slice(0, n));
      if (node === undefined) continue;
      // A property's value: point at its key, where the eye finds it.
      const at = node.parent?.type === 'property' ? node.parent.offset : node.offset;
      const { line, column } = lineColumn(text, at);
      return { ...issue, path: `${issue.path} (line ${line}, column ${column})` };
    }
    return issue;
  });
}
