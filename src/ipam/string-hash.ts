/**
 * The one hash of a handle ID the allocator computes per operation: the
 * memory backend's handle table (`handle-table.ts`) and the blocks'
 * attribute hashes (`block-attributes.ts`) both use it, so an allocation or
 * a release hashes its handle ID once and hands the number to both.
 */

/** FNV-1a (32-bit) over the UTF-16 code units of `text`, as a signed integer. */
export function stringHash(text: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}
