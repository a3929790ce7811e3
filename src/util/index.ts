export { assertNever } from './assert-never.js';
export { type Clock, FakeClock, realClock, rfc3339, rfc3339Micro, type TimerHandle } from './clock.js';
export { humanDuration, parseGoDuration } from './duration.js';
export { errorMessage, NetkubeError, UsageError, UserError } from './errors.js';
export {
  type Cidr,
  cidrContains,
  cidrContainsText,
  cidrIndex,
  cidrsOverlap,
  formatIPv4,
  isIPv4,
  isLoopback,
  parseCidr,
  parseIPv4,
} from './ipv4.js';
export type { DeepMutable, Mutable } from './mutable.js';
export { NAME_SUFFIX_ALPHABET, newUid, randomSuffix } from './names.js';
export { type Random, seededRandom, systemRandom } from './random.js';
