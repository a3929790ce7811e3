/**
 * `POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews`,
 * `…/selfsubjectrulesreviews` and `/apis/authentication.k8s.io/v1/
 * selfsubjectreviews` (see `../reviews.ts`): the body (JSON, YAML, or the
 * protobuf kubectl's typed clients send) is decoded as a create body, the
 * answer is 201 with the review, and nothing is stored. Any other method is
 * 405, as on a real API server, where these resources have only `create`.
 */

import type { ResourceInfo } from '../../api/index.js';
import { rfc3339 } from '../../util/clock.js';
import { decodeObjectBody, readBody } from '../http/body.js';
import { methodNotAllowedError, type RequestContext, sendJson } from '../http/respond.js';
import {
  SELF_SUBJECT_ACCESS_REVIEW,
  SELF_SUBJECT_REVIEW,
  SELF_SUBJECT_RULES_REVIEW,
  selfSubjectAccessReview,
  selfSubjectReview,
  selfSubjectRulesReview,
} from '../reviews.js';
import { decodeObject } from './decode.js';
import type { HandlerDeps } from './deps.js';

/** Serves a POST to a review resource. */
export async function handleReview(
  ctx: RequestContext,
  deps: HandlerDeps,
  info: ResourceInfo,
): Promise<void> {
  if (ctx.req.method !== 'POST') throw methodNotAllowedError();
  const body = await readBody(ctx.req);
  const obj = decodeObject(info, decodeObjectBody(ctx.req.headers['content-type'], body, ctx.warnings));
  const raw = obj as unknown as Record<string, unknown>;
  switch (info) {
    case SELF_SUBJECT_ACCESS_REVIEW:
      sendJson(ctx, 201, selfSubjectAccessReview(raw));
      return;
    case SELF_SUBJECT_RULES_REVIEW:
      sendJson(ctx, 201, selfSubjectRulesReview(raw));
      return;
    case SELF_SUBJECT_REVIEW:
      sendJson(ctx, 201, selfSubjectReview(rfc3339(deps.clock.now())));
      return;
    default:
      throw methodNotAllowedError();
  }
}
