/**
 * `$((…))` arithmetic: integers, variables, `+ - * / %`, comparisons, `&& ||`,
 * unary `- + !` and parentheses, with C precedence. Division by zero and
 * syntax errors yield 0 (the caller's shell has already printed nothing; this
 * subset keeps scripts running). Pure.
 */

type Tok = { readonly n: number } | { readonly op: string };

function tokenize(expr: string, lookup: (name: string) => string): Tok[] | undefined {
  const out: Tok[] = [];
  const re = /\s*(?:(\d+)|([A-Za-z_][A-Za-z0-9_]*)|(==|!=|<=|>=|&&|\|\||[-+*/%()<>!]))/y;
  let at = 0;
  while (at < expr.length) {
    if (/^\s*$/.test(expr.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(expr);
    if (!m) return undefined;
    at = re.lastIndex;
    if (m[1] !== undefined) out.push({ n: Number(m[1]) });
    else if (m[2] !== undefined) out.push({ n: Number.parseInt(lookup(m[2]) || '0', 10) || 0 });
    else out.push({ op: m[3] ?? '' });
  }
  return out;
}

const PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '>': 4,
  '<=': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

function apply(op: string, a: number, b: number): number {
  switch (op) {
    case '||':
      return a || b ? 1 : 0;
    case '&&':
      return a && b ? 1 : 0;
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? 0 : Math.trunc(a / b);
    case '%':
      return b === 0 ? 0 : a % b;
    default:
      return 0;
  }
}

/** Evaluates an arithmetic expansion; variables are read through `lookup`. */
export function arithmetic(expr: string, lookup: (name: string) => string): number {
  const toks = tokenize(expr, lookup);
  if (!toks) return 0;
  let i = 0;
  const unary = (): number => {
    const t = toks[i++];
    if (!t) return 0;
    if ('n' in t) return t.n;
    if (t.op === '(') {
      const v = binary(0);
      i++;
      return v;
    }
    if (t.op === '-') return -unary();
    if (t.op === '+') return unary();
    if (t.op === '!') return unary() === 0 ? 1 : 0;
    return 0;
  };
  const binary = (min: number): number => {
    let left = unary();
    for (;;) {
      const t = toks[i];
      if (!t || !('op' in t)) return left;
      const p = PRECEDENCE[t.op];
      if (p === undefined || p <= min) return left;
      i++;
      left = apply(t.op, left, binary(p));
    }
  };
  return binary(0);
}
