/**
 * Request bodies: bounded reading and decoding of JSON, YAML and the protobuf
 * bodies of kubectl's `create deployment|namespace|configmap|secret|service|
 * ingress` generators (reference §2.6, option A, for the objects those
 * generators send; any other protobuf body is answered 415 with a warning
 * naming the workaround).
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { StatusError } from '../../api/index.js';
import { decodeKubernetesProtobuf, hasProtobufMagic } from '../../api/protobuf/decode.js';

/** The API server's request body limit (3 MiB, `MaxRequestBodyBytes`). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Shown with every 415 for a protobuf body. */
export const PROTOBUF_WORKAROUND =
  'netkube decodes protobuf request bodies only for the objects of kubectl create deployment, namespace, ' +
  'configmap, secret, service and ingress; generate the object and apply it instead, e.g. ' +
  'kubectl create deployment web --image=nginx --dry-run=client -o yaml | kubectl apply -f -';

/** Reads the whole body; 413 beyond the limit. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) {
      throw new StatusError('RequestEntityTooLarge', 413, `limit is ${limit}`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** The media type of a Content-Type header, lower-cased, parameters dropped. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Whether a body is protobuf (by media type or by the `k8s\0` magic). */
export function isProtobuf(contentType: string | undefined, body: Buffer): boolean {
  return mediaTypeOf(contentType) === 'application/vnd.kubernetes.protobuf' || hasProtobufMagic(body);
}

/** 415 with the accepted media types, as `negotiation.NewUnsupportedMediaTypeError` words it. */
export function unsupportedMediaTypeError(accepted: readonly string[]): StatusError {
  return new StatusError(
    'UnsupportedMediaType',
    415,
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

/** Media types accepted for create and update bodies. */
export const OBJECT_MEDIA_TYPES = ['application/json', 'application/yaml'] as const;

/**
 * Decodes a create/update body (JSON, YAML when labelled so, or protobuf).
 * Throws 415 for a protobuf object netkube does not decode (adding the
 * workaround to `warnings`) and unknown types, 400 for syntax errors.
 */
export function decodeObjectBody(
  contentType: string | undefined,
  body: Buffer,
  warnings?: string[],
): unknown {
  if (isProtobuf(contentType, body)) {
    try {
      return decodeKubernetesProtobuf(body);
    } catch (err) {
      if (err instanceof StatusError && err.httpCode === 415) warnings?.push(PROTOBUF_WORKAROUND);
      throw err;
    }
  }
  const type = mediaTypeOf(contentType);
  if (type === 'application/yaml' || type === 'application/x-yaml' || type === 'text/yaml') {
    return decodeYaml(body);
  }
  if (type !== '' && type !== 'application/json' && type !== '*/*')
    throw unsupportedMediaTypeError(OBJECT_MEDIA_TYPES);
  return decodeJson(body);
}

/** JSON.parse with the API server's 400 on syntax errors. */
export function decodeJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') throw new StatusError('BadRequest', 400, 'the request body is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new StatusError('BadRequest', 400, `error decoding body: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** YAML (JSON is valid YAML), for `application/apply-patch+yaml` and YAML bodies. */
export function decodeYaml(body: Buffer): unknown {
  try {
    return parseYaml(body.toString('utf8')) as unknown;
  } catch (err) {
    throw new StatusError('BadRequest', 400, `error decoding YAML: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
