/**
 * The checks one manifest object goes through before anything is sent, in
 * the order the API server would stop at them: it must be a mapping with
 * `apiVersion` and `kind`; the kind must be served, under that apiVersion;
 * its fields must be known (strict decoding); and the object must pass the
 * kind's own validation, run client-side so each error carries its line.
 */
import {
  apiVersionOf,
  dryRunCreate,
  findUnknownFields,
  formatFieldError,
  knownKinds,
  resourceForKind,
  resourceForName,
  unknownFieldMessage,
} from '../api/index.js';
import type { KubeObject } from '../api/types.js';
import type { ManifestProblem, ManifestProblemCode } from './problems.js';

/** Where an object sits, for messages and line lookups. */
export interface ObjectContext {
  readonly file: string;
  /** Line of the object's first field. */
  readonly line: number;
  /** Line of a field path, or of its nearest written ancestor. */
  readonly fieldLine: (fieldPath: string) => number;
  readonly defaultNamespace: string;
}

export interface CheckedObject {
  readonly problems: ManifestProblem[];
  /** Set when the object is a known kind under its served apiVersion. */
  readonly object?: KubeObject;
  /** `Deployment default/web`. */
  readonly label?: string;
  /** `apps/Deployment/default/web`: what makes two manifests the same object (none for generateName). */
  readonly identity?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j] ?? 0;
      row[j] = next;
    }
  }
  return row[b.length] ?? 0;
}

/** The served kind a mistyped one most likely means: same letters in another case, a resource name, or a near spelling. */
export function suggestKind(kind: string): string | undefined {
  const kinds = knownKinds();
  const caseless = kinds.find((k) => k.toLowerCase() === kind.toLowerCase());
  if (caseless) return caseless;
  const byName = resourceForName(kind);
  if (byName) return byName.kind;
  let best: { kind: string; distance: number } | undefined;
  for (const k of kinds) {
    const distance = levenshtein(kind.toLowerCase(), k.toLowerCase());
    if (distance <= Math.max(1, Math.floor(k.length / 3)) && (!best || distance < best.distance))
      best = { kind: k, distance };
  }
  return best?.kind;
}

function problem(
  ctx: ObjectContext,
  code: ManifestProblemCode,
  message: string,
  extra: Partial<ManifestProblem> = {},
): ManifestProblem {
  return { code, file: ctx.file, line: ctx.line, message, ...extra };
}

/**
 * The object as the API server validates it: with the name `generateName` would
 * give and the fields its allocators fill in before validation (the Service
 * storage's `beginCreate` allocates a healthCheckNodePort for a LoadBalancer with
 * externalTrafficPolicy Local, which validation then requires).
 */
function validationCopy(obj: KubeObject, namespace: string | undefined): KubeObject {
  const metadata = { ...obj.metadata };
  if (namespace !== undefined) metadata.namespace = namespace;
  if (!metadata.name && metadata.generateName) metadata.name = `${metadata.generateName}x7k2q`;
  const spec = (obj as { spec?: unknown }).spec;
  if (
    obj.kind === 'Service' &&
    isRecord(spec) &&
    spec.type === 'LoadBalancer' &&
    spec.externalTrafficPolicy === 'Local' &&
    !spec.healthCheckNodePort
  ) {
    return { ...obj, metadata, spec: { ...spec, healthCheckNodePort: 30000 } } as KubeObject;
  }
  return { ...obj, metadata };
}

/** Runs every check on one parsed value. Problems are ordered by kind of check, then by field. */
export function checkObject(value: unknown, ctx: ObjectContext): CheckedObject {
  if (!isRecord(value)) {
    const found = Array.isArray(value) ? 'a list' : `a ${value === null ? 'null' : typeof value}`;
    return {
      problems: [
        problem(
          ctx,
          'NOT_AN_OBJECT',
          `a Kubernetes object must be a mapping with apiVersion and kind, found ${found}`,
        ),
      ],
    };
  }
  const problems: ManifestProblem[] = [];
  const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : '';
  const kind = typeof value.kind === 'string' ? value.kind : '';
  if (!apiVersion) problems.push(problem(ctx, 'MISSING_API_VERSION', 'apiVersion not set'));
  if (!kind) problems.push(problem(ctx, 'MISSING_KIND', 'kind not set'));
  if (problems.length) return { problems };
  const info = resourceForKind(kind);
  if (!info) {
    const suggestion = suggestKind(kind);
    const hint = suggestion ? `did you mean "${suggestion}"?` : `netkube serves ${knownKinds().join(', ')}`;
    const line = ctx.fieldLine('kind');
    return {
      problems: [
        problem(ctx, 'UNKNOWN_KIND', `kind "${kind}" is not known: ${hint}`, { line, field: 'kind' }),
      ],
    };
  }
  if (apiVersionOf(info) !== apiVersion) {
    const message = `${kind} is served as ${apiVersionOf(info)}, not ${apiVersion}`;
    return {
      problems: [
        problem(ctx, 'API_VERSION_MISMATCH', message, {
          line: ctx.fieldLine('apiVersion'),
          field: 'apiVersion',
        }),
      ],
    };
  }
  const obj = { ...value, metadata: isRecord(value.metadata) ? value.metadata : {} } as unknown as KubeObject;
  const namespace = info.namespaced ? obj.metadata.namespace || ctx.defaultNamespace : undefined;
  const name = obj.metadata.name ?? '';
  const label = `${kind} ${namespace ? `${namespace}/` : ''}${name || '(no name)'}`;
  for (const field of findUnknownFields(value)) {
    problems.push(
      problem(ctx, 'UNKNOWN_FIELD', unknownFieldMessage([field]), {
        line: ctx.fieldLine(field),
        field,
        object: label,
      }),
    );
  }
  for (const err of dryRunCreate(validationCopy(obj, namespace)).errors) {
    problems.push(
      problem(ctx, 'INVALID', formatFieldError(err), {
        line: ctx.fieldLine(err.field),
        field: err.field,
        object: label,
      }),
    );
  }
  const identity = name ? `${info.group}/${kind}/${namespace ?? ''}/${name}` : undefined;
  return identity ? { problems, object: obj, label, identity } : { problems, object: obj, label };
}
