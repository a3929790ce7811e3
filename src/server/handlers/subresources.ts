/**
 * The remaining subresources: pod `binding` (the scheduler's write), pod
 * `eviction` (policy/v1 Eviction → a delete; netkube has no
 * PodDisruptionBudgets, so evictions are always allowed), namespace
 * `finalize`, and the streaming subresources netkube does not serve over the
 * Kubernetes API (port-forward, exec, attach, service proxy), which get a
 * 400 Status naming the netkube command to use instead.
 */
import { conflict, fieldError, invalid, type KubeObject, notFound, StatusError } from '../../api/index.js';
import { rfc3339 } from '../../util/index.js';
import { decodeObjectBody, readBody } from '../http/body.js';
import { type RequestContext, sendJson, successStatus } from '../http/respond.js';
import { isObject, type JsonObject } from '../patch/index.js';
import type { ResourceTarget } from '../routing/paths.js';
import type { HandlerDeps } from './deps.js';
import { fieldManagerOptions } from './write.js';

async function readJsonObject(ctx: RequestContext, kind: string): Promise<JsonObject> {
  const body = decodeObjectBody(ctx.req.headers['content-type'], await readBody(ctx.req), ctx.warnings);
  if (!isObject(body))
    throw new StatusError('BadRequest', 400, `the object provided is unrecognized (must be of type ${kind})`);
  return body;
}

type BindablePod = KubeObject & {
  spec?: { nodeName?: string };
  status?: { conditions?: readonly { type: string; status: string; lastTransitionTime?: string }[] };
};

/**
 * POST pods/<name>/binding: sets `spec.nodeName` once and PodScheduled=True
 * (201 Success). Like upstream `BindingREST`, this is its own storage path and
 * not a pod update (pod update validation forbids changing `spec.nodeName`,
 * and the Registry has no binding method), so it writes the store directly
 * with the binding path's own checks; no-op writes cannot happen here.
 */
export async function handleBinding(
  ctx: RequestContext,
  deps: HandlerDeps,
  target: ResourceTarget,
): Promise<void> {
  const { info, namespace = '', name = '' } = target;
  const binding = await readJsonObject(ctx, 'Binding');
  const bindingTarget = isObject(binding.target) ? binding.target : {};
  const errs = [];
  if (typeof bindingTarget.kind === 'string' && bindingTarget.kind !== '' && bindingTarget.kind !== 'Node') {
    errs.push(fieldError.notSupported('target.kind', bindingTarget.kind, ['Node']));
  }
  if (typeof bindingTarget.name !== 'string' || bindingTarget.name === '')
    errs.push(fieldError.required('target.name'));
  if (errs.length > 0) throw invalid({ group: '', kind: 'Binding', resource: 'bindings' }, name, errs);
  const pod = deps.store.get<BindablePod>('pods', namespace, name);
  const meta = isObject(binding.metadata) ? binding.metadata : {};
  if (!pod || (typeof meta.uid === 'string' && meta.uid !== '' && meta.uid !== pod.metadata.uid))
    throw notFound(info, name);
  const bindingInfo = { group: '', resource: 'pods/binding' };
  if (pod.metadata.deletionTimestamp) {
    throw conflict(bindingInfo, name, `pod ${name} is being deleted, cannot be assigned to a host`);
  }
  if (pod.spec?.nodeName) {
    throw conflict(bindingInfo, name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
  }
  if (!fieldManagerOptions(ctx).dryRun) {
    const now = rfc3339(deps.clock.now());
    const others = (pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    deps.store.update('pods', {
      ...pod,
      spec: { ...pod.spec, nodeName: bindingTarget.name as string },
      status: {
        ...pod.status,
        conditions: [...others, { type: 'PodScheduled', status: 'True', lastTransitionTime: now }],
      },
    });
  }
  sendJson(ctx, 201, successStatus(undefined, 201));
}

/** POST pods/<name>/eviction: deletes the pod with the Eviction's DeleteOptions (201 Success). */
export async function handleEviction(
  ctx: RequestContext,
  deps: HandlerDeps,
  target: ResourceTarget,
): Promise<void> {
  const { info, namespace, name = '' } = target;
  const eviction = await readJsonObject(ctx, 'Eviction');
  const meta = isObject(eviction.metadata) ? eviction.metadata : {};
  if (typeof meta.name === 'string' && meta.name !== name) {
    throw new StatusError('BadRequest', 400, 'name in URL does not match name in Eviction object');
  }
  if (!deps.registry.tryGet(info, namespace, name)) throw notFound(info, name);
  const opts = isObject(eviction.deleteOptions) ? eviction.deleteOptions : {};
  const pre = isObject(opts.preconditions) ? opts.preconditions : undefined;
  deps.registry.delete(info, namespace, name, {
    gracePeriodSeconds: typeof opts.gracePeriodSeconds === 'number' ? opts.gracePeriodSeconds : undefined,
    preconditions: pre
      ? {
          uid: typeof pre.uid === 'string' ? pre.uid : undefined,
          resourceVersion: typeof pre.resourceVersion === 'string' ? pre.resourceVersion : undefined,
        }
      : undefined,
    dryRun: fieldManagerOptions(ctx).dryRun,
  });
  sendJson(ctx, 201, successStatus(undefined, 201));
}

/** PUT namespaces/<name>/finalize: replaces `spec.finalizers`. */
export async function handleFinalize(
  ctx: RequestContext,
  deps: HandlerDeps,
  target: ResourceTarget,
): Promise<void> {
  const { info, name = '' } = target;
  const body = await readJsonObject(ctx, 'Namespace');
  const ns = deps.registry.get<KubeObject & { spec?: JsonObject }>(info, undefined, name);
  const spec = isObject(body.spec) ? body.spec : {};
  const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers : [];
  const updated = deps.registry.update({ ...ns, spec: { ...ns.spec, finalizers } }, fieldManagerOptions(ctx));
  sendJson(ctx, 200, updated);
}

/** The 400 of a streaming subresource; also written raw on upgrade requests. */
export function streamingNotSupported(subresource: string, kind: string): StatusError {
  switch (subresource) {
    case 'portforward':
      return new StatusError(
        'BadRequest',
        400,
        'this API server has no pods to forward to (netkube serves port-forward from a running emulator); use `netkube curl` or the SOCKS gateway instead',
      );
    case 'exec':
    case 'attach':
      return new StatusError(
        'BadRequest',
        400,
        `netkube does not serve ${subresource} over the Kubernetes API; use \`netkube exec\` instead`,
      );
    default:
      return new StatusError(
        'BadRequest',
        400,
        `netkube does not proxy to ${kind === 'Service' ? 'services' : 'pods'} through the API server; use \`netkube curl\` or the SOCKS gateway instead`,
      );
  }
}
