/**
 * PATCH of an object or its `status`: JSON patch, JSON merge patch, strategic
 * merge patch, and server-side apply (`application/apply-patch+yaml`: 201 when
 * it creates, 200 when it updates). The patch is applied to the live object;
 * a `metadata.resourceVersion` it sets is a precondition (409 on mismatch),
 * checked by the Registry.
 */
import {
  apiVersionOf,
  fieldError,
  invalid,
  type KubeObject,
  normalizeNulls,
  notFound,
  type ResourceInfo,
  resourceKeyOf,
  StatusError,
} from '../../api/index.js';
import { decodeJson, decodeYaml, isProtobuf, readBody, unsupportedMediaTypeError } from '../http/body.js';
import { type RequestContext, sendJson } from '../http/respond.js';
import {
  applyPatch,
  cloneJson,
  isObject,
  type JsonObject,
  type JsonValue,
  PATCH_CONTENT_TYPES,
  patchSchemaFor,
  patchTypeOf,
  serverSideApply,
} from '../patch/index.js';
import type { ResourceTarget } from '../routing/paths.js';
import { checkFields, decodeObject } from './decode.js';
import type { HandlerDeps } from './deps.js';
import { outputOf, renderObject } from './render.js';
import { checkName, fieldManagerOptions } from './write.js';

/** Reads and decodes a PATCH body; 415 for unknown types and protobuf. */
export async function readPatch(
  ctx: RequestContext,
): Promise<{ type: ReturnType<typeof patchTypeOf>; patch: JsonValue }> {
  const contentType = ctx.req.headers['content-type'];
  const type = patchTypeOf(contentType);
  const body = await readBody(ctx.req);
  if (!type || isProtobuf(contentType, body))
    throw unsupportedMediaTypeError(Object.keys(PATCH_CONTENT_TYPES));
  const patch = (type === 'apply' ? decodeYaml(body) : decodeJson(body)) as JsonValue;
  return { type, patch };
}

/** PATCH on an object or on its `status` subresource. */
export async function handlePatch(
  ctx: RequestContext,
  deps: HandlerDeps,
  target: ResourceTarget,
): Promise<void> {
  const { info, namespace, name = '' } = target;
  const { type, patch } = await readPatch(ctx);
  const live = deps.store.get(resourceKeyOf(info), info.namespaced ? namespace : undefined, name);
  if (type === 'apply') {
    await applyServerSide(ctx, deps, target, live, patch);
    return;
  }
  if (!live || !type) throw notFound(info, name);
  // The patched JSON is decoded like a request body: nulls become absent fields.
  const result = normalizeNulls(
    applyPatch(
      type,
      live as unknown as JsonObject,
      patch,
      patchSchemaFor(info.kind),
    ) as unknown as KubeObject,
  );
  checkName(result, name, namespace);
  const patched = checkFields(ctx, info, result, { strategic: type === 'strategic', patch });
  const subresource = target.subresource === 'status' ? 'status' : undefined;
  const updated = deps.registry.update(patched, { ...fieldManagerOptions(ctx), subresource });
  sendJson(ctx, 200, renderObject(info, updated, outputOf(ctx), deps.clock.now()));
}

function requireFieldManager(ctx: RequestContext): string {
  const manager = ctx.query.get('fieldManager');
  if (manager) return manager;
  throw invalid({ group: 'meta.k8s.io', kind: 'PatchOptions', resource: 'patchoptions' }, '', [
    fieldError.required('fieldManager', 'is required for apply patch'),
  ]);
}

/**
 * Server-side apply, approximated: create when absent, otherwise a three-way
 * strategic merge against the manager's previous intent. Field ownership is
 * not tracked, so conflicts are never reported and `force` changes nothing;
 * a warning says so.
 */
async function applyServerSide(
  ctx: RequestContext,
  deps: HandlerDeps,
  target: ResourceTarget,
  live: KubeObject | undefined,
  patch: JsonValue,
): Promise<void> {
  const { info, namespace, name = '' } = target;
  const manager = requireFieldManager(ctx);
  if (!isObject(patch))
    throw new StatusError('BadRequest', 400, 'error decoding YAML: the apply patch must be an object');
  const applied = checkFields(
    ctx,
    info,
    checkAppliedObject(info, decodeObject(info, cloneJson(patch)), name, namespace),
  );
  ctx.warnings.push(
    'netkube approximates server-side apply: managedFields are not recorded and field ownership conflicts are never reported',
  );
  const options = fieldManagerOptions(ctx);
  if (!live) {
    const created = deps.registry.create(applied, options);
    if (!options.dryRun) deps.intents.set(created.metadata.uid, manager, applied as unknown as JsonObject);
    sendJson(ctx, 201, renderObject(info, created, outputOf(ctx), deps.clock.now()));
    return;
  }
  const previous = deps.intents.get(live.metadata.uid, manager);
  const merged = serverSideApply(
    live as unknown as JsonObject,
    applied as unknown as JsonObject,
    previous,
    patchSchemaFor(info.kind),
  ) as unknown as KubeObject;
  const subresource = target.subresource === 'status' ? 'status' : undefined;
  const updated = deps.registry.update(merged, { ...options, subresource });
  if (!options.dryRun) deps.intents.set(updated.metadata.uid, manager, applied as unknown as JsonObject);
  sendJson(ctx, 200, renderObject(info, updated, outputOf(ctx), deps.clock.now()));
}

/** An apply body must name its kind, apiVersion and the URL's object. */
function checkAppliedObject(
  info: ResourceInfo,
  obj: KubeObject,
  name: string,
  namespace: string | undefined,
): KubeObject {
  if (obj.apiVersion !== apiVersionOf(info) || obj.kind !== info.kind) {
    throw new StatusError(
      'BadRequest',
      400,
      `the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(info)})`,
    );
  }
  checkName(obj, name, namespace);
  return info.namespaced && namespace ? { ...obj, metadata: { ...obj.metadata, namespace } } : obj;
}
