/**
 * API errors as Kubernetes `Status` objects. The server serialises them as the
 * response body; kubectl prints `Error from server (<reason>): <message>`; the
 * netkube CLI prints the same. Message texts follow apimachinery
 * (`k8s.io/apimachinery/pkg/api/errors`) so users see what a real cluster says.
 */
import { NetkubeError } from '../util/errors.js';
import { type FieldError, formatFieldErrors } from './field-errors.js';
import { qualifiedResource, type ResourceInfo } from './resources.js';
import type { Status } from './types.js';

export type StatusReason =
  | 'BadRequest'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'Gone'
  | 'Expired'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'Forbidden'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly uid?: string;
  readonly causes?: ReadonlyArray<{
    readonly reason: string;
    readonly message: string;
    readonly field?: string;
  }>;
  readonly retryAfterSeconds?: number;
}

/** An error the API reports as a `Status` with an HTTP code. `code` is `ERR_<REASON>`. */
export class StatusError extends NetkubeError {
  readonly reason: StatusReason;
  readonly httpCode: number;
  readonly details: StatusDetails | undefined;
  /** Field errors behind an Invalid error. */
  readonly fieldErrors: readonly FieldError[];

  constructor(
    reason: StatusReason,
    httpCode: number,
    message: string,
    options: { details?: StatusDetails; fieldErrors?: readonly FieldError[]; cause?: unknown } = {},
  ) {
    super(`ERR_${reason.toUpperCase()}`, message, { cause: options.cause });
    this.reason = reason;
    this.httpCode = httpCode;
    this.details = options.details;
    this.fieldErrors = options.fieldErrors ?? [];
  }

  /** The `Status` object for the response body. */
  toStatus(): Status {
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.httpCode,
    };
    return this.details ? { ...status, details: this.details as Status['details'] & object } : status;
  }

  /** Rebuilds an error from a `Status` body received by a client. */
  static fromStatus(status: Status, httpCode = status.code ?? 500): StatusError {
    return new StatusError(
      (status.reason as StatusReason | undefined) ?? 'InternalError',
      httpCode,
      status.message ?? `the server responded with status ${httpCode}`,
      status.details ? { details: status.details as StatusDetails } : {},
    );
  }
}

type Res = Pick<ResourceInfo, 'group' | 'resource'>;

function details(info: Res, name: string): StatusDetails {
  return { name, group: info.group, kind: info.resource };
}

export function notFound(info: Res, name: string): StatusError {
  return new StatusError('NotFound', 404, `${qualifiedResource(info)} "${name}" not found`, {
    details: details(info, name),
  });
}

export function alreadyExists(info: Res, name: string): StatusError {
  return new StatusError('AlreadyExists', 409, `${qualifiedResource(info)} "${name}" already exists`, {
    details: details(info, name),
  });
}

/** A stale resourceVersion: the text kubectl apply recognises and retries on. */
export function conflict(
  info: Res,
  name: string,
  why = 'the object has been modified; please apply your changes to the latest version and try again',
): StatusError {
  return new StatusError(
    'Conflict',
    409,
    `Operation cannot be fulfilled on ${qualifiedResource(info)} "${name}": ${why}`,
    {
      details: details(info, name),
    },
  );
}

/** 422 with `details.causes`, message `Kind.group "name" is invalid: <field errors>`. */
export function invalid(
  info: Pick<ResourceInfo, 'group' | 'kind' | 'resource'>,
  name: string,
  errs: readonly FieldError[],
): StatusError {
  const qualifiedKind = info.group ? `${info.kind}.${info.group}` : info.kind;
  return new StatusError(
    'Invalid',
    422,
    `${qualifiedKind} "${name}" is invalid: ${formatFieldErrors(errs)}`,
    {
      details: {
        name,
        group: info.group,
        kind: info.kind,
        causes: errs.map((e) => ({
          reason: e.type,
          message: formatFieldErrors([e]).slice(e.field.length + 2),
          field: e.field,
        })),
      },
      fieldErrors: errs,
    },
  );
}

export function badRequest(message: string): StatusError {
  return new StatusError('BadRequest', 400, message);
}

export function methodNotAllowed(message: string): StatusError {
  return new StatusError('MethodNotAllowed', 405, message);
}

export function unsupportedMediaType(contentType: string): StatusError {
  return new StatusError(
    'UnsupportedMediaType',
    415,
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/merge-patch+json, application/strategic-merge-patch+json, application/json-patch+json, application/apply-patch+yaml (got ${contentType})`,
  );
}

/** Watch from a resourceVersion the history no longer holds: 410, the client re-lists. */
export function expired(requested: string, oldest: number): StatusError {
  return new StatusError('Expired', 410, `too old resource version: ${requested} (${oldest})`);
}

export function internalError(message: string, cause?: unknown): StatusError {
  return new StatusError('InternalError', 500, `Internal error occurred: ${message}`, { cause });
}

/**
 * 403 in apimachinery's `NewForbidden` wording: `pods "x" is forbidden: <why>`,
 * or `pods is forbidden: <why>` without a name. `causes` go into the details
 * (admission plugins add them, e.g. NamespaceLifecycle's `NamespaceTerminating`).
 */
export function forbidden(
  info: Res,
  name: string,
  why: string,
  causes?: NonNullable<StatusDetails['causes']>,
): StatusError {
  const subject = name === '' ? qualifiedResource(info) : `${qualifiedResource(info)} "${name}"`;
  return new StatusError('Forbidden', 403, `${subject} is forbidden: ${why}`, {
    details: causes ? { ...details(info, name), causes } : details(info, name),
  });
}

export function isNotFound(err: unknown): boolean {
  return err instanceof StatusError && err.reason === 'NotFound';
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof StatusError && err.reason === 'AlreadyExists';
}

export function isConflict(err: unknown): boolean {
  return err instanceof StatusError && err.reason === 'Conflict';
}
