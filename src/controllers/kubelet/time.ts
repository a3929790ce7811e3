/**
 * `rfc3339` with a small cache: a status write formats several timestamps,
 * nearly all in the same second, and at 100,000 pods formatting dates was the
 * kubelet's largest single cost.
 */
import { rfc3339 } from '../../util/clock.js';

let cachedSecond = Number.NaN;
let cachedText = '';

/** RFC 3339 in whole seconds, as the API server writes `metav1.Time` (same result as `rfc3339`). */
export function apiTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedText = rfc3339(ms);
  }
  return cachedText;
}
