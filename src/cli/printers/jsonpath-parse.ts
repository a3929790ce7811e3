/**
 * kubectl's JSONPath template syntax (client-go `util/jsonpath`), parsed into
 * nodes: text outside `{…}`, and inside actions fields (`.a`, `.*`), array
 * indexes and slices (`[0]`, `[1:3]`, `[*]`), unions (`[0,2]`), dictionary
 * keys (`['a']`), filters (`[?(@.type=="Ready")]`), recursive descent (`..`),
 * quoted text (`{"\n"}`), numbers, booleans and `range`/`end`.
 */

export interface SliceParam {
  readonly known: boolean;
  readonly value: number;
  /** The end of `[n]`: n+1, derived from the start. */
  readonly derived?: boolean;
}

export type JsonPathNode =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'list'; readonly nodes: readonly JsonPathNode[] }
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'recursive' }
  | { readonly kind: 'array'; readonly params: readonly [SliceParam, SliceParam, SliceParam] }
  | { readonly kind: 'union'; readonly lists: ReadonlyArray<JsonPathNode & { kind: 'list' }> }
  | {
      readonly kind: 'filter';
      readonly left: JsonPathNode & { kind: 'list' };
      readonly right: JsonPathNode & { kind: 'list' };
      readonly op: string;
    }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'identifier'; readonly name: string };

type ListNode = JsonPathNode & { kind: 'list' };

/** Thrown for a template kubectl would reject, with its message (`unterminated array`). */
export class JsonPathSyntaxError extends Error {}

const isTerminator = (c: string | undefined) => c === undefined || ' \t\r\n.,[]$@{}'.includes(c);
const isAlphaNumeric = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);

function unquote(s: string): string {
  const quote = s[0];
  const body = s.slice(1, -1);
  if (!body.includes('\\')) return body;
  if (quote === '"') return JSON.parse(`"${body}"`) as string;
  return body.replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
}

class Parser {
  readonly #src: string;
  #pos = 0;

  constructor(src: string) {
    this.#src = src;
  }

  /** Parses a whole template: text and actions. */
  template(): ListNode[] | JsonPathNode[] {
    const out: JsonPathNode[] = [];
    while (this.#pos < this.#src.length) {
      const open = this.#src.indexOf('{', this.#pos);
      if (open < 0) {
        out.push({ kind: 'text', text: this.#src.slice(this.#pos) });
        break;
      }
      if (open > this.#pos) out.push({ kind: 'text', text: this.#src.slice(this.#pos, open) });
      this.#pos = open + 1;
      out.push(this.action(true));
    }
    return out;
  }

  /** Parses an action up to `}` (or to the end of the input when `closed` is false). */
  action(closed: boolean): ListNode {
    const nodes: JsonPathNode[] = [];
    for (;;) {
      const rest = this.#src.slice(this.#pos);
      const c = rest[0];
      if (c === undefined) {
        if (closed) throw new JsonPathSyntaxError('unclosed action');
        return { kind: 'list', nodes };
      }
      if (c === '}' && closed) {
        this.#pos++;
        return { kind: 'list', nodes };
      }
      if (rest.startsWith('[?(')) nodes.push(this.#filter());
      else if (rest.startsWith('..')) {
        if (nodes[nodes.length - 1]?.kind === 'recursive')
          throw new JsonPathSyntaxError('invalid multiple recursive descent');
        this.#pos += 2;
        nodes.push({ kind: 'recursive' });
        if (isAlphaNumeric(this.#src[this.#pos])) nodes.push(this.#field());
      } else if (c === '\r' || c === '\n') throw new JsonPathSyntaxError('unclosed action');
      else if (c === ' ' || c === '@' || c === '$') this.#pos++;
      else if (c === '[') nodes.push(...this.#array());
      else if (c === '"' || c === "'") nodes.push(this.#quote(c));
      else if (c === '.') {
        this.#pos++;
        nodes.push(this.#field());
      } else if (c === '+' || c === '-' || /\d/.test(c)) nodes.push(this.#number());
      else if (isAlphaNumeric(c)) nodes.push(this.#identifier());
      else
        throw new JsonPathSyntaxError(
          `unrecognized character in action: U+${c.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')} '${c}'`,
        );
    }
  }

  #field(): JsonPathNode {
    let name = '';
    while (this.#pos < this.#src.length) {
      const c = this.#src[this.#pos] as string;
      if (c === '\\') {
        name += this.#src[this.#pos + 1] ?? '';
        this.#pos += 2;
        continue;
      }
      if (isTerminator(c)) break;
      name += c;
      this.#pos++;
    }
    return name === '*' ? { kind: 'wildcard' } : { kind: 'field', name };
  }

  #identifier(): JsonPathNode {
    const start = this.#pos;
    while (!isTerminator(this.#src[this.#pos])) this.#pos++;
    const word = this.#src.slice(start, this.#pos);
    if (word === 'true' || word === 'false') return { kind: 'bool', value: word === 'true' };
    return { kind: 'identifier', name: word };
  }

  #number(): JsonPathNode {
    const m = /^[+-]?[\d.]*/.exec(this.#src.slice(this.#pos)) as RegExpExecArray;
    this.#pos += m[0].length;
    const value = Number(m[0]);
    if (m[0] === '' || Number.isNaN(value)) throw new JsonPathSyntaxError(`cannot parse number ${m[0]}`);
    return { kind: 'number', value };
  }

  #quote(q: string): JsonPathNode {
    let i = this.#pos + 1;
    for (; ; i++) {
      const c = this.#src[i];
      if (c === undefined || c === '\n') throw new JsonPathSyntaxError('unterminated quoted string');
      if (c === q && this.#src[i - 1] !== '\\') break;
    }
    const raw = this.#src.slice(this.#pos, i + 1);
    this.#pos = i + 1;
    return { kind: 'text', text: unquote(raw) };
  }

  #array(): JsonPathNode[] {
    const close = this.#src.indexOf(']', this.#pos);
    const newline = this.#src.indexOf('\n', this.#pos);
    if (close < 0 || (newline >= 0 && newline < close)) throw new JsonPathSyntaxError('unterminated array');
    let text = this.#src.slice(this.#pos + 1, close);
    this.#pos = close + 1;
    if (text === '*') text = ':';
    const parts = text.split(',');
    if (parts.length > 1) {
      return [{ kind: 'union', lists: parts.map((p) => new Parser(`[${p.trim()}]`).action(false)) }];
    }
    const key = /^'([^']*)'$/.exec(text);
    if (key) return [...new Parser(`.${key[1]}`).action(false).nodes];
    const m = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/.exec(text);
    if (!m) throw new JsonPathSyntaxError(`invalid array index ${text}`);
    const params = [0, 1, 2].map((i): SliceParam => {
      let v = m[i + 1];
      if (v === undefined || v === '') {
        if (i === 1) return { known: true, value: Number(m[1] || 0) + 1, derived: true };
        return { known: false, value: 0 };
      }
      if (i > 0) v = v.slice(1);
      if (i > 0 && v === '') return { known: false, value: 0 };
      return { known: true, value: Number(v) };
    });
    return [{ kind: 'array', params: params as [SliceParam, SliceParam, SliceParam] }];
  }

  #filter(): JsonPathNode {
    let i = this.#pos + 3;
    let begin = false;
    let end = false;
    let pair = '';
    for (; ; i++) {
      const c = this.#src[i];
      if (c === undefined || c === '\n') throw new JsonPathSyntaxError('unterminated filter');
      if (c === '"' || c === "'") {
        if (!begin) {
          begin = true;
          pair = c;
        } else if (this.#src[i - 1] !== '\\' && c === pair) end = true;
      } else if (c === ')' && begin === end) break;
    }
    if (this.#src[i + 1] !== ']') throw new JsonPathSyntaxError('unclosed array expect ]');
    const text = this.#src.slice(this.#pos + 3, i);
    this.#pos = i + 2;
    const m = /^([^!<>=]+)([!<>=]+)(.+?)$/.exec(text);
    if (!m)
      return {
        kind: 'filter',
        left: new Parser(text).action(false),
        right: { kind: 'list', nodes: [] },
        op: 'exists',
      };
    return {
      kind: 'filter',
      left: new Parser(m[1] as string).action(false),
      right: new Parser(m[3] as string).action(false),
      op: m[2] as string,
    };
  }
}

/** Parses a template; throws JsonPathSyntaxError with kubectl's message. */
export function parseJsonPath(template: string): JsonPathNode[] {
  return new Parser(template).template() as JsonPathNode[];
}

/** `RelaxedJSONPathExpression`: `.a.b`, `a.b`, `{a.b}` → `{.a.b}` (custom-columns specs). */
export function relaxedJsonPath(expression: string): string {
  if (expression === '') return expression;
  const m = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/.exec(expression);
  if (!m) {
    throw new JsonPathSyntaxError(
      "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'",
    );
  }
  return `{.${m[1] || m[2]}}`;
}
