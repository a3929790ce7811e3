/**
 * POST (create, 201) and PUT (update, 200) through the Registry, which
 * defaults, validates, checks the resourceVersion precondition (409 Conflict)
 * and never stores a no-op. The namespace and name checks and their texts are
 * the apiserver's (`rest.BeforeCreate`, `checkName`).
 */
import { type KubeObject, type ResourceInfo, StatusError } from '../../api/index.js';
import { decodeObjectBody, readBody } from '../http/body.js';
import { type RequestContext, sendJson } from '../http/respond.js';
import type { ResourceTarget } from '../routing/paths.js';
import { checkFields, decodeObject } from './decode.js';
import type { HandlerDeps } from './deps.js';
import { dryRunOf, outputOf, renderObject } from './render.js';

async function readObject(ctx: RequestContext, info: ResourceInfo): Promise<KubeObject> {
  const body = await readBody(ctx.req);
  return decodeObject(info, decodeObjectBody(ctx.req.headers['content-type'], body, ctx.warnings));
}

/** Sets the URL namespace on a namespaced object, or rejects a different one (create wording). */
function withRequestNamespace(
  info: ResourceInfo,
  obj: KubeObject,
  namespace: string | undefined,
): KubeObject {
  if (!info.namespaced) return obj;
  const own = obj.metadata.namespace;
  if (own && namespace && own !== namespace) {
    throw new StatusError(
      'BadRequest',
      400,
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  }
  return { ...obj, metadata: { ...obj.metadata, namespace: namespace ?? own ?? 'default' } };
}

/** `checkName`: the object must carry the URL's name and namespace (update and patch wording). */
export function checkName(obj: KubeObject, name: string, namespace: string | undefined): void {
  const objName = obj.metadata.name ?? '';
  if (objName !== name) {
    throw new StatusError(
      'BadRequest',
      400,
      `the name of the object (${objName}) does not match the name on the URL (${name})`,
    );
  }
  const objNamespace = obj.metadata.namespace;
  if (namespace && objNamespace && objNamespace !== namespace) {
    throw new StatusError(
      'BadRequest',
      400,
      `the namespace of the object (${objNamespace}) does not match the namespace on the request (${namespace})`,
    );
  }
}

/** POST to a collection. */
export async function handleCreate(
  ctx: RequestContext,
  deps: HandlerDeps,
  target: ResourceTarget,
): Promise<void> {
  const { info, namespace } = target;
  if (info.namespaced && namespace === undefined) {
    throw new StatusError(
      'MethodNotAllowed',
      405,
      'the server does not allow this method on the requested resource',
      {
        details: {},
      },
    );
  }
  const obj = checkFields(ctx, info, withRequestNamespace(info, await readObject(ctx, info), namespace));
  const created = deps.registry.create(obj, fieldManagerOptions(ctx));
  sendJson(ctx, 201, renderObject(info, created, outputOf(ctx), deps.clock.now()));
}

/** PUT to an object (main resource or `status`). */
export async function handleUpdate(
  ctx: RequestContext,
  deps: HandlerDeps,
  target: ResourceTarget,
): Promise<void> {
  const { info, namespace, name = '' } = target;
  let obj = await readObject(ctx, info);
  checkName(obj, name, namespace);
  if (info.namespaced && namespace) obj = { ...obj, metadata: { ...obj.metadata, namespace } };
  obj = checkFields(ctx, info, obj);
  const subresource = target.subresource === 'status' ? 'status' : undefined;
  const updated = deps.registry.update(obj, { ...fieldManagerOptions(ctx), subresource });
  sendJson(ctx, 200, renderObject(info, updated, outputOf(ctx), deps.clock.now()));
}

/** `dryRun` and `fieldManager` of a write. */
export function fieldManagerOptions(ctx: RequestContext): { dryRun: boolean; fieldManager?: string } {
  const fieldManager = ctx.query.get('fieldManager');
  return fieldManager ? { dryRun: dryRunOf(ctx.query), fieldManager } : { dryRun: dryRunOf(ctx.query) };
}
