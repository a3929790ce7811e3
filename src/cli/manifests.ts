/**
 * The CLI's side of the manifest loader (src/manifest): `-f FILE|DIR|-`
 * inputs become objects with their file/line and resolved resource, or one
 * UserError listing every problem as `file:line: …`. Nothing is sent to the
 * server when any input has a problem.
 */
import { type ResourceInfo, resourceForKind } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { UserError } from '../util/errors.js';
import type { CliContext } from './context.js';

/** Where an object was read from. */
export interface ManifestSource {
  readonly file: string;
  readonly line: number;
}

/** One loaded object, ready to send. */
export interface SourcedObject {
  readonly info: ResourceInfo;
  readonly object: KubeObject;
  readonly source: ManifestSource;
}

/** The loader's result shape: objects with sources, or problems with positions. */
export interface LoadResult {
  readonly objects: ReadonlyArray<{ readonly object: KubeObject; readonly source: ManifestSource }>;
  readonly errors: ReadonlyArray<{
    readonly file?: string;
    readonly line?: number;
    readonly message: string;
  }>;
}

export type ManifestLoader = (
  inputs: readonly string[],
  options: { cwd: string; stdin: NodeJS.ReadableStream },
) => Promise<LoadResult>;

/** `file:line: message`, the form every manifest problem is printed in. */
export function formatProblem(p: {
  readonly file?: string;
  readonly line?: number;
  readonly message: string;
}): string {
  if (!p.file) return p.message;
  return p.line ? `${p.file}:${p.line}: ${p.message}` : `${p.file}: ${p.message}`;
}

/** Several problems at once: printed one per line, `error: ` before each. */
export class ManifestProblems extends UserError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.join('\nerror: '));
    this.problems = problems;
  }
}

async function defaultLoader(): Promise<ManifestLoader> {
  // The manifest loader is written in parallel (src/manifest); until it is part
  // of the build, say so instead of reading YAML a second, different way.
  const specifier = '../manifest/index.js';
  try {
    const mod = (await import(specifier)) as { loadManifests?: ManifestLoader };
    if (mod.loadManifests) return mod.loadManifests;
  } catch {
    // fall through
  }
  throw new UserError(
    'reading manifests needs the manifest loader (src/manifest), which this build does not include',
  );
}

/** Loads `-f` inputs; throws ManifestProblems (nothing applied) when any is wrong. */
export async function loadObjects(ctx: CliContext, inputs: readonly string[]): Promise<SourcedObject[]> {
  const load = ctx.io.manifestLoader ?? (await defaultLoader());
  const result = await load(inputs, { cwd: ctx.io.cwd, stdin: ctx.io.stdin });
  const problems = result.errors.map(formatProblem);
  const objects: SourcedObject[] = [];
  for (const { object, source } of result.objects) {
    const info = resourceForKind(object.kind, object.apiVersion);
    if (!info) {
      problems.push(
        formatProblem({
          ...source,
          message: `no matches for kind "${object.kind}" in version "${object.apiVersion}"`,
        }),
      );
      continue;
    }
    objects.push({ info, object, source });
  }
  if (problems.length > 0) throw new ManifestProblems(problems);
  if (objects.length === 0) throw new UserError('no objects passed to apply');
  return objects;
}
