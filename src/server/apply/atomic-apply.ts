/**
 * `POST /apis/netkube.dev/v1alpha1/apply`: `netkube apply`, all or nothing.
 * Each object is applied with client-side-apply semantics (last-applied
 * annotation, three-way strategic merge against the live object), inside one
 * `store.transaction`; every object's error is collected, and if any failed
 * (or for a dry run) the transaction is rolled back, so watchers never see a
 * partial apply. Namespaces in the call are applied first, so later objects
 * of the same call can live in them.
 */
import {
  checkFieldTypes,
  findUnknownFields,
  formatFieldError,
  type KubeObject,
  type ResourceInfo,
  resourceKeyOf,
  StatusError,
  type StatusReason,
} from '../../api/index.js';
import type { ExtensionRequest, ExtensionResult, ExtensionRoute } from '../extensions.js';
import { checkObjectFields, decodeObject } from '../handlers/decode.js';
import type { HandlerDeps } from '../handlers/deps.js';
import { toStatusError } from '../http/respond.js';
import { isObject } from '../patch/index.js';
import { LAST_APPLIED, planApply, withLastApplied } from './last-applied.js';

/** What happened to one object, as kubectl words it (`unchanged`: the patch was empty). */
export type ApplyAction = 'created' | 'configured' | 'unchanged';

/** One line of `netkube apply` output. */
export interface ApplyResult {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly action: ApplyAction;
}

/** Where an object came from (`file:line`), for error messages. */
export interface Source {
  readonly file?: string;
  readonly line?: number;
}

/** The body of `POST …/apply` after validation. */
export interface ApplyRequest {
  readonly objects: readonly unknown[];
  readonly sources: readonly Source[];
  readonly dryRun: boolean;
  readonly defaultNamespace: string;
}

class Rollback extends Error {}

function parseRequest(body: unknown): ApplyRequest {
  if (!isObject(body) || !Array.isArray(body.objects)) {
    throw new StatusError('BadRequest', 400, 'the apply request must be an object with an "objects" list');
  }
  const sources = Array.isArray(body.sources) ? (body.sources as Source[]) : [];
  const ns =
    typeof body.defaultNamespace === 'string' && body.defaultNamespace !== ''
      ? body.defaultNamespace
      : 'default';
  return { objects: body.objects, sources, dryRun: body.dryRun === true, defaultNamespace: ns };
}

/**
 * Strict decoding, with the failing fields as causes so `netkube apply` can
 * point at their lines (the REST API's decode errors carry no causes).
 */
function checkDecoding(info: ResourceInfo, manifest: KubeObject, warnings: string[]): KubeObject {
  try {
    return checkObjectFields(info, manifest, 'Strict', warnings);
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
    const typeCauses = checkFieldTypes(manifest).map((e) => ({
      reason: e.type,
      message: formatFieldError(e).slice(e.field.length + 2),
      field: e.field,
    }));
    const unknownCauses = findUnknownFields(manifest).map((field) => ({
      reason: 'FieldValueUnknown',
      message: `unknown field "${field}"`,
      field,
    }));
    const causes = typeCauses.length > 0 ? typeCauses : unknownCauses;
    throw new StatusError(err.reason, err.httpCode, err.message, { details: { causes }, cause: err });
  }
}

/** Applies one manifest; throws a StatusError. */
function applyOne(
  deps: HandlerDeps,
  raw: unknown,
  defaultNamespace: string,
  warnings: string[],
): ApplyResult {
  if (!isObject(raw))
    throw new StatusError('BadRequest', 400, 'the object provided is not a Kubernetes object');
  const info = deps.registry.resourceOf({
    kind: String(raw.kind ?? ''),
    apiVersion: String(raw.apiVersion ?? ''),
  });
  let manifest = decodeObject(info, raw);
  if (info.namespaced) {
    manifest = {
      ...manifest,
      metadata: { ...manifest.metadata, namespace: manifest.metadata.namespace || defaultNamespace },
    };
  }
  manifest = checkDecoding(info, manifest, warnings);
  const modified = withLastApplied(manifest);
  const name = manifest.metadata.name ?? '';
  const namespace = info.namespaced ? manifest.metadata.namespace : undefined;
  const result = (action: ApplyAction, obj: KubeObject): ApplyResult => ({
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    ...(namespace ? { namespace } : {}),
    name: obj.metadata.name ?? name,
    action,
  });
  const live = name ? deps.store.get(resourceKeyOf(info), namespace, name) : undefined;
  if (!live) return result('created', deps.registry.create(modified, { fieldManager: 'netkube-apply' }));
  if (!live.metadata.annotations?.[LAST_APPLIED]) {
    warnings.push(
      `resource ${resourceKeyOf(info)}/${name} is missing the ${LAST_APPLIED} annotation which is required by netkube apply. netkube apply should only be used on resources created declaratively by either kubectl create --save-config or netkube apply. The missing annotation will be patched automatically.`,
    );
  }
  const plan = planApply(live, modified);
  if (plan.action === 'unchanged') return result('unchanged', live);
  return result('configured', deps.registry.update(plan.object, { fieldManager: 'netkube-apply' }));
}

function describe(raw: unknown, index: number, source: Source | undefined): string {
  const o = isObject(raw) ? raw : {};
  const meta = isObject(o.metadata) ? o.metadata : {};
  const ref = [meta.namespace, meta.name].filter((v) => typeof v === 'string' && v !== '').join('/');
  const where = source?.file ? ` (${source.file}${source.line ? `:${source.line}` : ''})` : '';
  return `objects[${index}] ${String(o.kind ?? '<no kind>')} ${ref || '<no name>'}${where}`;
}

/** One Status for every failed object; causes name `objects[<index>].<field>`. */
function aggregate(
  request: ApplyRequest,
  failures: readonly { index: number; error: StatusError }[],
): StatusError {
  const reasons = new Set(failures.map((f) => f.error.reason));
  const first = failures[0]?.error;
  const single = reasons.size === 1 && first;
  const reason: StatusReason = single ? first.reason : 'BadRequest';
  const code = single ? first.httpCode : 400;
  const causes = failures.flatMap(({ index, error }) => {
    const own = error.details?.causes ?? [];
    if (own.length === 0)
      return [{ reason: error.reason, message: error.message, field: `objects[${index}]` }];
    return own.map((c) => ({
      reason: c.reason,
      message: c.message,
      field: `objects[${index}].${c.field ?? ''}`,
    }));
  });
  const parts = failures.map(
    (f) => `${describe(request.objects[f.index], f.index, request.sources[f.index])}: ${f.error.message}`,
  );
  const noun =
    request.objects.length === 1 ? 'the object was' : `none of the ${request.objects.length} objects were`;
  return new StatusError(reason, code, `apply failed, ${noun} applied: ${parts.join('; ')}`, {
    details: { causes },
  });
}

/** Applies a whole request atomically. Pure over the store: all writes commit or none. */
export function applyAll(
  deps: HandlerDeps,
  request: ApplyRequest,
): { results: ApplyResult[]; warnings: string[] } {
  const results: ApplyResult[] = [];
  const warnings: string[] = [];
  const failures: { index: number; error: StatusError }[] = [];
  const order = request.objects
    .map((o, i) => ({ i, ns: isObject(o) && o.kind === 'Namespace' }))
    .sort((a, b) => Number(b.ns) - Number(a.ns))
    .map((e) => e.i);
  try {
    deps.store.transaction(() => {
      for (const i of order) {
        try {
          results[i] = applyOne(deps, request.objects[i], request.defaultNamespace, warnings);
        } catch (err) {
          failures.push({ index: i, error: toStatusError(err) });
        }
      }
      if (failures.length > 0 || request.dryRun) throw new Rollback();
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
    if (failures.length > 0)
      throw aggregate(
        request,
        failures.sort((a, b) => a.index - b.index),
      );
  }
  return { results, warnings };
}

/** The extension route serving `netkube apply`. */
export function applyRoute(deps: HandlerDeps): ExtensionRoute {
  return {
    method: 'POST',
    path: '/apply',
    handle(req: ExtensionRequest): ExtensionResult {
      return { kind: 'json', body: applyAll(deps, parseRequest(req.body)) };
    },
  };
}
