/**
 * Recursive-descent grammar over `ShellLexer` tokens (see shell-parse.ts for
 * the node types). `parseShell` returns the tree, or the token the shell would
 * call unexpected.
 */
import {
  type ParseResult,
  type Redirect,
  ShellLexer,
  type ShellNode,
  type ShellToken,
  type Word,
} from './shell-parse.js';

const RESERVED = new Set(['do', 'done', 'then', 'fi', 'else', 'elif', 'esac', '}', 'in']);

class SyntaxError_ extends Error {}

function literal(word: Word): string | undefined {
  if (word.length !== 1) return word.length === 0 ? '' : undefined;
  const p = word[0];
  return p?.kind === 'lit' && !p.quoted ? p.text : undefined;
}

class Parser {
  readonly #toks: ShellToken[];
  #i = 0;

  constructor(tokens: ShellToken[]) {
    this.#toks = tokens;
  }

  parse(): ShellNode {
    const node = this.#list(new Set());
    this.#skipNewlines();
    if (this.#peek().t !== 'eof') this.#fail();
    return node;
  }

  #peek(): ShellToken {
    return this.#toks[this.#i] ?? { t: 'eof' };
  }

  #describe(tok: ShellToken): string {
    switch (tok.t) {
      case 'eof':
        return 'end of file';
      case 'nl':
        return 'newline';
      case 'op':
        return tok.op;
      case 'word':
        return tok.raw;
    }
  }

  #fail(): never {
    throw new SyntaxError_(this.#describe(this.#peek()));
  }

  #isKeyword(name: string): boolean {
    const tok = this.#peek();
    return tok.t === 'word' && literal(tok.word) === name;
  }

  #expectKeyword(name: string): void {
    this.#skipNewlines();
    if (!this.#isKeyword(name)) this.#fail();
    this.#i++;
  }

  #skipNewlines(): void {
    while (this.#peek().t === 'nl') this.#i++;
  }

  #atListEnd(stops: Set<string>): boolean {
    const tok = this.#peek();
    if (tok.t === 'eof') return true;
    if (tok.t === 'op' && tok.op === ')') return true;
    return tok.t === 'word' && stops.has(literal(tok.word) ?? '\0');
  }

  #list(stops: Set<string>): ShellNode {
    const items: Array<{ node: ShellNode; background: boolean }> = [];
    this.#skipNewlines();
    while (!this.#atListEnd(stops)) {
      const node = this.#andOr();
      const tok = this.#peek();
      let background = false;
      if (tok.t === 'op' && (tok.op === ';' || tok.op === '&')) {
        background = tok.op === '&';
        this.#i++;
      } else if (tok.t === 'nl') this.#i++;
      else if (!this.#atListEnd(stops)) this.#fail();
      items.push({ node, background });
      this.#skipNewlines();
    }
    if (items.length === 0) this.#fail();
    return items.length === 1 && !items[0]?.background
      ? (items[0]?.node as ShellNode)
      : { kind: 'list', items };
  }

  #andOr(): ShellNode {
    const first = this.#pipeline();
    const rest: Array<{ op: '&&' | '||'; node: ShellNode }> = [];
    for (;;) {
      const tok = this.#peek();
      if (tok.t !== 'op' || (tok.op !== '&&' && tok.op !== '||')) break;
      this.#i++;
      this.#skipNewlines();
      rest.push({ op: tok.op, node: this.#pipeline() });
    }
    return rest.length === 0 ? first : { kind: 'and-or', first, rest };
  }

  #pipeline(): ShellNode {
    let negate = false;
    if (this.#isKeyword('!')) {
      negate = true;
      this.#i++;
    }
    const commands = [this.#command()];
    for (;;) {
      const tok = this.#peek();
      if (tok.t !== 'op' || tok.op !== '|') break;
      this.#i++;
      this.#skipNewlines();
      commands.push(this.#command());
    }
    return commands.length === 1 && !negate
      ? (commands[0] as ShellNode)
      : { kind: 'pipeline', negate, commands };
  }

  #command(): ShellNode {
    const tok = this.#peek();
    if (tok.t === 'op' && tok.op === '(') {
      this.#i++;
      const body = this.#list(new Set());
      const close = this.#peek();
      if (close.t !== 'op' || close.op !== ')') this.#fail();
      this.#i++;
      return { kind: 'group', body, subshell: true };
    }
    if (tok.t !== 'word') this.#fail();
    switch (literal(tok.word)) {
      case 'while':
      case 'until':
        return this.#loop(literal(tok.word) === 'until');
      case 'for':
        return this.#for();
      case 'if':
        return this.#if();
      case '{': {
        this.#i++;
        const body = this.#list(new Set(['}']));
        this.#expectKeyword('}');
        return { kind: 'group', body, subshell: false };
      }
      default:
        if (RESERVED.has(literal(tok.word) ?? '\0')) this.#fail();
        return this.#simple();
    }
  }

  #loop(until: boolean): ShellNode {
    this.#i++;
    const cond = this.#list(new Set(['do']));
    this.#expectKeyword('do');
    const body = this.#list(new Set(['done']));
    this.#expectKeyword('done');
    return { kind: 'loop', until, cond, body };
  }

  #for(): ShellNode {
    this.#i++;
    const nameTok = this.#peek();
    const name = nameTok.t === 'word' ? literal(nameTok.word) : undefined;
    if (!name || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) this.#fail();
    this.#i++;
    let items: Word[] | undefined;
    this.#skipNewlines();
    if (this.#isKeyword('in')) {
      this.#i++;
      items = [];
      for (let t = this.#peek(); t.t === 'word'; t = this.#peek()) {
        items.push(t.word);
        this.#i++;
      }
    }
    const sep = this.#peek();
    if (sep.t === 'op' && sep.op === ';') this.#i++;
    this.#expectKeyword('do');
    const body = this.#list(new Set(['done']));
    this.#expectKeyword('done');
    return { kind: 'for', name, items, body };
  }

  #if(): ShellNode {
    this.#i++;
    const branches: Array<{ cond: ShellNode; body: ShellNode }> = [];
    let otherwise: ShellNode | undefined;
    for (;;) {
      const cond = this.#list(new Set(['then']));
      this.#expectKeyword('then');
      const body = this.#list(new Set(['elif', 'else', 'fi']));
      branches.push({ cond, body });
      if (this.#isKeyword('elif')) {
        this.#i++;
        continue;
      }
      if (this.#isKeyword('else')) {
        this.#i++;
        otherwise = this.#list(new Set(['fi']));
      }
      this.#expectKeyword('fi');
      return { kind: 'if', branches, otherwise };
    }
  }

  #simple(): ShellNode {
    const assigns: Array<{ name: string; value: Word }> = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      const tok = this.#peek();
      if (tok.t === 'op' && ['>', '>>', '<', '>&'].includes(tok.op)) {
        this.#i++;
        const target = this.#peek();
        if (target.t !== 'word') this.#fail();
        this.#i++;
        const op = tok.op as Redirect['op'];
        redirects.push({ fd: tok.fd ?? (op === '<' ? 0 : 1), op, target: target.word });
        continue;
      }
      if (tok.t !== 'word') break;
      const first = tok.word[0];
      const m =
        words.length === 0 && first?.kind === 'lit' && !first.quoted
          ? /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text)
          : null;
      if (m && first?.kind === 'lit') {
        const rest = first.text.slice(m[0].length);
        const value: Word = [
          ...(rest === '' ? [] : [{ kind: 'lit' as const, text: rest, quoted: false }]),
          ...tok.word.slice(1),
        ];
        assigns.push({ name: m[1] ?? '', value });
      } else words.push(tok.word);
      this.#i++;
    }
    if (assigns.length === 0 && words.length === 0 && redirects.length === 0) this.#fail();
    return { kind: 'simple', assigns, words, redirects };
  }
}

/** Parses a script. */
export function parseShell(script: string): ParseResult {
  const tokens = new ShellLexer(script).tokens();
  if (typeof tokens === 'string') return { ok: false, unexpected: tokens };
  try {
    return { ok: true, node: new Parser(tokens).parse() };
  } catch (err) {
    if (err instanceof SyntaxError_) return { ok: false, unexpected: err.message };
    throw err;
  }
}
