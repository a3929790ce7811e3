/**
 * Buffers for the bytes the controller writes on every request (the upstream
 * request head, the client response), carved from 64 KiB slabs. Node's own
 * pool for small buffers is 8 KiB, so at some 500 bytes a keep-alive request
 * it allocated a new ArrayBuffer every ~16 requests, which costs more than
 * the copies. A slab is never written twice: each buffer handed out is a view
 * of its own bytes, kept alive by whoever reads it (as with Node's pool).
 */

const SLAB_BYTES = 64 * 1024;
/** Larger buffers get their own allocation. */
const MAX_CARVED = 8 * 1024;

let slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
let used = 0;

/** An uninitialised buffer of `size` bytes. */
export function allocBytes(size: number): Buffer {
  if (size > MAX_CARVED) return Buffer.allocUnsafe(size);
  if (used + size > SLAB_BYTES) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    used = 0;
  }
  const out = slab.subarray(used, used + size);
  // 8-byte steps, as Node's pool (`alignPool`).
  used = (used + size + 7) & ~7;
  return out;
}

type Latin1Writer = Buffer & { latin1Write?: (text: string, offset: number) => number };

/** `buf.write(text, offset, 'latin1')` without its argument juggling (Node's own `latin1Write` when present). */
export function writeLatin1(buf: Buffer, text: string, offset = 0): void {
  const b = buf as Latin1Writer;
  if (typeof b.latin1Write === 'function') b.latin1Write(text, offset);
  else buf.write(text, offset, 'latin1');
}

/** `Buffer.from(text, 'latin1')`, carved from a slab. */
export function latin1Bytes(text: string): Buffer {
  const out = allocBytes(text.length);
  writeLatin1(out, text);
  return out;
}
