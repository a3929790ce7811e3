/**
 * YAML text → documents that keep their source positions. Parsing follows
 * kubectl's reading of YAML (sigs.k8s.io/yaml on go-yaml: YAML 1.1 scalars, so
 * `yes` is true and `0777` octal, but timestamps stay strings), and every
 * object can map a field path back to the line it was written on.
 *
 * Tab indentation gets one clear problem, and the text is then re-read with
 * each leading tab as two spaces, so the rest of the file is still checked
 * (the seed `as-written/myweb1-svc.yaml` needs both of its mistakes reported).
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments, type YAMLError } from 'yaml';
import type { ManifestProblem } from './problems.js';

/** One top-level YAML document that holds content. */
export interface YamlDocument {
  /** 0-based index among the file's documents (`---` separated), empty ones included. */
  readonly index: number;
  readonly contents: Node;
  readonly value: unknown;
}

export interface ParsedYaml {
  readonly documents: readonly YamlDocument[];
  readonly problems: readonly ManifestProblem[];
  /** 1-based line of a character offset. */
  line(offset: number): number;
}

const PARSE_OPTIONS = {
  version: '1.1' as const,
  customTags: (tags: readonly unknown[]) =>
    tags.filter((t) => (t as { tag?: string }).tag !== 'tag:yaml.org,2002:timestamp') as never,
};

function parse(text: string) {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter, prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [docs];
  return { docs: list, lineCounter };
}

/** `Nested mappings are not allowed … at line 1, column 4:\n\n<snippet>` → its first sentence. */
function firstSentence(err: YAMLError): string {
  return err.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').split('\n')[0] ?? err.message;
}

/** Replaces each leading tab with two spaces, keeping every line on its line. */
export function expandLeadingTabs(text: string): string {
  return text.replace(/^[ \t]+/gm, (indent) => indent.replace(/\t/g, '  '));
}

function tabProblem(file: string, tabLines: readonly number[]): ManifestProblem {
  const first = tabLines[0] ?? 1;
  const more = tabLines.length - 1;
  return {
    code: 'TAB_INDENT',
    file,
    line: first,
    message: `tabs are not allowed as YAML indentation (line ${first}, column 1): indent with spaces${more > 0 ? ` (and ${more} more line${more === 1 ? '' : 's'})` : ''}`,
  };
}

/** Parses a file's text; YAML errors become problems, documents with content are returned. */
export function parseYaml(text: string, file: string): ParsedYaml {
  let { docs, lineCounter } = parse(text);
  const errors = docs.flatMap((d) => d.errors);
  const tabErrors = errors.filter((e) => e.code === 'TAB_AS_INDENT');
  const problems: ManifestProblem[] = [];
  if (tabErrors.length > 0) {
    const tabLines = [...new Set(tabErrors.map((e) => lineCounter.linePos(e.pos[0]).line))].sort(
      (a, b) => a - b,
    );
    problems.push(tabProblem(file, tabLines));
    const expanded = parse(expandLeadingTabs(text));
    if (expanded.docs.every((d) => d.errors.length === 0)) ({ docs, lineCounter } = expanded);
    else return { documents: [], problems, line: (o) => lineCounter.linePos(o).line };
  } else {
    for (const err of errors) {
      const line = err.linePos?.[0].line ?? lineCounter.linePos(err.pos[0]).line;
      const col = err.linePos?.[0].col ?? 1;
      problems.push({
        code: 'YAML_SYNTAX',
        file,
        line,
        message: `YAML syntax error: ${firstSentence(err)} (line ${line}, column ${col})`,
      });
    }
    if (problems.length) return { documents: [], problems, line: (o) => lineCounter.linePos(o).line };
  }
  const documents: YamlDocument[] = [];
  docs.forEach((doc, index) => {
    const contents = doc.contents;
    if (!contents || (isScalar(contents) && (contents.value === null || contents.value === undefined)))
      return;
    documents.push({ index, contents, value: doc.toJS({ maxAliasCount: 100 }) });
  });
  const counter = lineCounter;
  return { documents, problems, line: (o) => counter.linePos(o).line };
}

/** Splits `spec.template.spec.containers[0].ports[1]` / `metadata.labels[app.kubernetes.io/name]` into steps. */
export function fieldPathSteps(path: string): Array<string | number> {
  const steps: Array<string | number> = [];
  const re = /([^.[\]]+)|\[([^\]]*)\]/g;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    if (m[1] !== undefined) steps.push(m[1]);
    else steps.push(/^[0-9]+$/.test(m[2] ?? '') ? Number(m[2]) : (m[2] ?? ''));
  }
  return steps;
}

/**
 * The offset where a field is written under `root` (the key of a mapping
 * entry, the start of a list item), or of its nearest written ancestor when
 * the field itself is absent (a defaulted or missing value).
 */
export function fieldOffset(root: Node, path: string): number {
  let node: Node | undefined = root;
  let offset = root.range?.[0] ?? 0;
  for (const step of fieldPathSteps(path)) {
    if (typeof step === 'number' && isSeq(node)) {
      const item: unknown = node.items[step];
      if (!item || typeof item !== 'object' || !('range' in item)) break;
      node = item as Node;
      offset = node.range?.[0] ?? offset;
    } else if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value as Node | undefined;
      if (!node) break;
    } else break;
  }
  return offset;
}
