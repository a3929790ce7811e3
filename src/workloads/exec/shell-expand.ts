/**
 * Word expansion of the simulated shell: literals and quotes, `$VAR`/`${VAR:-x}`,
 * command substitution and arithmetic, with field splitting of unquoted
 * expansions on blanks (IFS is not configurable). The shell supplies variable
 * values and runs substitutions.
 */
import type { Word } from './shell-parse.js';

/** What expansion needs from the running shell. */
export interface ExpansionContext {
  variable(name: string): string;
  substitute(script: string): Promise<string>;
  arithmetic(expr: string): number;
}

/** Expands `word` into fields; `split` false keeps one field. */
export async function expandWord(word: Word, split: boolean, ctx: ExpansionContext): Promise<string[]> {
  const fields: string[] = [];
  let cur = '';
  let has = false;
  const pushSplit = (value: string) => {
    value.split(/[ \t\n]+/).forEach((piece, i) => {
      if (i > 0) {
        if (has || cur !== '') fields.push(cur);
        cur = '';
        has = false;
      }
      if (piece !== '') {
        cur += piece;
        has = true;
      }
    });
  };
  for (const part of word) {
    let value: string;
    let quoted: boolean;
    switch (part.kind) {
      case 'lit':
        cur += part.text;
        has ||= part.quoted || part.text !== '';
        continue;
      case 'var':
        value = ctx.variable(part.name);
        if (value === '' && part.fallback) value = (await expandWord(part.fallback, false, ctx)).join('');
        quoted = part.quoted;
        break;
      case 'cmd':
        value = await ctx.substitute(part.script);
        quoted = part.quoted;
        break;
      case 'arith':
        value = String(ctx.arithmetic(part.expr));
        quoted = true;
        break;
    }
    if (quoted || !split) {
      cur += value;
      has = has || quoted || value !== '';
    } else pushSplit(value);
  }
  if (has || cur !== '') fields.push(cur);
  return fields;
}
