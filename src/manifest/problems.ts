/**
 * What can be wrong with a manifest, and how it is reported: one problem per
 * rule broken, each naming the file, the line, the object and the field, as
 * `examples/web/deploy.yaml:14: Deployment default/web: spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive`.
 */
import { NetkubeError } from '../util/errors.js';

/** Why a manifest cannot be used (or, for `DUPLICATE_IDENTICAL`, what is merely worth a warning). */
export type ManifestProblemCode =
  /** Emitted when a file or directory cannot be read. */
  | 'READ_FAILED'
  /** Emitted when the inputs hold no object at all. */
  | 'NO_OBJECTS'
  /** Emitted for YAML the parser rejects (with its message and position). */
  | 'YAML_SYNTAX'
  /** Emitted when tabs indent YAML (the first such line; the file is still checked as if spaces were used). */
  | 'TAB_INDENT'
  /** Emitted for a document that is not a mapping (a list or a scalar at the top). */
  | 'NOT_AN_OBJECT'
  /** Emitted when `apiVersion` is missing. */
  | 'MISSING_API_VERSION'
  /** Emitted when `kind` is missing. */
  | 'MISSING_KIND'
  /** Emitted for a kind netkube does not serve, with a did-you-mean when one is close. */
  | 'UNKNOWN_KIND'
  /** Emitted when `apiVersion` is not the one the kind is served as. */
  | 'API_VERSION_MISMATCH'
  /** Emitted for a field the kind does not have (the API server's strict decoding error). */
  | 'UNKNOWN_FIELD'
  /** Emitted for a field error of API validation (or a value of the wrong type). */
  | 'INVALID'
  /** Emitted (as a warning) when the same object appears twice, identically: it is applied once. */
  | 'DUPLICATE_IDENTICAL'
  /** Emitted when the same object appears twice with different content. */
  | 'DUPLICATE_CONFLICT';

export interface ManifestProblem {
  readonly code: ManifestProblemCode;
  /** The file as the user named it (`STDIN` for `-`). */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** `Deployment default/web`, when the object is known. */
  readonly object?: string;
  /** Field path in Kubernetes notation, when the problem is about one field. */
  readonly field?: string;
  /** The rule broken, without file, line or object (for INVALID it starts with the field path). */
  readonly message: string;
}

/** `file:line: object: message`, the one-line form every problem is shown in. */
export function formatProblem(p: ManifestProblem): string {
  return [`${p.file}:${p.line}`, p.object, p.message]
    .filter((part) => part !== undefined && part !== '')
    .join(': ');
}

/**
 * Thrown by `loadManifests` when any input is unusable. Carries every problem
 * found, not just the first, so one run shows everything to fix; the message
 * is one formatted problem per line. Nothing from a failed load may be applied.
 */
export class ManifestError extends NetkubeError {
  readonly problems: readonly ManifestProblem[];

  constructor(problems: readonly ManifestProblem[]) {
    super('ERR_MANIFEST', problems.map(formatProblem).join('\n'));
    this.problems = problems;
  }
}
