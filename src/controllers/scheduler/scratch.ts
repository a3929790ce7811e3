/**
 * Reusable typed arrays for one scheduling decision. `schedulePod` is
 * synchronous and never re-entered, so each slot's buffer can serve every
 * decision in turn instead of allocating ~20 kB per pod (which showed up as
 * garbage-collector time at 100,000 pods). A view is valid until the next
 * call for the same slot.
 */
const float64 = new Map<string, Float64Array>();
const int32 = new Map<string, Int32Array>();

/** A zeroed Float64Array view of length `n` for `slot`. */
export function scratchFloat64(slot: string, n: number): Float64Array {
  let buf = float64.get(slot);
  if (!buf || buf.length < n) {
    buf = new Float64Array(Math.max(n, 2 * (buf?.length ?? 0), 64));
    float64.set(slot, buf);
  }
  const view = buf.subarray(0, n);
  view.fill(0);
  return view;
}

/** An Int32Array view of length `n` for `slot`, filled with `value`. */
export function scratchInt32(slot: string, n: number, value: number): Int32Array {
  let buf = int32.get(slot);
  if (!buf || buf.length < n) {
    buf = new Int32Array(Math.max(n, 2 * (buf?.length ?? 0), 64));
    int32.set(slot, buf);
  }
  const view = buf.subarray(0, n);
  view.fill(value);
  return view;
}
