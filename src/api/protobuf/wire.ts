/**
 * The protobuf wire format, read-only: what Kubernetes' gogo-generated
 * `Marshal` writes. Varints (wire type 0) carry int32, int64 and bool, and
 * length-delimited fields (wire type 2) carry strings, bytes, messages, map
 * entries and each element of a repeated field (proto2: never packed). Wire
 * types 1 and 5 are only skipped; groups (3, 4) are an error.
 */

/** A malformed body: the message names what was wrong and at which byte. */
export class WireError extends Error {
  override readonly name = 'WireError';
}

export const VARINT = 0;
export const FIXED64 = 1;
export const LENGTH_DELIMITED = 2;
export const FIXED32 = 5;

/** One field as read: its number, wire type, and the value (a varint, or the bytes it delimits). */
export interface WireField {
  readonly number: number;
  readonly wireType: number;
  /** Wire type 0: the raw 64-bit value. */
  readonly varint: bigint;
  /** Wire type 2: the delimited bytes (a view into the body). */
  readonly bytes: Uint8Array;
}

const NO_BYTES = new Uint8Array(0);

/** Reads the fields of one message in order. */
export function* readFields(buf: Uint8Array): Generator<WireField> {
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    const [key, afterKey] = readVarint(buf, pos);
    pos = afterKey;
    const number = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (number === 0) throw new WireError(`field number 0 at byte ${start}`);
    switch (wireType) {
      case VARINT: {
        const [value, next] = readVarint(buf, pos);
        pos = next;
        yield { number, wireType, varint: value, bytes: NO_BYTES };
        break;
      }
      case LENGTH_DELIMITED: {
        const [length, next] = readVarint(buf, pos);
        const end = next + Number(length);
        if (length > BigInt(buf.length) || end > buf.length)
          throw new WireError(`field ${number} at byte ${start} is longer than the message (unexpected EOF)`);
        pos = end;
        yield { number, wireType, varint: 0n, bytes: buf.subarray(next, end) };
        break;
      }
      case FIXED64:
      case FIXED32: {
        const size = wireType === FIXED64 ? 8 : 4;
        if (pos + size > buf.length) throw new WireError(`field ${number} at byte ${start}: unexpected EOF`);
        pos += size;
        yield { number, wireType, varint: 0n, bytes: NO_BYTES };
        break;
      }
      default:
        throw new WireError(
          `field ${number} at byte ${start} has wire type ${wireType}, which is not used here`,
        );
    }
  }
}

/** A base-128 varint at `pos`: its value (up to 64 bits) and the position after it. */
export function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let value = 0n;
  let shift = 0n;
  for (let i = pos; i < buf.length && i < pos + 10; i++) {
    const b = buf[i] as number;
    value |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return [BigInt.asUintN(64, value), i + 1];
    shift += 7n;
  }
  throw new WireError(
    pos + 10 <= buf.length
      ? `varint at byte ${pos} is longer than 10 bytes`
      : `unexpected EOF in a varint at byte ${pos}`,
  );
}

/** A varint as a signed 64-bit integer (negative int32 values are sign-extended on the wire). */
export function signed(value: bigint): number {
  return Number(BigInt.asIntN(64, value));
}

/** A varint as an `int32`. */
export function signed32(value: bigint): number {
  return Number(BigInt.asIntN(32, value));
}
