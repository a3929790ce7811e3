/**
 * The concept pages (docs/concepts/*.md) teach with the traces of the example
 * READMEs, and must show them exactly as the examples do: every ```console and
 * ```mermaid block of a concept page is a verbatim quote of a block in some
 * examples/<name>/README.md — whose outputs test/e2e/packet-cases-examples.test.ts
 * checks against real runs — so the pages cannot drift from what netkube prints.
 * When an example is re-recorded, copy its new blocks into the pages.
 *
 * A console quote is one or more whole commands: it starts at a `$ ` line and
 * ends where the example's block ends or its next `$ ` line starts (a command's
 * output is never cut short). A mermaid quote is a whole diagram. Every relative
 * link (and `#anchor` into a Markdown file) of the pages resolves, and the index
 * is linked from the README and from examples/README.md.
 *
 * Files only: no emulator, no sockets.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers/cli.js';

const CONCEPTS = join(REPO, 'docs', 'concepts');
const QUOTED = new Set(['console', 'mermaid']);

interface Block {
  readonly lang: string;
  readonly lines: readonly string[];
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly closed: boolean;
}

/** The fenced (```) blocks of a Markdown text, in order; an unclosed one is returned with `closed: false`. */
function fencedBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let open: { lang: string; lines: string[]; line: number } | undefined;
  text.split('\n').forEach((line, i) => {
    if (open === undefined) {
      const fence = /^```([\w-]*)\s*$/.exec(line);
      if (fence) open = { lang: fence[1] ?? '', lines: [], line: i + 1 };
    } else if (/^```\s*$/.test(line)) {
      blocks.push({ ...open, closed: true });
      open = undefined;
    } else open.lines.push(line);
  });
  if (open) blocks.push({ ...open, closed: false });
  return blocks;
}

/** Whether `quote` is a verbatim quote of `source` (see the file comment for what counts). */
function isQuoteOf(quote: Block, source: Block): boolean {
  if (quote.lang !== source.lang || quote.lines.length === 0) return false;
  if (quote.lang === 'mermaid')
    return quote.lines.length === source.lines.length && quote.lines.every((l, k) => l === source.lines[k]);
  if (!quote.lines[0]?.startsWith('$ ')) return false;
  for (let start = 0; start + quote.lines.length <= source.lines.length; start++) {
    const end = start + quote.lines.length;
    if (!source.lines[start]?.startsWith('$ ')) continue;
    if (end < source.lines.length && !source.lines[end]?.startsWith('$ ')) continue;
    if (quote.lines.every((l, k) => l === source.lines[start + k])) return true;
  }
  return false;
}

/** Every example README's console and mermaid blocks, with where each came from. */
function exampleBlocks(): { readonly file: string; readonly block: Block }[] {
  const examples = join(REPO, 'examples');
  return readdirSync(examples, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(examples, d.name, 'README.md')))
    .flatMap((d) => {
      const file = join('examples', d.name, 'README.md');
      return fencedBlocks(readFileSync(join(REPO, file), 'utf8'))
        .filter((block) => QUOTED.has(block.lang))
        .map((block) => ({ file, block }));
    });
}

/** A Markdown text's lines with those of fenced blocks (fences included) blanked. */
function outsideFences(text: string): string[] {
  let inFence = false;
  return text.split('\n').map((line) => {
    if (/^```/.test(line)) {
      inFence = !inFence;
      return '';
    }
    return inFence ? '' : line;
  });
}

/** The link targets of a Markdown text, with their lines: inline `[text](target)` and reference definitions. */
function links(text: string): { readonly target: string; readonly line: number }[] {
  return outsideFences(text).flatMap((raw, i) => {
    const line = raw.replace(/`[^`]*`/g, '');
    const inline = [...line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1] ?? '');
    const definition = /^\s*\[[^\]]+\]:\s+(\S+)/.exec(line)?.[1];
    return [...inline, ...(definition ? [definition] : [])].map((target) => ({ target, line: i + 1 }));
  });
}

/** GitHub's anchors for a Markdown file's headings (lower case, punctuation dropped, spaces to `-`, repeats numbered). */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of outsideFences(text)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line.replace(/`/g, ''))?.[1];
    if (heading === undefined) continue;
    const base = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Why a link of `file` does not resolve, or undefined when it does. */
function brokenLink(file: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
  const [path = '', anchor] = target.split('#', 2);
  const abs = path === '' ? file : resolve(dirname(file), decodeURI(path));
  if (relative(REPO, abs).startsWith('..')) return `${target} leaves the repository`;
  if (!existsSync(abs)) return `${target} does not exist`;
  if (anchor === undefined || !abs.endsWith('.md')) return undefined;
  return anchors(readFileSync(abs, 'utf8')).has(anchor) ? undefined : `${target}: no heading #${anchor}`;
}

const PAGES = existsSync(CONCEPTS)
  ? readdirSync(CONCEPTS)
      .filter((f) => f.endsWith('.md'))
      .sort()
  : [];

describe('docs/concepts', () => {
  const examples = exampleBlocks();

  it('has the index and the concept pages', () => {
    expect(PAGES).toEqual(expect.arrayContaining(['README.md', 'pod-network.md', 'services.md', 'dns.md']));
    expect(PAGES).toEqual(expect.arrayContaining(['traffic-policy.md']));
  });

  it.each(PAGES)('%s quotes every console and mermaid block verbatim from an example README', (page) => {
    const blocks = fencedBlocks(readFileSync(join(CONCEPTS, page), 'utf8'));
    const unclosed = blocks.filter((b) => !b.closed).map((b) => `docs/concepts/${page}:${b.line}`);
    expect(unclosed, 'unclosed code fences').toEqual([]);
    const drifted = blocks
      .filter((b) => QUOTED.has(b.lang) && !examples.some((e) => isQuoteOf(b, e.block)))
      .map((b) => `docs/concepts/${page}:${b.line}: ${b.lines[0] ?? '(empty)'}`);
    expect(drifted, 'blocks not found verbatim in any examples/*/README.md: copy them again').toEqual([]);
  });

  it.each(PAGES.filter((p) => p !== 'README.md'))('%s is built around at least one trace', (page) => {
    const blocks = fencedBlocks(readFileSync(join(CONCEPTS, page), 'utf8'));
    expect(
      blocks.some((b) => b.lang === 'console' && b.lines.some((l) => l.startsWith('$ netkube trace'))),
    ).toBe(true);
  });

  it.each(PAGES)('%s has no broken relative link', (page) => {
    const file = join(CONCEPTS, page);
    const broken = links(readFileSync(file, 'utf8')).flatMap(({ target, line }) => {
      const why = brokenLink(file, target);
      return why === undefined ? [] : [`docs/concepts/${page}:${line}: ${why}`];
    });
    expect(broken).toEqual([]);
  });

  it('is reachable: the index links every page, README.md and examples/README.md link the index', () => {
    const index = join(CONCEPTS, 'README.md');
    const targets = (file: string) =>
      links(readFileSync(file, 'utf8')).map(({ target }) =>
        resolve(dirname(file), decodeURI(target.split('#')[0] ?? '')),
      );
    const fromIndex = targets(index);
    for (const page of PAGES.filter((p) => p !== 'README.md'))
      expect(fromIndex, `the index links ${page}`).toContain(join(CONCEPTS, page));
    for (const file of ['README.md', join('examples', 'README.md')])
      expect(
        targets(join(REPO, file)).some((t) => t === index || t === CONCEPTS || t === `${CONCEPTS}/`),
        `${file} links docs/concepts`,
      ).toBe(true);
  });
});

describe('the verbatim-quote check', () => {
  const source: Block = {
    lang: 'console',
    lines: ['$ netkube up -d examples/x/', '$ netkube trace --to a', 'hop 1', 'hop 2', '$ netkube down'],
    line: 1,
    closed: true,
  };
  const quote = (...lines: string[]): Block => ({ lang: 'console', lines, line: 1, closed: true });

  it.each([
    ['one whole command', true, quote('$ netkube trace --to a', 'hop 1', 'hop 2')],
    ['several whole commands', true, quote('$ netkube trace --to a', 'hop 1', 'hop 2', '$ netkube down')],
    ['the whole block', true, quote(...source.lines)],
    ['an output cut short', false, quote('$ netkube trace --to a', 'hop 1')],
    ['a quote starting inside an output', false, quote('hop 1', 'hop 2')],
    ['an edited line', false, quote('$ netkube trace --to a', 'hop 1', 'hop 2 ')],
    ['an empty block', false, quote()],
    ['another language', false, { ...quote('$ netkube trace --to a', 'hop 1', 'hop 2'), lang: 'sh' }],
  ])('%s: %s', (_name, expected, q) => {
    expect(isQuoteOf(q, source)).toBe(expected);
  });

  it('takes mermaid diagrams whole', () => {
    const diagram: Block = {
      lang: 'mermaid',
      lines: ['sequenceDiagram', '    A->>B: x'],
      line: 1,
      closed: true,
    };
    expect(isQuoteOf({ ...diagram }, diagram)).toBe(true);
    expect(isQuoteOf({ ...diagram, lines: ['sequenceDiagram'] }, diagram)).toBe(false);
  });

  it('reads GitHub anchors and finds broken links', () => {
    expect([...anchors('# A `b`: c\n## Health check node ports\n## Health check node ports\n')]).toEqual([
      'a-b-c',
      'health-check-node-ports',
      'health-check-node-ports-1',
    ]);
    const file = join(REPO, 'docs', 'concepts', 'README.md');
    expect(brokenLink(file, '../kube-proxy.md#health-check-node-ports')).toBeUndefined();
    expect(brokenLink(file, '../kube-proxy.md#no-such-heading')).toMatch(/no heading/);
    expect(brokenLink(file, '../no-such-file.md')).toMatch(/does not exist/);
    expect(brokenLink(file, 'https://kubernetes.io/docs/')).toBeUndefined();
  });
});
