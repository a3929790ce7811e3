/**
 * The errors Go's `encoding/json` returns for `json.Unmarshal(data,
 * &map[string]interface{}{})`, which the API server puts in messages (a
 * `kubernetes.io/dockerconfigjson` Secret whose `.dockerconfigjson` is not a
 * JSON object): syntax errors in the scanner's words (`unexpected end of JSON
 * input`, `invalid character 'x' looking for beginning of value`), checked
 * over the whole input first as Go does, then the type error of a valid
 * document that is not an object. Pure.
 */

/** strconv.Quote's escapes of the ASCII control characters that have a letter. */
const GO_ESCAPES: Readonly<Record<number, string>> = {
  7: '\\a',
  8: '\\b',
  9: '\\t',
  10: '\\n',
  11: '\\v',
  12: '\\f',
  13: '\\r',
  92: '\\\\',
};

/** Go's `quoteChar`: the offending byte (read as a rune) in single quotes, as strconv.Quote escapes it. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  const hex = c.toString(16).padStart(2, '0');
  let text: string;
  if (GO_ESCAPES[c] !== undefined) text = GO_ESCAPES[c];
  else if (c < 0x20 || c === 0x7f) text = `\\x${hex}`;
  else if (c >= 0x80 && c < 0xa0) text = `\\u00${hex}`;
  else text = String.fromCharCode(c);
  return `'${text}'`;
}

class SyntaxError_ extends Error {}

function invalid(c: number, context: string): never {
  throw new SyntaxError_(`invalid character ${quoteChar(c)} ${context}`);
}

const EOF = -1;

/** A recursive-descent reading of Go's scanner states; throws SyntaxError_ with its message. */
class Scanner {
  #i = 0;
  constructor(readonly bytes: Uint8Array) {}

  #peek(): number {
    return this.#i < this.bytes.length ? (this.bytes[this.#i] as number) : EOF;
  }

  #next(): number {
    const c = this.#peek();
    if (c !== EOF) this.#i++;
    return c;
  }

  #skipSpace(): number {
    for (;;) {
      const c = this.#peek();
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return c;
      this.#i++;
    }
  }

  #eof(): never {
    throw new SyntaxError_('unexpected end of JSON input');
  }

  /** Reads one value; returns its JSON type as Go's UnmarshalTypeError names it. */
  value(context = 'looking for beginning of value'): string {
    const c = this.#skipSpace();
    if (c === EOF) this.#eof();
    if (c === 0x7b) return this.#object();
    if (c === 0x5b) return this.#array();
    if (c === 0x22) {
      this.#string();
      return 'string';
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      this.#number();
      return 'number';
    }
    if (c === 0x74) return this.#literal('true', 'bool');
    if (c === 0x66) return this.#literal('false', 'bool');
    if (c === 0x6e) return this.#literal('null', 'null');
    return invalid(c, context);
  }

  #literal(word: string, type: string): string {
    this.#i++;
    for (const expected of word.slice(1)) {
      const c = this.#next();
      if (c === EOF) this.#eof();
      if (c !== expected.charCodeAt(0)) invalid(c, `in literal ${word} (expecting '${expected}')`);
    }
    return type;
  }

  #object(): string {
    this.#i++;
    let c = this.#skipSpace();
    if (c === 0x7d) {
      this.#i++;
      return 'object';
    }
    for (;;) {
      if (c === EOF) this.#eof();
      if (c !== 0x22) invalid(c, 'looking for beginning of object key string');
      this.#string();
      c = this.#skipSpace();
      if (c === EOF) this.#eof();
      if (c !== 0x3a) invalid(c, 'after object key');
      this.#i++;
      this.value();
      c = this.#skipSpace();
      if (c === EOF) this.#eof();
      this.#i++;
      if (c === 0x7d) return 'object';
      if (c !== 0x2c) invalid(c, 'after object key:value pair');
      c = this.#skipSpace();
    }
  }

  #array(): string {
    this.#i++;
    let c = this.#skipSpace();
    if (c === 0x5d) {
      this.#i++;
      return 'array';
    }
    for (;;) {
      this.value();
      c = this.#skipSpace();
      if (c === EOF) this.#eof();
      this.#i++;
      if (c === 0x5d) return 'array';
      if (c !== 0x2c) invalid(c, 'after array element');
    }
  }

  #string(): void {
    this.#i++;
    for (;;) {
      const c = this.#next();
      if (c === EOF) this.#eof();
      if (c === 0x22) return;
      if (c < 0x20) invalid(c, 'in string literal');
      if (c !== 0x5c) continue;
      const e = this.#next();
      if (e === EOF) this.#eof();
      if (e === 0x75) {
        for (let k = 0; k < 4; k++) {
          const h = this.#next();
          if (h === EOF) this.#eof();
          if (!/[0-9a-fA-F]/.test(String.fromCharCode(h))) invalid(h, 'in \\u hexadecimal character escape');
        }
      } else if (!'"\\/bfnrt'.includes(String.fromCharCode(e))) {
        invalid(e, 'in string escape code');
      }
    }
  }

  #digits(): number {
    let n = 0;
    while (this.#peek() >= 0x30 && this.#peek() <= 0x39) {
      this.#i++;
      n++;
    }
    return n;
  }

  #number(): void {
    if (this.#peek() === 0x2d) {
      this.#i++;
      const c = this.#peek();
      if (c === EOF) this.#eof();
      if (c < 0x30 || c > 0x39) invalid(c, 'in numeric literal');
    }
    if (this.#peek() === 0x30) this.#i++;
    else this.#digits();
    if (this.#peek() === 0x2e) {
      this.#i++;
      const c = this.#peek();
      if (c === EOF) this.#eof();
      if (this.#digits() === 0) invalid(c, 'after decimal point in numeric literal');
    }
    if (this.#peek() === 0x65 || this.#peek() === 0x45) {
      this.#i++;
      if (this.#peek() === 0x2b || this.#peek() === 0x2d) this.#i++;
      const c = this.#peek();
      if (c === EOF) this.#eof();
      if (this.#digits() === 0) invalid(c, 'in exponent of numeric literal');
    }
  }

  /** The whole input: one value, then only whitespace. */
  document(): string {
    const type = this.value();
    const c = this.#skipSpace();
    if (c !== EOF) invalid(c, 'after top-level value');
    return type;
  }
}

/**
 * The error `json.Unmarshal(data, &map[string]interface{}{})` returns, or
 * undefined when it succeeds (a JSON object, or `null`).
 */
export function goJsonObjectError(data: Uint8Array): string | undefined {
  let type: string;
  try {
    type = new Scanner(data).document();
  } catch (err) {
    if (err instanceof SyntaxError_) return err.message;
    throw err;
  }
  if (type === 'object' || type === 'null') return undefined;
  return `json: cannot unmarshal ${type} into Go value of type map[string]interface {}`;
}
