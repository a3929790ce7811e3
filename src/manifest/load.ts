/**
 * `loadManifests`: files, directories and stdin → checked Kubernetes objects,
 * each with its source position and a field → line resolver, or one
 * `ManifestError` listing every problem of the whole load. Nothing of a
 * failed load may be applied; warnings (identical duplicates) do not fail it.
 */
import type { Node } from 'yaml';
import { isMap, isSeq } from 'yaml';
import { jsonEqual } from '../api/index.js';
import type { KubeObject } from '../api/types.js';
import { checkObject } from './check-object.js';
import { ManifestError, type ManifestProblem } from './problems.js';
import { type ManifestText, readInputs, type StdinSource } from './read-inputs.js';
import { fieldOffset, parseYaml } from './yaml-documents.js';

/** Where a loaded object was written. */
export interface ManifestSource {
  /** The file as the user named it (`STDIN` for `-`). */
  readonly file: string;
  /** 1-based line of the object's first field. */
  readonly line: number;
  /** 0-based index of the YAML document in its file. */
  readonly document: number;
  /** 0-based index in the `items` of a `kind: List`, when the object came from one. */
  readonly item?: number;
}

/** A checked object and where it came from. */
export interface LoadedManifest {
  /** The object as written (not defaulted; `metadata.namespace` only when written). */
  readonly object: KubeObject;
  readonly source: ManifestSource;
  /** `Deployment default/web`. */
  readonly label: string;
  /**
   * The line a field path is written on (`spec.template.spec.containers[0].image`),
   * or that of its nearest written ancestor; used to place errors the server reports.
   */
  fieldLine(fieldPath: string): number;
}

export interface LoadResult {
  readonly manifests: readonly LoadedManifest[];
  /** Problems that do not stop the load (`DUPLICATE_IDENTICAL`). */
  readonly warnings: readonly ManifestProblem[];
}

export interface LoadOptions {
  /** Directory relative inputs are resolved against. @default process.cwd() */
  readonly cwd?: string;
  /** What `-` reads. */
  readonly stdin?: StdinSource;
  /** Namespace of namespaced objects that name none (for labels and duplicate detection). @default 'default' */
  readonly defaultNamespace?: string;
  /** Read directories' subdirectories too (kubectl's `-R`). @default false */
  readonly recursive?: boolean;
}

/** A checked object of one file, before duplicates across the load are merged. */
export interface ManifestCandidate {
  readonly manifest: LoadedManifest;
  /** `group/Kind/namespace/name`; undefined for objects named by `generateName`. */
  readonly identity: string | undefined;
}

function isListObject(value: unknown): value is { kind: string; items: unknown[] } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { kind?: unknown; items?: unknown };
  return (
    typeof v.kind === 'string' && (v.kind === 'List' || v.kind.endsWith('List')) && Array.isArray(v.items)
  );
}

/** Checks the objects of one file's text; see `loadManifests`. */
export function parseManifests(
  input: ManifestText,
  options: { readonly defaultNamespace?: string } = {},
): { candidates: ManifestCandidate[]; problems: ManifestProblem[] } {
  const parsed = parseYaml(input.text, input.file);
  const problems = [...parsed.problems];
  const candidates: ManifestCandidate[] = [];
  const defaultNamespace = options.defaultNamespace ?? 'default';
  const visit = (value: unknown, node: Node, document: number, item?: number): void => {
    const line = parsed.line(node.range?.[0] ?? 0);
    const fieldLine = (path: string) => parsed.line(fieldOffset(node, path));
    const checked = checkObject(value, { file: input.file, line, fieldLine, defaultNamespace });
    problems.push(...checked.problems);
    if (!checked.object || !checked.label) return;
    const source: ManifestSource =
      item === undefined ? { file: input.file, line, document } : { file: input.file, line, document, item };
    candidates.push({
      manifest: { object: checked.object, source, label: checked.label, fieldLine },
      identity: checked.identity,
    });
  };
  for (const doc of parsed.documents) {
    if (isListObject(doc.value) && isMap(doc.contents)) {
      const itemsNode = doc.contents.get('items', true);
      doc.value.items.forEach((value, i) => {
        const itemNode = isSeq(itemsNode) ? (itemsNode.items[i] as Node | undefined) : undefined;
        visit(value, itemNode ?? doc.contents, doc.index, i);
      });
    } else {
      visit(doc.value, doc.contents, doc.index);
    }
  }
  return { candidates, problems };
}

/** Keeps the first of identical duplicates (with a warning) and reports conflicting ones. */
function dedupe(candidates: readonly ManifestCandidate[]): {
  manifests: LoadedManifest[];
  warnings: ManifestProblem[];
  problems: ManifestProblem[];
} {
  const seen = new Map<string, LoadedManifest>();
  const manifests: LoadedManifest[] = [];
  const warnings: ManifestProblem[] = [];
  const problems: ManifestProblem[] = [];
  for (const { manifest, identity } of candidates) {
    const first = identity ? seen.get(identity) : undefined;
    if (!identity || !first) {
      if (identity) seen.set(identity, manifest);
      manifests.push(manifest);
      continue;
    }
    const where = `${first.source.file}:${first.source.line}`;
    const base = { file: manifest.source.file, line: manifest.source.line, object: manifest.label };
    if (jsonEqual(first.object, manifest.object)) {
      warnings.push({
        ...base,
        code: 'DUPLICATE_IDENTICAL',
        message: `duplicate of the identical object at ${where}; it is applied once`,
      });
    } else {
      problems.push({
        ...base,
        code: 'DUPLICATE_CONFLICT',
        message: `conflicts with a different definition of the same object at ${where}`,
      });
    }
  }
  return { manifests, warnings, problems };
}

/**
 * Loads manifests from files, directories (`.yaml`, `.yml`, `.json`, sorted;
 * subdirectories only with `recursive`) and `-` (stdin). Multi-document YAML and `kind: List` are
 * expanded. Throws `ManifestError` with every problem found when any input is
 * unreadable, malformed, of an unknown kind or invalid, or when no object is
 * found; otherwise returns the objects in input order, identical duplicates
 * merged.
 */
export async function loadManifests(
  inputs: readonly string[],
  options: LoadOptions = {},
): Promise<LoadResult> {
  const cwd = options.cwd ?? process.cwd();
  const { texts, problems } = await readInputs(inputs, {
    cwd,
    stdin: options.stdin,
    recursive: options.recursive,
  });
  const candidates: ManifestCandidate[] = [];
  for (const text of texts) {
    const parsed = parseManifests(
      text,
      options.defaultNamespace ? { defaultNamespace: options.defaultNamespace } : {},
    );
    candidates.push(...parsed.candidates);
    problems.push(...parsed.problems);
  }
  const { manifests, warnings, problems: duplicateProblems } = dedupe(candidates);
  problems.push(...duplicateProblems);
  if (problems.length === 0 && manifests.length === 0) {
    problems.push({
      code: 'NO_OBJECTS',
      file: inputs.join(', ') || '-',
      line: 1,
      message: 'no objects found',
    });
  }
  if (problems.length > 0) throw new ManifestError(problems);
  return { manifests, warnings };
}
