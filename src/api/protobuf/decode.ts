/**
 * Kubernetes' protobuf encoding of an object (`k8s.io/apimachinery/pkg/runtime/
 * serializer/protobuf`), decoded into the JSON object the same request would
 * have sent as `application/json`: the magic `k8s\0`, then a `runtime.Unknown`
 * envelope whose `typeMeta` names the kind and whose `raw` is the object's own
 * message. kubectl's `create` generators send their objects this way and do
 * not fall back to JSON (reference kubectl-api.md §2.6).
 *
 * The JSON follows Go's `encoding/json` of the decoded struct: zero scalars
 * omitted unless the Go field is a pointer, non-pointer structs kept as `{}`,
 * `metav1.Time` as RFC 3339 seconds, `resource.Quantity` and
 * `intstr.IntOrString` in their JSON forms, `[]byte` as base64.
 */
import { rfc3339 } from '../../util/clock.js';
import { badRequest, StatusError } from '../errors.js';
import { type FieldSpec, isScalar, MESSAGES, type MessageSpec, TOP_LEVEL } from './schema.js';
import { LENGTH_DELIMITED, readFields, signed, signed32, VARINT, WireError, type WireField } from './wire.js';

/** `protobuf.serializerExtensions`' prefix. */
const MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

/** Whether `body` starts with the magic `k8s\0`. */
export function hasProtobufMagic(body: Uint8Array): boolean {
  return MAGIC.every((b, i) => body[i] === b);
}

/** A body netkube reads as protobuf but does not decode: refused by name, never half-read. */
function unsupported(message: string): StatusError {
  return new StatusError('UnsupportedMediaType', 415, message);
}

function malformed(detail: string): StatusError {
  return badRequest(`error decoding the protobuf body: ${detail}`);
}

/**
 * Decodes a protobuf request body into the object's JSON form, `apiVersion`
 * and `kind` first. Throws a 400 StatusError for a malformed body and a 415
 * for an object or field netkube does not decode.
 */
export function decodeKubernetesProtobuf(body: Uint8Array): Record<string, unknown> {
  if (!hasProtobufMagic(body)) {
    throw badRequest(
      `provided data does not appear to be a protobuf message, expected prefix [${[...MAGIC].join(' ')}]`,
    );
  }
  try {
    const envelope = readEnvelope(body.subarray(MAGIC.length));
    const key = `${envelope.apiVersion} ${envelope.kind}`;
    const message = TOP_LEVEL.get(key);
    if (!message) {
      const known = [...TOP_LEVEL.keys()].join(', ');
      throw unsupported(
        `netkube decodes protobuf bodies of ${known} (the objects of kubectl's create generators); ` +
          `not ${envelope.apiVersion || '(no apiVersion)'} ${envelope.kind || '(no kind)'}`,
      );
    }
    if (envelope.contentEncoding !== '') {
      throw unsupported(
        `the protobuf envelope's contentEncoding "${envelope.contentEncoding}" is not supported`,
      );
    }
    const object = decodeMessage(envelope.raw, MESSAGES[message] as MessageSpec, '');
    return { apiVersion: envelope.apiVersion, kind: envelope.kind, ...object };
  } catch (err) {
    if (err instanceof WireError) throw malformed(err.message);
    throw err;
  }
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
}

/** `runtime.Unknown`: typeMeta (1: apiVersion, 2: kind), raw (2), contentEncoding (3), contentType (4). */
function readEnvelope(buf: Uint8Array): Envelope {
  const out: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array(0), contentEncoding: '' };
  for (const f of readFields(buf)) {
    if (f.number === 1) {
      for (const t of readFields(delimited(f, 'runtime.Unknown typeMeta'))) {
        if (t.number === 1) out.apiVersion = text(delimited(t, 'typeMeta.apiVersion'));
        else if (t.number === 2) out.kind = text(delimited(t, 'typeMeta.kind'));
      }
    } else if (f.number === 2) out.raw = delimited(f, 'runtime.Unknown raw');
    else if (f.number === 3) out.contentEncoding = text(delimited(f, 'runtime.Unknown contentEncoding'));
  }
  return out;
}

function delimited(f: WireField, what: string): Uint8Array {
  if (f.wireType !== LENGTH_DELIMITED)
    throw new WireError(`${what} (field ${f.number}) has wire type ${f.wireType}, want ${LENGTH_DELIMITED}`);
  return f.bytes;
}

function varint(f: WireField, what: string): bigint {
  if (f.wireType !== VARINT)
    throw new WireError(`${what} (field ${f.number}) has wire type ${f.wireType}, want ${VARINT}`);
  return f.varint;
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function join(path: string, json: string): string {
  return path === '' ? json : `${path}.${json}`;
}

/** Decodes one message into its JSON object (fields in Go order). */
function decodeMessage(buf: Uint8Array, spec: MessageSpec, path: string): Record<string, unknown> {
  const byField = new Map<number, WireField[]>();
  for (const f of readFields(buf)) {
    const field = spec.byNumber.get(f.number);
    if (!field) {
      // gogo writes every non-pointer field; its zero value says nothing.
      const zero =
        (f.wireType === VARINT && f.varint === 0n) ||
        (f.wireType === LENGTH_DELIMITED && f.bytes.length === 0);
      if (zero) continue;
      throw unsupported(
        `netkube does not decode field ${f.number} of ${spec.name}${path ? ` (in ${path})` : ''} from protobuf`,
      );
    }
    const list = byField.get(f.number);
    if (list) list.push(f);
    else byField.set(f.number, [f]);
  }
  const out: Record<string, unknown> = {};
  for (const field of spec.fields) {
    if (field.skip) continue;
    const occurrences = byField.get(field.number) ?? [];
    const at = join(path, field.json);
    if (field.map) {
      const map = decodeMap(occurrences, field, at);
      if (map) out[field.json] = map;
    } else if (field.repeated) {
      if (occurrences.length > 0) out[field.json] = occurrences.map((f, i) => value(f, field, `${at}[${i}]`));
    } else if (isScalar(field.type)) {
      const last = occurrences.at(-1);
      if (!last) continue;
      const v = value(last, field, at);
      if (v !== undefined && (field.pointer || !isZero(v))) out[field.json] = v;
    } else {
      // A message given more than once is the merge of its parts (protobuf concatenation).
      if (occurrences.length === 0 && field.pointer) continue;
      const parts = occurrences.map((f) => delimited(f, `${spec.name} ${field.json}`));
      const bytes = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
      const nested = decodeMessage(bytes, MESSAGES[field.type] as MessageSpec, field.inline ? path : at);
      if (field.inline) Object.assign(out, nested);
      else out[field.json] = nested;
    }
  }
  return out;
}

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

function decodeMap(
  occurrences: readonly WireField[],
  field: FieldSpec,
  at: string,
): Record<string, unknown> | undefined {
  if (occurrences.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const entry of occurrences) {
    let key = '';
    let val: unknown = field.type === 'Quantity' ? '0' : '';
    for (const f of readFields(delimited(entry, `${at} entry`))) {
      if (f.number === 1) key = text(delimited(f, `${at} key`));
      else if (f.number === 2) val = value(f, field, `${at}[${key}]`);
    }
    out[key] = val;
  }
  return out;
}

/** One scalar or message value of `field`. */
function value(f: WireField, field: FieldSpec, at: string): unknown {
  switch (field.type) {
    case 'string':
      return text(delimited(f, at));
    case 'bytes':
      return Buffer.from(delimited(f, at)).toString('base64');
    case 'int32':
      return signed32(varint(f, at));
    case 'int64':
      return signed(varint(f, at));
    case 'bool':
      return varint(f, at) !== 0n;
    case 'Time':
      return time(delimited(f, at), at);
    case 'Quantity':
      return quantity(delimited(f, at), at);
    case 'IntOrString':
      return intOrString(delimited(f, at), at);
    default:
      return decodeMessage(delimited(f, at), MESSAGES[field.type] as MessageSpec, at);
  }
}

/** `metav1.Time` {seconds, nanos} → RFC 3339 in seconds (its JSON form); undefined for the zero time. */
function time(buf: Uint8Array, at: string): string | undefined {
  let seconds = 0;
  for (const f of readFields(buf)) if (f.number === 1) seconds = signed(varint(f, `${at}.seconds`));
  if (seconds === 0) return undefined;
  return rfc3339(seconds * 1000);
}

/** `resource.Quantity` {string}. */
function quantity(buf: Uint8Array, at: string): string {
  let s = '0';
  for (const f of readFields(buf)) if (f.number === 1) s = text(delimited(f, `${at}.string`));
  return s;
}

/** `intstr.IntOrString` {type (0 int, 1 string), intVal, strVal}. */
function intOrString(buf: Uint8Array, at: string): number | string {
  let type = 0;
  let intVal = 0;
  let strVal = '';
  for (const f of readFields(buf)) {
    if (f.number === 1) type = signed(varint(f, `${at}.type`));
    else if (f.number === 2) intVal = signed32(varint(f, `${at}.intVal`));
    else if (f.number === 3) strVal = text(delimited(f, `${at}.strVal`));
  }
  return type === 1 ? strVal : intVal;
}
