/**
 * Parser for the POSIX shell subset simulated containers run: simple commands
 * with assignments and redirections, pipelines, `&&`/`||`/`;`/`&`, `while`,
 * `until`, `for`, `if`, `{ }` and `( )`, and words with quotes, `$VAR`,
 * `${VAR}`, `$?`, `$(…)`, backquotes and `$((…))`. Pure: syntax errors come
 * back as values, worded by the caller in its shell's dialect.
 */

/** A piece of a word; quoting decides field splitting. */
export type WordPart =
  | { readonly kind: 'lit'; readonly text: string; readonly quoted: boolean }
  | { readonly kind: 'var'; readonly name: string; readonly quoted: boolean; readonly fallback?: Word }
  | { readonly kind: 'cmd'; readonly script: string; readonly quoted: boolean }
  | { readonly kind: 'arith'; readonly expr: string };

export type Word = readonly WordPart[];

export interface Redirect {
  readonly fd: number;
  readonly op: '>' | '>>' | '<' | '>&';
  readonly target: Word;
}

export type ShellNode =
  | {
      readonly kind: 'simple';
      readonly assigns: ReadonlyArray<{ readonly name: string; readonly value: Word }>;
      readonly words: readonly Word[];
      readonly redirects: readonly Redirect[];
    }
  | { readonly kind: 'pipeline'; readonly negate: boolean; readonly commands: readonly ShellNode[] }
  | {
      readonly kind: 'and-or';
      readonly first: ShellNode;
      readonly rest: ReadonlyArray<{ readonly op: '&&' | '||'; readonly node: ShellNode }>;
    }
  | {
      readonly kind: 'list';
      readonly items: ReadonlyArray<{ readonly node: ShellNode; readonly background: boolean }>;
    }
  | { readonly kind: 'loop'; readonly until: boolean; readonly cond: ShellNode; readonly body: ShellNode }
  | {
      readonly kind: 'for';
      readonly name: string;
      readonly items: readonly Word[] | undefined;
      readonly body: ShellNode;
    }
  | {
      readonly kind: 'if';
      readonly branches: ReadonlyArray<{ readonly cond: ShellNode; readonly body: ShellNode }>;
      readonly otherwise: ShellNode | undefined;
    }
  | { readonly kind: 'group'; readonly body: ShellNode; readonly subshell: boolean };

export type ParseResult =
  | { readonly ok: true; readonly node: ShellNode }
  | { readonly ok: false; readonly unexpected: string };

type Token =
  | { readonly t: 'word'; readonly word: Word; readonly raw: string }
  | { readonly t: 'op'; readonly op: string; readonly fd?: number }
  | { readonly t: 'nl' }
  | { readonly t: 'eof' };

const OPS = ['&&', '||', '>>', '>&', ';;', ';', '&', '|', '(', ')', '>', '<'];

/** Finds the end of a `$(`/`((`-style balanced region starting after the opener. */
function balanced(src: string, start: number, open: string, close: string): number {
  let depth = 1;
  let quote = '';
  for (let i = start; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"') i++;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '\\') i++;
    else if (src.startsWith(open, i)) depth++;
    else if (src.startsWith(close, i) && --depth === 0) return i;
  }
  return -1;
}

class Lexer {
  readonly #src: string;
  #i = 0;

  constructor(src: string) {
    this.#src = src;
  }

  tokens(): Token[] | string {
    const out: Token[] = [];
    for (;;) {
      const tok = this.#next();
      if (typeof tok === 'string') return tok;
      out.push(tok);
      if (tok.t === 'eof') return out;
    }
  }

  #next(): Token | string {
    const s = this.#src;
    while (
      this.#i < s.length &&
      (s[this.#i] === ' ' || s[this.#i] === '\t' || (s[this.#i] === '\\' && s[this.#i + 1] === '\n'))
    ) {
      this.#i += s[this.#i] === '\\' ? 2 : 1;
    }
    if (s[this.#i] === '#') while (this.#i < s.length && s[this.#i] !== '\n') this.#i++;
    if (this.#i >= s.length) return { t: 'eof' };
    if (s[this.#i] === '\n') {
      this.#i++;
      return { t: 'nl' };
    }
    const fdMatch = /^(\d)(>>|>&|>|<)/.exec(s.slice(this.#i, this.#i + 3));
    if (fdMatch) {
      this.#i += fdMatch[0].length;
      return { t: 'op', op: fdMatch[2] ?? '>', fd: Number(fdMatch[1]) };
    }
    for (const op of OPS) {
      if (s.startsWith(op, this.#i)) {
        this.#i += op.length;
        return { t: 'op', op };
      }
    }
    return this.#word();
  }

  #word(): Token | string {
    const s = this.#src;
    const parts: WordPart[] = [];
    const start = this.#i;
    let lit = '';
    const flush = (quoted: boolean) => {
      if (lit !== '' || quoted) parts.push({ kind: 'lit', text: lit, quoted });
      lit = '';
    };
    while (this.#i < s.length) {
      const c = s[this.#i] ?? '';
      if (' \t\n;&|()<>'.includes(c)) break;
      if (c === '\\') {
        lit += s[this.#i + 1] ?? '';
        this.#i += 2;
      } else if (c === "'") {
        const end = s.indexOf("'", this.#i + 1);
        if (end < 0) return 'unterminated quoted string';
        flush(false);
        parts.push({ kind: 'lit', text: s.slice(this.#i + 1, end), quoted: true });
        this.#i = end + 1;
      } else if (c === '"') {
        flush(false);
        const err = this.#doubleQuoted(parts);
        if (err) return err;
      } else if (c === '$' || c === '`') {
        flush(false);
        const err = this.#dollar(parts, false);
        if (err) return err;
      } else {
        lit += c;
        this.#i++;
      }
    }
    flush(false);
    return { t: 'word', word: parts, raw: s.slice(start, this.#i) };
  }

  #doubleQuoted(parts: WordPart[]): string | undefined {
    const s = this.#src;
    this.#i++;
    let lit = '';
    let any = false;
    while (this.#i < s.length && s[this.#i] !== '"') {
      const c = s[this.#i] ?? '';
      if (c === '\\' && '$`"\\\n'.includes(s[this.#i + 1] ?? '')) {
        lit += s[this.#i + 1] === '\n' ? '' : (s[this.#i + 1] ?? '');
        this.#i += 2;
      } else if (c === '$' || c === '`') {
        if (lit !== '') parts.push({ kind: 'lit', text: lit, quoted: true });
        lit = '';
        any = true;
        const err = this.#dollar(parts, true);
        if (err) return err;
      } else {
        lit += c;
        this.#i++;
      }
    }
    if (this.#i >= s.length) return 'unterminated quoted string';
    this.#i++;
    if (lit !== '' || !any) parts.push({ kind: 'lit', text: lit, quoted: true });
    return undefined;
  }

  #dollar(parts: WordPart[], quoted: boolean): string | undefined {
    const s = this.#src;
    if (s[this.#i] === '`') {
      const end = s.indexOf('`', this.#i + 1);
      if (end < 0) return 'unterminated quoted string';
      parts.push({ kind: 'cmd', script: s.slice(this.#i + 1, end), quoted });
      this.#i = end + 1;
      return undefined;
    }
    if (s.startsWith('$((', this.#i)) {
      const end = balanced(s, this.#i + 3, '(', ')');
      if (end < 0 || s[end + 1] !== ')') return 'missing ))';
      parts.push({ kind: 'arith', expr: s.slice(this.#i + 3, end) });
      this.#i = end + 2;
      return undefined;
    }
    if (s.startsWith('$(', this.#i)) {
      const end = balanced(s, this.#i + 2, '(', ')');
      if (end < 0) return 'missing )';
      parts.push({ kind: 'cmd', script: s.slice(this.#i + 2, end), quoted });
      this.#i = end + 1;
      return undefined;
    }
    if (s[this.#i + 1] === '{') {
      const end = s.indexOf('}', this.#i + 2);
      if (end < 0) return 'missing }';
      const inner = s.slice(this.#i + 2, end);
      const m = /^([A-Za-z_][A-Za-z0-9_]*|[?$#0-9@*!-])(?::?-(.*))?$/s.exec(inner);
      if (!m) return 'bad substitution';
      const fallback = m[2] === undefined ? undefined : [{ kind: 'lit' as const, text: m[2], quoted: true }];
      parts.push(
        fallback
          ? { kind: 'var', name: m[1] ?? '', quoted, fallback }
          : { kind: 'var', name: m[1] ?? '', quoted },
      );
      this.#i = end + 1;
      return undefined;
    }
    const m = /^\$([A-Za-z_][A-Za-z0-9_]*|[?$#0-9@*!-])/.exec(s.slice(this.#i));
    if (!m) {
      parts.push({ kind: 'lit', text: '$', quoted });
      this.#i++;
      return undefined;
    }
    parts.push({ kind: 'var', name: m[1] ?? '', quoted });
    this.#i += m[0].length;
    return undefined;
  }
}

export type { Token as ShellToken };
export { Lexer as ShellLexer };
