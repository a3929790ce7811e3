/**
 * Writing responses: JSON bodies, `Status` errors, and the `Warning: 299`
 * headers kubectl prints as `Warning: <text>` on stderr. Every error leaves the
 * server as a Kubernetes `Status`; kubectl prints `Error from server
 * (<reason>): <message>`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  FieldSelectorParseError,
  internalError,
  SelectorParseError,
  type Status,
  StatusError,
} from '../../api/index.js';
import { PatchError } from '../patch/index.js';

/** Per-request state the handlers share. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly query: URLSearchParams;
  /** Texts sent as `Warning: 299 - "<text>"` headers with the response. */
  readonly warnings: string[];
  /** Aborted when the client goes away (`res` closes). */
  readonly signal: AbortSignal;
}

/** `299 - "<text>"` with quotes and backslashes escaped (RFC 7234 warn-text). */
export function warningHeader(text: string): string {
  return `299 - "${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function setCommonHeaders(ctx: RequestContext, contentType: string): void {
  ctx.res.setHeader('Content-Type', contentType);
  ctx.res.setHeader('Cache-Control', 'no-cache, private');
  if (ctx.warnings.length > 0) ctx.res.setHeader('Warning', ctx.warnings.map(warningHeader));
}

/** Sends a JSON body (pretty-printed with `?pretty=true`). */
export function sendJson(
  ctx: RequestContext,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void {
  if (ctx.res.headersSent) return;
  const pretty = ctx.query.get('pretty') === 'true' || ctx.query.get('pretty') === '1';
  const text = `${JSON.stringify(body, null, pretty ? 2 : undefined)}\n`;
  setCommonHeaders(ctx, contentType);
  ctx.res.statusCode = status;
  ctx.res.setHeader('Content-Length', Buffer.byteLength(text));
  ctx.res.end(text);
}

/** Sends plain text. */
export function sendText(ctx: RequestContext, status: number, text: string): void {
  if (ctx.res.headersSent) return;
  setCommonHeaders(ctx, 'text/plain; charset=utf-8');
  ctx.res.statusCode = status;
  ctx.res.end(text);
}

/** `Status` with `status: Success`, as delete and subresource creates return it. */
export function successStatus(details?: Record<string, unknown>, code?: number): Status {
  const status: Record<string, unknown> = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
  };
  if (details) status.details = details;
  if (code !== undefined) status.code = code;
  return status as Status;
}

/** Maps anything thrown by a handler to a StatusError. */
export function toStatusError(err: unknown): StatusError {
  if (err instanceof StatusError) return err;
  if (err instanceof PatchError) {
    if (err.httpCode === 422) {
      // apimachinery `NewGenericServerResponse(422, …)`: the detail is not echoed.
      return new StatusError(
        'Invalid',
        422,
        'the server rejected our request due to an error in our request',
        {
          details: {},
          cause: err,
        },
      );
    }
    return new StatusError('BadRequest', 400, err.message, { cause: err });
  }
  if (err instanceof SelectorParseError || err instanceof FieldSelectorParseError) {
    return new StatusError('BadRequest', 400, err.message, { cause: err });
  }
  return internalError(err instanceof Error ? err.message : String(err), err);
}

/** Sends an error as a Status; a no-op once headers went out (streams end instead). */
export function sendError(ctx: RequestContext, err: unknown): StatusError {
  const status = toStatusError(err);
  if (ctx.res.headersSent) {
    ctx.res.end();
    return status;
  }
  sendJson(ctx, status.httpCode, status.toStatus());
  return status;
}

/** The generic 404 of an unknown path. */
export function notFoundPath(): StatusError {
  return new StatusError('NotFound', 404, 'the server could not find the requested resource', {
    details: {},
  });
}

/** The generic 405 of a verb a path does not serve. */
export function methodNotAllowedError(): StatusError {
  return new StatusError(
    'MethodNotAllowed',
    405,
    'the server does not allow this method on the requested resource',
    {
      details: {},
    },
  );
}
