/**
 * `rfc3339` for hot paths: timestamps have whole-second precision, so the
 * text of the current second is computed once and reused.
 */
import { rfc3339 } from '../../util/clock.js';

let lastSecond = Number.NaN;
let lastText = '';

/** Same result as `rfc3339(ms)`. */
export function timestamp(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastText = rfc3339(ms);
  }
  return lastText;
}
