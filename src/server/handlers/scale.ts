/**
 * The `scale` subresource of Deployments and ReplicaSets (`autoscaling/v1`
 * Scale): GET, PUT and PATCH (`kubectl scale` sends a merge patch
 * `{"spec":{"replicas":3}}`; with `--current-replicas` it GETs then PUTs the
 * Scale with its resourceVersion, and a stale one is a 409 Conflict).
 */
import {
  conflict,
  fieldError,
  invalid,
  type KubeObject,
  type LabelSelector,
  notFound,
  type ResourceInfo,
  resourceKeyOf,
  StatusError,
} from '../../api/index.js';
import { decodeObjectBody, readBody } from '../http/body.js';
import { type RequestContext, sendJson } from '../http/respond.js';
import { ANY, applyPatch, isObject, type JsonObject } from '../patch/index.js';
import { labelSelectorString } from '../printers/index.js';
import type { ResourceTarget } from '../routing/paths.js';
import type { HandlerDeps } from './deps.js';
import { readPatch } from './patch.js';
import { fieldManagerOptions } from './write.js';

type Scalable = KubeObject & {
  spec?: { replicas?: number; selector?: LabelSelector };
  status?: { replicas?: number };
};

const SCALE_INFO = { group: 'autoscaling', kind: 'Scale', resource: 'scales' };

/** The Scale view of a Deployment or ReplicaSet. */
export function scaleOf(obj: Scalable): JsonObject {
  const m = obj.metadata;
  const metadata: JsonObject = {};
  for (const key of ['name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp'] as const) {
    const v = m[key];
    if (v !== undefined) metadata[key] = v;
  }
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata,
    spec: { replicas: obj.spec?.replicas ?? 1 },
    status: { replicas: obj.status?.replicas ?? 0, selector: labelSelectorString(obj.spec?.selector) },
  };
}

function live(deps: HandlerDeps, target: ResourceTarget): Scalable {
  const { info, namespace, name = '' } = target;
  const obj = deps.store.get<Scalable>(resourceKeyOf(info), namespace, name);
  if (!obj) throw notFound(info, name);
  return obj;
}

/** Writes a new Scale: replicas checked, the Scale's resourceVersion a precondition on the owner. */
function applyScale(
  ctx: RequestContext,
  deps: HandlerDeps,
  info: ResourceInfo,
  obj: Scalable,
  scale: unknown,
): void {
  const name = obj.metadata.name ?? '';
  if (!isObject(scale))
    throw new StatusError('BadRequest', 400, 'the object provided is unrecognized (must be of type Scale)');
  const meta = isObject(scale.metadata) ? scale.metadata : {};
  if (typeof meta.name === 'string' && meta.name !== name) {
    throw new StatusError(
      'BadRequest',
      400,
      `the name of the object (${meta.name}) does not match the name on the URL (${name})`,
    );
  }
  const rv = meta.resourceVersion;
  if (typeof rv === 'string' && rv !== '' && rv !== obj.metadata.resourceVersion) throw conflict(info, name);
  const spec = isObject(scale.spec) ? scale.spec : {};
  const replicas = spec.replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid(SCALE_INFO, name, [
      fieldError.invalid('spec.replicas', replicas, 'must be greater than or equal to 0'),
    ]);
  }
  const updated = deps.registry.update(
    { ...obj, spec: { ...obj.spec, replicas } },
    fieldManagerOptions(ctx),
  ) as Scalable;
  sendJson(ctx, 200, scaleOf(updated));
}

/** GET, PUT or PATCH on `<resource>/<name>/scale`. */
export async function handleScale(
  ctx: RequestContext,
  deps: HandlerDeps,
  target: ResourceTarget,
): Promise<void> {
  const obj = live(deps, target);
  switch (ctx.req.method) {
    case 'GET':
      sendJson(ctx, 200, scaleOf(obj));
      return;
    case 'PUT': {
      const body = decodeObjectBody(ctx.req.headers['content-type'], await readBody(ctx.req), ctx.warnings);
      applyScale(ctx, deps, target.info, obj, body);
      return;
    }
    case 'PATCH': {
      const { type, patch } = await readPatch(ctx);
      if (type === 'apply' || !type) {
        applyScale(ctx, deps, target.info, obj, patch);
        return;
      }
      applyScale(ctx, deps, target.info, obj, applyPatch(type, scaleOf(obj), patch, ANY));
      return;
    }
    default:
      throw new StatusError(
        'MethodNotAllowed',
        405,
        'the server does not allow this method on the requested resource',
        {
          details: {},
        },
      );
  }
}
