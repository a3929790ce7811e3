/**
 * DELETE of an object and of a collection (`deletecollection`). Options come
 * from a `DeleteOptions` body (kubectl 1.32 sends a bare one) or, without a
 * body, from the query. The response is the object while a deletion is
 * pending (graceful pods, finalizers, terminating namespaces), the last state
 * for kinds that return the deleted object (pods, services, namespaces), and a
 * `Status` with `status: Success` otherwise.
 */
import {
  apiVersionOf,
  encodeObject,
  type KubeObject,
  type ResourceInfo,
  resourceKeyOf,
  StatusError,
} from '../../api/index.js';
import type { DeleteOptions, PropagationPolicy } from '../../store/registry.js';
import { decodeJson, readBody } from '../http/body.js';
import { type RequestContext, sendJson, successStatus } from '../http/respond.js';
import { isObject } from '../patch/index.js';
import type { ResourceTarget } from '../routing/paths.js';
import type { HandlerDeps } from './deps.js';
import { dryRunOf, listOptionsOf } from './render.js';

/** Kinds whose registry sets `ReturnDeletedObject` upstream. */
const RETURNS_DELETED_OBJECT = new Set(['Pod', 'Service', 'Namespace']);

const POLICIES: readonly PropagationPolicy[] = ['Background', 'Foreground', 'Orphan'];

function numberOf(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n))
    throw new StatusError('BadRequest', 400, `invalid gracePeriodSeconds: ${String(v)}`);
  return n;
}

/** DeleteOptions from the body, or from the query when there is no body. */
async function deleteOptionsOf(ctx: RequestContext): Promise<DeleteOptions> {
  const body = await readBody(ctx.req);
  let raw: Record<string, unknown>;
  if (body.length > 0 && body.toString('utf8').trim() !== '') {
    const parsed = decodeJson(body);
    if (!isObject(parsed))
      throw new StatusError('BadRequest', 400, 'the DeleteOptions body must be an object');
    raw = parsed;
  } else {
    const q = ctx.query;
    raw = {
      gracePeriodSeconds: q.get('gracePeriodSeconds') ?? undefined,
      propagationPolicy: q.get('propagationPolicy') ?? undefined,
      orphanDependents: q.has('orphanDependents') ? q.get('orphanDependents') === 'true' : undefined,
      dryRun: q.getAll('dryRun'),
    };
  }
  let policy = raw.propagationPolicy as PropagationPolicy | undefined;
  if (policy !== undefined && !POLICIES.includes(policy)) {
    throw new StatusError(
      'BadRequest',
      400,
      `propagationPolicy: Unsupported value: "${String(policy)}": supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  if (policy === undefined && raw.orphanDependents !== undefined)
    policy = raw.orphanDependents ? 'Orphan' : 'Background';
  if (policy === 'Foreground') {
    ctx.warnings.push(
      'netkube handles propagationPolicy=Foreground as Background: the owner goes first, then its dependents',
    );
  }
  const pre = isObject(raw.preconditions) ? raw.preconditions : undefined;
  const dryRunList = Array.isArray(raw.dryRun) ? raw.dryRun : [];
  return {
    gracePeriodSeconds: numberOf(raw.gracePeriodSeconds),
    propagationPolicy: policy === 'Foreground' ? 'Background' : policy,
    preconditions: pre
      ? {
          uid: typeof pre.uid === 'string' ? pre.uid : undefined,
          resourceVersion: typeof pre.resourceVersion === 'string' ? pre.resourceVersion : undefined,
        }
      : undefined,
    dryRun: dryRunList.includes('All') || dryRunOf(ctx.query),
  };
}

/** Deletes one object and returns what the response carries. */
function deleteOne(deps: HandlerDeps, info: ResourceInfo, obj: KubeObject, options: DeleteOptions): unknown {
  const name = obj.metadata.name ?? '';
  const namespace = info.namespaced ? obj.metadata.namespace : undefined;
  const result = deps.registry.delete(info, namespace, name, options);
  const remaining = deps.store.get(resourceKeyOf(info), namespace, name);
  if (options.dryRun || remaining) return encodeObject(options.dryRun ? result : remaining);
  if (RETURNS_DELETED_OBJECT.has(info.kind)) return encodeObject(result);
  return successStatus({ name, group: info.group, kind: info.resource, uid: obj.metadata.uid });
}

/** DELETE on an object. */
export async function handleDelete(
  ctx: RequestContext,
  deps: HandlerDeps,
  target: ResourceTarget,
): Promise<void> {
  const { info, namespace, name = '' } = target;
  const options = await deleteOptionsOf(ctx);
  const live = deps.registry.get(info, namespace, name);
  sendJson(ctx, 200, deleteOne(deps, info, live, options));
}

/** DELETE on a collection: deletes every matching object, returns the list of what was deleted. */
export async function handleDeleteCollection(
  ctx: RequestContext,
  deps: HandlerDeps,
  target: ResourceTarget,
): Promise<void> {
  const { info, namespace } = target;
  if (info.kind === 'Namespace') {
    throw new StatusError(
      'MethodNotAllowed',
      405,
      'the server does not allow this method on the requested resource',
      {
        details: {},
      },
    );
  }
  const options = await deleteOptionsOf(ctx);
  const items: unknown[] = [];
  for (const obj of deps.store.list(resourceKeyOf(info), listOptionsOf(ctx.query, namespace))) {
    const out = deleteOne(deps, info, obj, options);
    items.push(isObject(out) && out.kind === 'Status' ? encodeObject(obj) : out);
  }
  sendJson(ctx, 200, {
    kind: info.listKind,
    apiVersion: apiVersionOf(info),
    metadata: { resourceVersion: String(deps.store.resourceVersion) },
    items,
  });
}
