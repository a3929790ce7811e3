/**
 * The annotation validators whose failure ingress-nginx v1.12 does not
 * absorb: `checkAnnotation` runs each annotation's `Validator` and returns a
 * `ValidationError` ("annotation <key> contains invalid value"); most parsers
 * then fall back to a default, but these return it from `Parse`, so
 * `Extract` fails, the validating webhook denies the Ingress and
 * `store.syncIngress` logs the error and skips it (the Ingress is not served).
 * Pure.
 */
import { ANNOTATION_PREFIX, parseGoBool } from './annotation-values.js';

/** The load-balance values ingress-nginx accepts (loadbalancing `loadBalanceAlgorithms`). */
export const LOAD_BALANCE_ALGORITHMS = [
  'round_robin',
  'chash',
  'chashsubset',
  'sticky_balanced',
  'sticky_persistent',
  'ewma',
] as const;
export type LoadBalance = (typeof LOAD_BALANCE_ALGORITHMS)[number];

type Validator = (value: string) => boolean;

/** parser.ValidateRegex(regex, removeSpace=true): spaces removed, no CR/LF. */
function regex(re: RegExp): Validator {
  return (v) => {
    const s = v.replaceAll(' ', '');
    return re.test(s) && !/[\r\n]/.test(s);
  };
}

const ALPHANUMERIC = String.raw`\-._~a-zA-Z0-9/:`;
/** parser.IsValidRegex (ValidateServerName, after TrimSpace). */
const IS_VALID_REGEX = new RegExp(String.raw`^[/${ALPHANUMERIC}\^$\[\](){}*+?|&=\\]*$`);

/** Go `strconv.Atoi`. */
function isGoInt(v: string): boolean {
  return /^[+-]?\d+$/.test(v) && Number.isSafeInteger(Number(v));
}

/** Keys (without prefix) whose parser returns the ValidationError, with their validators. */
const STRICT_VALIDATORS: ReadonlyMap<string, Validator> = new Map<string, Validator>([
  ['client-body-buffer-size', regex(/^\d+[bkmgBKMG]?$/)],
  ['custom-http-errors', regex(/^(?:[4,5]\d{2},?)*$/)],
  ['http2-push-preload', (v) => parseGoBool(v) !== undefined],
  ['load-balance', (v) => (LOAD_BALANCE_ALGORITHMS as readonly string[]).includes(v.trim())],
  ['ssl-passthrough', (v) => parseGoBool(v) !== undefined],
  ['upstream-hash-by', regex(/^[A-Za-z0-9\-_${}]*$/)],
  ['upstream-hash-by-subset', (v) => parseGoBool(v) !== undefined],
  ['upstream-hash-by-subset-size', isGoInt],
  ['upstream-vhost', (v) => IS_VALID_REGEX.test(v.trim())],
  ['x-forwarded-prefix', regex(new RegExp(`^/?[${ALPHANUMERIC}/$]*$`))],
]);

/**
 * The ValidationError of the first (by key) strictly validated annotation
 * with an invalid value, as ingress-nginx words it, or undefined. Empty
 * values are not validated (checkAnnotation).
 */
export function firstValidationError(annotations: Readonly<Record<string, string>>): string | undefined {
  for (const [key, valid] of STRICT_VALIDATORS) {
    const full = ANNOTATION_PREFIX + key;
    const v = annotations[full];
    if (v !== undefined && v !== '' && !valid(v)) return `annotation ${full} contains invalid value`;
  }
  return undefined;
}
