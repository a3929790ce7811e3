/**
 * YAML as kubectl prints it (`-o yaml`): sigs.k8s.io/yaml, i.e. go-yaml v2 fed
 * with the object's JSON. That fixes every detail users see and diff: keys in
 * go-yaml's natural order, sequences not indented under their key, strings
 * quoted only when they would read back as something else (`"80"`, `"true"`,
 * `""`, timestamps), single quotes when plain text is not allowed, `|` blocks
 * for multi-line strings, and long scalars folded after column 80.
 */

import { assertNever } from '../../util/assert-never.js';
import { analyze, escapeDouble, naturalCompare, resolvesToString } from './yaml-scalars.js';

const BEST_WIDTH = 80;

/** Serialises a JSON value as go-yaml v2 would; ends with a newline. */
export function toYaml(value: unknown): string {
  const e = new Emitter();
  e.node(value, 0, 'top');
  e.newline();
  return e.text;
}

type Place = 'top' | 'map-value' | 'seq-item';

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Emitter {
  text = '';
  column = 0;

  write(s: string): void {
    for (const ch of s) {
      this.text += ch;
      this.column = ch === '\n' ? 0 : this.column + 1;
    }
  }

  newline(): void {
    if (!this.text.endsWith('\n')) this.write('\n');
  }

  /** Starts a new line at `indent`, unless the text already stands at the start of a line. */
  indentTo(indent: number): void {
    if (this.text !== '' && !this.text.endsWith('\n')) this.write('\n');
    this.write(' '.repeat(indent));
  }

  /** Writes a node; `indent` is the column of the enclosing mapping's keys or sequence's dashes. */
  node(value: unknown, indent: number, place: Place): void {
    const first = place === 'top' ? 'none' : place === 'seq-item' ? 'inline' : 'newline';
    if (Array.isArray(value) && value.length > 0) {
      this.sequence(value, place === 'seq-item' ? indent + 2 : indent, first);
      return;
    }
    if (isMap(value) && Object.keys(value).length > 0) {
      this.mapping(value, place === 'top' ? indent : indent + 2, first);
      return;
    }
    if (place !== 'top') this.write(' ');
    this.scalar(value, indent + 2, false);
  }

  #start(i: number, indent: number, first: 'none' | 'inline' | 'newline'): void {
    if (i > 0 || first === 'newline') this.indentTo(indent);
    else if (first === 'inline') this.write(' ');
  }

  mapping(map: Record<string, unknown>, indent: number, first: 'none' | 'inline' | 'newline'): void {
    Object.keys(map)
      .sort(naturalCompare)
      .forEach((key, i) => {
        this.#start(i, indent, first);
        this.scalar(key, indent + 2, true);
        this.write(':');
        this.node(map[key], indent, 'map-value');
      });
  }

  sequence(items: readonly unknown[], indent: number, first: 'none' | 'inline' | 'newline'): void {
    items.forEach((item, i) => {
      this.#start(i, indent, first);
      this.write('-');
      this.node(item, indent, 'seq-item');
    });
  }

  scalar(value: unknown, contIndent: number, simpleKey: boolean): void {
    if (value === null || value === undefined) this.write('null');
    else if (Array.isArray(value)) this.write('[]');
    else if (isMap(value)) this.write('{}');
    else if (typeof value === 'boolean') this.write(String(value));
    else if (typeof value === 'number') this.write(formatNumber(value));
    else this.string(String(value), contIndent, simpleKey);
  }

  string(s: string, contIndent: number, simpleKey: boolean): void {
    const a = analyze(s);
    let style: 'plain' | 'single' | 'double' | 'literal';
    if (s.includes('\n')) style = 'literal';
    else if (resolvesToString(s)) style = 'plain';
    else style = 'double';
    if (style === 'plain' && (!a.blockPlain || (s === '' && simpleKey))) style = 'single';
    if (style === 'single' && !a.singleQuoted) style = 'double';
    if (style === 'literal' && (!a.block || simpleKey)) style = 'double';
    const breaks = !simpleKey;
    switch (style) {
      case 'plain':
        this.#plain(s, contIndent, breaks);
        return;
      case 'single':
        this.#single(s, contIndent, breaks);
        return;
      case 'double':
        this.#double(s, contIndent, breaks);
        return;
      case 'literal':
        this.#literal(s, contIndent);
        return;
      default:
        assertNever(style);
    }
  }

  #plain(s: string, indent: number, breaks: boolean): void {
    const chars = [...s];
    let spaces = false;
    chars.forEach((ch, i) => {
      if (ch === ' ') {
        if (breaks && !spaces && this.column > BEST_WIDTH && chars[i + 1] !== ' ') this.indentTo(indent);
        else this.write(ch);
        spaces = true;
      } else {
        this.write(ch);
        spaces = false;
      }
    });
  }

  #single(s: string, indent: number, breaks: boolean): void {
    const chars = [...s];
    this.write("'");
    let spaces = false;
    chars.forEach((ch, i) => {
      if (ch === ' ') {
        const fold =
          breaks &&
          !spaces &&
          this.column > BEST_WIDTH &&
          i > 0 &&
          i < chars.length - 1 &&
          chars[i + 1] !== ' ';
        if (fold) this.indentTo(indent);
        else this.write(ch);
        spaces = true;
      } else {
        this.write(ch === "'" ? "''" : ch);
        spaces = false;
      }
    });
    this.write("'");
  }

  #double(s: string, indent: number, breaks: boolean): void {
    const chars = [...s];
    this.write('"');
    let spaces = false;
    chars.forEach((ch, i) => {
      const escaped = escapeDouble(ch);
      if (escaped !== undefined) {
        this.write(escaped);
        spaces = false;
      } else if (ch === ' ') {
        if (breaks && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== chars.length - 1) {
          this.indentTo(indent);
          if (chars[i + 1] === ' ') this.write('\\');
        } else this.write(ch);
        spaces = true;
      } else {
        this.write(ch);
        spaces = false;
      }
    });
    this.write('"');
  }

  #literal(s: string, indent: number): void {
    let hints = '';
    if (s.startsWith(' ') || s.startsWith('\n')) hints += '2';
    if (!s.endsWith('\n')) hints += '-';
    else if (s === '\n' || s.endsWith('\n\n')) hints += '+';
    this.write(`|${hints}\n`);
    let breaks = true;
    for (const ch of s) {
      if (ch === '\n') {
        this.write('\n');
        breaks = true;
        continue;
      }
      if (breaks) this.write(' '.repeat(indent));
      this.write(ch);
      breaks = false;
    }
  }
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (n === Number.POSITIVE_INFINITY) return '.inf';
  if (n === Number.NEGATIVE_INFINITY) return '-.inf';
  return String(n);
}

export { naturalCompare, resolvesToString } from './yaml-scalars.js';
