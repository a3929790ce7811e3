/**
 * The CLI's side of the manifest loader (src/manifest, `loadManifests`):
 * `-f FILE|DIR|-` inputs become checked objects with their file, line,
 * label and a field → line resolver, or one error listing every problem as
 * `file:line: object: message`. Nothing is sent to the server when any input
 * has a problem.
 */
import type { Readable } from 'node:stream';
import { type ResourceInfo, resourceForKind } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { emulatedRoutableRangesDeclared, setEmulatedRoutableRanges } from '../api/validation/ip.js';
import { UserError } from '../util/errors.js';
import type { CliContext } from './context.js';

/** Where an object was read from. */
export interface ManifestSource {
  readonly file: string;
  readonly line: number;
}

/** A problem as the loader reports it. */
export interface ManifestProblemLike {
  readonly file?: string;
  readonly line?: number;
  readonly object?: string;
  readonly message: string;
}

/** The loader's result (src/manifest `LoadResult`). */
export interface LoadResult {
  readonly manifests: ReadonlyArray<{
    readonly object: KubeObject;
    readonly source: ManifestSource;
    /** `Deployment default/web`. */
    readonly label?: string;
    /** The line a field path is written on, for errors the server reports. */
    fieldLine?(fieldPath: string): number;
  }>;
  readonly warnings?: readonly ManifestProblemLike[];
}

/**
 * `loadManifests(inputs, { cwd, stdin, defaultNamespace })`: resolves, or
 * throws an error carrying `problems` (src/manifest `ManifestError`).
 */
export type ManifestLoader = (
  inputs: readonly string[],
  options: { cwd: string; stdin: Readable; defaultNamespace: string; recursive: boolean },
) => Promise<LoadResult>;

/** One loaded object, ready to send. */
export interface SourcedObject {
  readonly info: ResourceInfo;
  readonly object: KubeObject;
  readonly source: ManifestSource;
  readonly label: string;
  fieldLine(fieldPath: string): number;
}

/** `file:line: object: message`, the form every manifest problem is printed in. */
export function formatProblem(p: ManifestProblemLike): string {
  const where = p.file ? (p.line ? `${p.file}:${p.line}` : p.file) : undefined;
  return [where, p.object, p.message].filter((part) => part !== undefined && part !== '').join(': ');
}

/** Several problems at once: printed one per line, `error: ` before each. */
export class ManifestProblems extends UserError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.join('\nerror: '));
    this.problems = problems;
  }
}

function problemsOf(err: unknown): readonly ManifestProblemLike[] | undefined {
  const problems = (err as { problems?: unknown })?.problems;
  return Array.isArray(problems) ? (problems as ManifestProblemLike[]) : undefined;
}

/** Loads `-f` inputs; throws ManifestProblems (nothing applied) when any is wrong. Prints loader warnings. */
export async function loadObjects(
  ctx: CliContext,
  inputs: readonly string[],
  options: { readonly recursive?: boolean | undefined } = {},
): Promise<SourcedObject[]> {
  // Loaded on first use: the loader (YAML, schemas) is the heaviest import and
  // only apply and delete -f need it.
  const load: ManifestLoader = ctx.io.manifestLoader ?? (await import('../manifest/index.js')).loadManifests;
  // Loopback addresses in the cluster's node subnet and LoadBalancer pool are
  // valid externalIPs and endpoints (`setEmulatedRoutableRanges`). `up` declares
  // its topology's ranges first; other commands do not know the running
  // cluster's, so they leave loopback addresses to the API server to judge.
  if (!emulatedRoutableRangesDeclared()) setEmulatedRoutableRanges(['127.0.0.0/8']);
  let result: LoadResult;
  try {
    result = await load(inputs, {
      cwd: ctx.io.cwd,
      stdin: ctx.io.stdin,
      defaultNamespace: ctx.namespace,
      recursive: options.recursive === true,
    });
  } catch (err) {
    const problems = problemsOf(err);
    if (problems) throw new ManifestProblems(problems.map(formatProblem));
    throw err;
  }
  for (const w of result.warnings ?? []) ctx.err(`Warning: ${formatProblem(w)}\n`);
  const problems: string[] = [];
  const objects: SourcedObject[] = [];
  for (const m of result.manifests) {
    const info = resourceForKind(m.object.kind, m.object.apiVersion);
    const label = m.label ?? `${m.object.kind} ${m.object.metadata?.name ?? ''}`;
    if (!info) {
      problems.push(
        formatProblem({
          ...m.source,
          object: label,
          message: `no matches for kind "${m.object.kind}" in version "${m.object.apiVersion}"`,
        }),
      );
      continue;
    }
    const fieldLine = (path: string) => m.fieldLine?.(path) ?? m.source.line;
    objects.push({ info, object: m.object, source: m.source, label, fieldLine });
  }
  if (problems.length > 0) throw new ManifestProblems(problems);
  return objects;
}
