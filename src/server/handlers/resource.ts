/**
 * Dispatches a resolved resource path by HTTP method and subresource to its
 * handler. Unsupported combinations are 405 (as go-restful answers them).
 */
import { methodNotAllowedError, type RequestContext } from '../http/respond.js';
import type { ResourceTarget } from '../routing/paths.js';
import { handleDelete, handleDeleteCollection } from './delete.js';
import type { HandlerDeps } from './deps.js';
import { handlePatch } from './patch.js';
import { handlePodLog } from './pod-log.js';
import { handleGet } from './read.js';
import { handleScale } from './scale.js';
import { handleBinding, handleEviction, handleFinalize, streamingNotSupported } from './subresources.js';
import { handleCreate, handleUpdate } from './write.js';

async function handleCollection(
  ctx: RequestContext,
  deps: HandlerDeps,
  target: ResourceTarget,
): Promise<void> {
  switch (ctx.req.method) {
    case 'GET':
      handleGet(ctx, deps, target);
      return;
    case 'POST':
      return handleCreate(ctx, deps, target);
    case 'DELETE':
      return handleDeleteCollection(ctx, deps, target);
    default:
      throw methodNotAllowedError();
  }
}

async function handleObject(ctx: RequestContext, deps: HandlerDeps, target: ResourceTarget): Promise<void> {
  switch (ctx.req.method) {
    case 'GET':
      handleGet(ctx, deps, target);
      return;
    case 'PUT':
      return handleUpdate(ctx, deps, target);
    case 'PATCH':
      return handlePatch(ctx, deps, target);
    case 'DELETE':
      return handleDelete(ctx, deps, target);
    default:
      throw methodNotAllowedError();
  }
}

async function handleStatus(ctx: RequestContext, deps: HandlerDeps, target: ResourceTarget): Promise<void> {
  switch (ctx.req.method) {
    case 'GET':
      handleGet(ctx, deps, { ...target, subresource: undefined });
      return;
    case 'PUT':
      return handleUpdate(ctx, deps, target);
    case 'PATCH':
      return handlePatch(ctx, deps, target);
    default:
      throw methodNotAllowedError();
  }
}

function only(ctx: RequestContext, method: string): void {
  if (ctx.req.method !== method) throw methodNotAllowedError();
}

/** Serves one request on a resource path. Throws StatusErrors for the caller to render. */
export async function handleResource(
  ctx: RequestContext,
  deps: HandlerDeps,
  target: ResourceTarget,
): Promise<void> {
  if (target.name === undefined) return handleCollection(ctx, deps, target);
  switch (target.subresource) {
    case undefined:
      return handleObject(ctx, deps, target);
    case 'status':
      return handleStatus(ctx, deps, target);
    case 'scale':
      return handleScale(ctx, deps, target);
    case 'log':
      only(ctx, 'GET');
      return handlePodLog(ctx, deps, target);
    case 'binding':
      only(ctx, 'POST');
      return handleBinding(ctx, deps, target);
    case 'eviction':
      only(ctx, 'POST');
      return handleEviction(ctx, deps, target);
    case 'finalize':
      only(ctx, 'PUT');
      return handleFinalize(ctx, deps, target);
    default:
      throw streamingNotSupported(target.subresource, target.info.kind);
  }
}
