/**
 * Percent-decoding of a request path's bytes, as web servers do it before
 * mapping a path to a file. Node hands the request target over as latin1: one
 * char per byte. Each server then decides what a decoded byte means (nginx
 * refuses NUL, Apache NUL and an encoded `/`).
 */

/** The decoded bytes, or `'bad-escape'` for a `%` not followed by two hex digits. */
export function percentDecodeBytes(raw: string): number[] | 'bad-escape' {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c !== 0x25) {
      bytes.push(c & 0xff);
      continue;
    }
    const hex = raw.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) return 'bad-escape';
    bytes.push(Number.parseInt(hex, 16));
    i += 2;
  }
  return bytes;
}
