/**
 * Calico's label selector language (libcalico-go `lib/selector`), used by
 * IPPool `nodeSelector`/`namespaceSelector`: `all()`, `global()`, `has(k)`,
 * `k == 'v'`, `k != 'v'`, `k in {'a','b'}`, `k not in {…}`, `k contains 's'`,
 * `k starts with 's'`, `k ends with 's'`, `!`, `&&`, `||` and parentheses.
 * The API validates pools with it; IPAM evaluates it against node labels.
 */
export type CalicoLabels = Readonly<Record<string, string>> | undefined;

/** A parsed selector: `matches` evaluates it; `text` is the input. */
export interface CalicoSelector {
  readonly text: string;
  matches(labels: CalicoLabels): boolean;
}

type Matcher = (labels: Readonly<Record<string, string>>) => boolean;

const TOKEN =
  /\s*(?:(all\(\)|global\(\))|(has)\(\s*([A-Za-z0-9_./-]+)\s*\)|(&&|\|\||==|!=|!|\(|\)|\{|\}|,)|(not\s+in|in|contains|starts\s+with|ends\s+with)(?![A-Za-z0-9_./-])|("[^"]*"|'[^']*')|([A-Za-z0-9_./-]+))/y;

interface Token {
  readonly kind: 'fn' | 'has' | 'op' | 'word-op' | 'string' | 'label';
  readonly text: string;
  readonly arg?: string;
}

function tokenize(text: string): Token[] | string {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    while (/\s/.test(text[pos] ?? '')) pos++;
    if (pos >= text.length) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) return `unexpected input at position ${pos}: ${JSON.stringify(text.slice(pos))}`;
    pos = TOKEN.lastIndex;
    if (m[1]) tokens.push({ kind: 'fn', text: m[1] });
    else if (m[2]) tokens.push({ kind: 'has', text: 'has', arg: m[3] ?? '' });
    else if (m[4]) tokens.push({ kind: 'op', text: m[4] });
    else if (m[5]) tokens.push({ kind: 'word-op', text: m[5].replace(/\s+/, ' ') });
    else if (m[6]) tokens.push({ kind: 'string', text: m[6].slice(1, -1) });
    else tokens.push({ kind: 'label', text: m[7] ?? '' });
  }
  return tokens;
}

class Parser {
  #pos = 0;
  constructor(readonly tokens: readonly Token[]) {}

  #peek(): Token | undefined {
    return this.tokens[this.#pos];
  }

  #next(): Token {
    const t = this.tokens[this.#pos++];
    if (!t) throw new Error('unexpected end of selector');
    return t;
  }

  #expect(text: string): void {
    const t = this.#next();
    if (t.text !== text) throw new Error(`expected ${JSON.stringify(text)}, found ${JSON.stringify(t.text)}`);
  }

  parse(): Matcher {
    const m = this.#or();
    const rest = this.#peek();
    if (rest) throw new Error(`unexpected ${JSON.stringify(rest.text)}`);
    return m;
  }

  #or(): Matcher {
    let left = this.#and();
    while (this.#peek()?.text === '||') {
      this.#next();
      const a = left;
      const b = this.#and();
      left = (l) => a(l) || b(l);
    }
    return left;
  }

  #and(): Matcher {
    let left = this.#unary();
    while (this.#peek()?.text === '&&') {
      this.#next();
      const a = left;
      const b = this.#unary();
      left = (l) => a(l) && b(l);
    }
    return left;
  }

  #unary(): Matcher {
    const t = this.#next();
    if (t.text === '!') {
      const inner = this.#unary();
      return (l) => !inner(l);
    }
    if (t.text === '(') {
      const inner = this.#or();
      this.#expect(')');
      return inner;
    }
    if (t.kind === 'fn') return () => true;
    if (t.kind === 'has') {
      const key = t.arg ?? '';
      return (l) => Object.hasOwn(l, key);
    }
    if (t.kind === 'label') return this.#comparison(t.text);
    throw new Error(`unexpected ${JSON.stringify(t.text)}`);
  }

  #comparison(key: string): Matcher {
    const op = this.#next();
    if (op.text === 'in' || op.text === 'not in') {
      const values = this.#set();
      const negate = op.text === 'not in';
      return (l) => (Object.hasOwn(l, key) && values.has(l[key] ?? '')) !== negate;
    }
    const value = this.#next();
    if (value.kind !== 'string') throw new Error(`expected a quoted string after ${JSON.stringify(op.text)}`);
    const v = value.text;
    const has = (l: Readonly<Record<string, string>>) => Object.hasOwn(l, key);
    switch (op.text) {
      case '==':
        return (l) => has(l) && l[key] === v;
      case '!=':
        return (l) => !has(l) || l[key] !== v;
      case 'contains':
        return (l) => has(l) && (l[key] ?? '').includes(v);
      case 'starts with':
        return (l) => has(l) && (l[key] ?? '').startsWith(v);
      case 'ends with':
        return (l) => has(l) && (l[key] ?? '').endsWith(v);
      default:
        throw new Error(
          `expected an operator after ${JSON.stringify(key)}, found ${JSON.stringify(op.text)}`,
        );
    }
  }

  #set(): Set<string> {
    this.#expect('{');
    const values = new Set<string>();
    while (this.#peek()?.text !== '}') {
      const t = this.#next();
      if (t.kind !== 'string') throw new Error('expected a quoted string in set');
      values.add(t.text);
      if (this.#peek()?.text === ',') this.#next();
    }
    this.#expect('}');
    return values;
  }
}

/** Parses a Calico selector; returns an error message when it does not parse. An empty selector selects all. */
export function parseCalicoSelector(text: string): CalicoSelector | { readonly error: string } {
  const tokens = tokenize(text);
  if (typeof tokens === 'string') return { error: tokens };
  if (tokens.length === 0) return { text, matches: () => true };
  try {
    const matcher = new Parser(tokens).parse();
    return { text, matches: (labels) => matcher(labels ?? {}) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
