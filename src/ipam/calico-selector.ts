/**
 * Calico's selector language, as IPPool `nodeSelector` and `namespaceSelector`
 * use it (`libcalico-go/lib/selector`): `all()`, `global()`, `has(k)`,
 * `k == 'v'`, `k != 'v'`, `k in {'a','b'}`, `k not in {…}`, `k contains 's'`,
 * `k starts with 's'`, `k ends with 's'`, `!`, `&&`, `||` and parentheses.
 * Precedence: `!` binds tightest, then `&&`, then `||`. The empty string selects
 * everything, like `all()`.
 *
 * Pure: `parseCalicoSelector` returns a diagnostic instead of throwing.
 */

export type Labels = Readonly<Record<string, string>> | undefined;

/** A compiled selector. */
export interface CalicoSelector {
  readonly source: string;
  matches(labels: Labels): boolean;
}

export type SelectorParse =
  | { readonly ok: true; readonly selector: CalicoSelector }
  | { readonly ok: false; readonly error: string };

type Node = (labels: Labels) => boolean;

/**
 * `all()`, `global()` and the empty selector: one function for all of them,
 * so a call of `matches` sees the same function whichever pool (new pool
 * objects, e.g. another store's, would otherwise bring new call targets).
 */
const always: Node = () => true;

const TOKEN =
  /\s*(?:(&&|\|\||!=|==|!|\(|\)|\{|\}|,)|(all\(\)|global\(\))|(has\()|('[^']*'|"[^"]*")|(not\s+in\b|in\b|contains\b|starts\s+with\b|ends\s+with\b)|([A-Za-z0-9_./-]+))/y;

interface Token {
  readonly kind: 'punct' | 'fn' | 'has' | 'string' | 'op' | 'label';
  readonly text: string;
  readonly at: number;
}

function tokenize(src: string): Token[] | string {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(src);
    if (!m) {
      const rest = src.slice(pos);
      const at = pos + rest.length - rest.trimStart().length;
      return `unexpected character at position ${at}: ${JSON.stringify(src[at])}`;
    }
    const at = m.index + (m[0].length - m[0].trimStart().length);
    if (m[1]) tokens.push({ kind: 'punct', text: m[1], at });
    else if (m[2]) tokens.push({ kind: 'fn', text: m[2], at });
    else if (m[3]) tokens.push({ kind: 'has', text: m[3], at });
    else if (m[4]) tokens.push({ kind: 'string', text: m[4].slice(1, -1), at });
    else if (m[5]) tokens.push({ kind: 'op', text: m[5].replace(/\s+/g, ' '), at });
    else tokens.push({ kind: 'label', text: m[6] as string, at });
    pos = TOKEN.lastIndex;
  }
  return tokens;
}

class Parser {
  #i = 0;
  constructor(readonly tokens: readonly Token[]) {}

  #peek(): Token | undefined {
    return this.tokens[this.#i];
  }
  #take(): Token | undefined {
    return this.tokens[this.#i++];
  }
  #expect(text: string): void {
    const t = this.#take();
    if (t?.text !== text) throw new SyntaxError(`expected '${text}' ${where(t)}`);
  }
  /** The first token not consumed, if any. */
  leftover(): Token | undefined {
    return this.#peek();
  }

  or(): Node {
    let left = this.and();
    while (this.#peek()?.text === '||') {
      this.#take();
      const l = left;
      const r = this.and();
      left = (labels) => l(labels) || r(labels);
    }
    return left;
  }

  and(): Node {
    let left = this.unary();
    while (this.#peek()?.text === '&&') {
      this.#take();
      const l = left;
      const r = this.unary();
      left = (labels) => l(labels) && r(labels);
    }
    return left;
  }

  unary(): Node {
    const t = this.#take();
    if (!t) throw new SyntaxError('unexpected end of selector');
    if (t.text === '!' && t.kind === 'punct') {
      const inner = this.unary();
      return (labels) => !inner(labels);
    }
    if (t.text === '(') {
      const inner = this.or();
      this.#expect(')');
      return inner;
    }
    if (t.kind === 'fn') return always;
    if (t.kind === 'has') {
      const key = this.#take();
      if (key?.kind !== 'label') throw new SyntaxError(`expected a label name ${where(key)}`);
      this.#expect(')');
      return (labels) => labels !== undefined && Object.hasOwn(labels, key.text);
    }
    if (t.kind === 'label') return this.comparison(t.text);
    throw new SyntaxError(`unexpected '${t.text}' at position ${t.at}`);
  }

  comparison(key: string): Node {
    const op = this.#take();
    const value = (labels: Labels) =>
      labels !== undefined && Object.hasOwn(labels, key) ? labels[key] : undefined;
    if (op?.text === '==' || op?.text === '!=') {
      const v = this.#string();
      return op.text === '==' ? (l) => value(l) === v : (l) => value(l) !== v;
    }
    if (op?.kind === 'op' && (op.text === 'in' || op.text === 'not in')) {
      const set = this.#set();
      const negate = op.text === 'not in';
      return (l) => {
        const got = value(l);
        return negate ? got === undefined || !set.has(got) : got !== undefined && set.has(got);
      };
    }
    if (op?.kind === 'op') {
      const v = this.#string();
      if (op.text === 'contains') return (l) => value(l)?.includes(v) ?? false;
      if (op.text === 'starts with') return (l) => value(l)?.startsWith(v) ?? false;
      return (l) => value(l)?.endsWith(v) ?? false;
    }
    throw new SyntaxError(`expected an operator after '${key}' ${where(op)}`);
  }

  #string(): string {
    const t = this.#take();
    if (t?.kind !== 'string') throw new SyntaxError(`expected a quoted string ${where(t)}`);
    return t.text;
  }

  #set(): Set<string> {
    this.#expect('{');
    const values = new Set<string>();
    if (this.#peek()?.text === '}') {
      this.#take();
      return values;
    }
    for (;;) {
      values.add(this.#string());
      const sep = this.#take();
      if (sep?.text === '}') return values;
      if (sep?.text !== ',') throw new SyntaxError(`expected ',' or '}' ${where(sep)}`);
    }
  }
}

function where(t: Token | undefined): string {
  return t ? `at position ${t.at}, found '${t.text}'` : 'at end of selector';
}

/** Compiles a Calico selector, or describes what is wrong with it. */
export function parseCalicoSelector(source: string): SelectorParse {
  const tokens = tokenize(source);
  if (typeof tokens === 'string') return { ok: false, error: tokens };
  if (tokens.length === 0) return { ok: true, selector: { source, matches: always } };
  const parser = new Parser(tokens);
  try {
    const node = parser.or();
    const extra = parser.leftover();
    if (extra) return { ok: false, error: `unexpected '${extra.text}' at position ${extra.at}` };
    return { ok: true, selector: { source, matches: node } };
  } catch (err) {
    if (err instanceof SyntaxError) return { ok: false, error: err.message };
    throw err;
  }
}
